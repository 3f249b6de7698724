package dev.honest.launcher.cluster;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Plays the Deployment controller and kubelet: every Deployment's replicas become updated and Ready,
 * and with {@link #withReadyPods} each replica also exists as a Ready pod (a port-forward target).
 */
final class FakeDeploymentController extends FakeController<Deployment> {
  private final KubernetesClient client;
  private final String namespace;
  private boolean pods;

  FakeDeploymentController(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** Also creates each replica's pod, Running and Ready, labelled as the template says. */
  FakeDeploymentController withReadyPods() {
    pods = true;
    return this;
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
    for (int i = 1; pods && i <= replicas; i++) {
      client.pods().inNamespace(namespace).resource(new PodBuilder()
          .withNewMetadata().withName(d.getMetadata().getName() + "-fake" + i)
          .withLabels(d.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
          .withSpec(d.getSpec().getTemplate().getSpec())
          .withNewStatus().withPhase("Running")
          .addNewCondition().withType("Ready").withStatus("True").endCondition()
          .endStatus()
          .build()).createOr(existing -> existing.update());
    }
    editStatus(client.apps().deployments().inNamespace(namespace).withName(d.getMetadata().getName()), current -> {
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
