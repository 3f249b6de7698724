package dev.honest.launcher.cluster;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Plays the Deployment controller and kubelet: every Deployment's replicas become updated and Ready. */
final class FakeDeploymentController extends FakeController<Deployment> {
  private final KubernetesClient client;
  private final String namespace;

  FakeDeploymentController(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  FakeDeploymentController start() {
    start(client.apps().deployments().inNamespace(namespace));
    return this;
  }

  @Override
  boolean wants(Deployment d) {
    return !OllamaReadiness.isReady(d);
  }

  @Override
  void react(Deployment d) {
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    client.apps().deployments().inNamespace(namespace).withName(d.getMetadata().getName()).editStatus(current -> {
      current.setStatus(new DeploymentStatusBuilder()
          .withObservedGeneration(current.getMetadata().getGeneration())
          .withReplicas(replicas)
          .withUpdatedReplicas(replicas)
          .withReadyReplicas(replicas)
          .withAvailableReplicas(replicas)
          .addNewCondition().withType("Available").withStatus("True").withReason("MinimumReplicasAvailable").endCondition()
          .build());
      return current;
    });
  }
}
