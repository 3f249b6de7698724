package dev.honest.launcher.cluster;

import dev.honest.common.exit.ExitCode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Waits for the Ollama Deployment to be rolled out and, when it is not, says which pod is stuck and why. */
final class OllamaReadiness {
  private final Cluster cluster;

  OllamaReadiness(Cluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Returns once every replica of the Deployment runs the current spec and is Ready.
   *
   * @throws ClusterException ({@link ExitCode#UNAVAILABLE}) after {@code timeout}, naming each pod
   *     that is not ready and the reason its status gives
   */
  void await(String name, Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    Deployment last = cluster.poll(
        () -> cluster.call("get", "deployments",
            () -> cluster.client.apps().deployments().inNamespace(cluster.namespace).withName(name).get()),
        OllamaReadiness::isReady,
        d -> "⏳ Ollama (deployment " + name + "): " + counts(d),
        timeout);
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    if (!isReady(last)) {
      throw new ClusterException(
          ExitCode.UNAVAILABLE,
          "Ollama (deployment " + name + ") not ready after " + Cluster.human(waited) + ", " + counts(last) + ": "
              + diagnose(last) + " — see `kubectl -n " + cluster.namespace + " describe deployment " + name + "`");
    }
    cluster.say("✅ Ollama ready: " + counts(last) + " | Time: " + Cluster.human(waited));
  }

  /**
   * Rolled out and Ready, the way {@code kubectl rollout status} judges it: the controller has seen
   * the current generation, every desired replica is updated and ready, and no old replica is left.
   */
  static boolean isReady(Deployment d) {
    if (d == null || d.getStatus() == null) {
      return false;
    }
    DeploymentStatus s = d.getStatus();
    long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
    long observed = s.getObservedGeneration() == null ? 0 : s.getObservedGeneration();
    int desired = desired(d);
    return observed >= generation
        && nz(s.getUpdatedReplicas()) == desired
        && nz(s.getReadyReplicas()) == desired
        && nz(s.getReplicas()) <= desired;
  }

  static String counts(Deployment d) {
    if (d == null) {
      return "deployment not found";
    }
    int ready = d.getStatus() == null ? 0 : nz(d.getStatus().getReadyReplicas());
    return "ready " + ready + "/" + desired(d);
  }

  /** One clause per pod that is not ready; or, without pods, what the Deployment's conditions say. */
  private String diagnose(Deployment d) {
    if (d == null) {
      return "the Deployment does not exist";
    }
    Map<String, String> selector = d.getSpec().getSelector().getMatchLabels();
    List<Pod> pods = cluster.call("list", "pods",
        () -> cluster.client.pods().inNamespace(cluster.namespace).withLabels(selector).list().getItems());
    List<Event> events = events();
    String stuck = pods.stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .map(p -> Pods.whyNotReady(p, events))
        .filter(Objects::nonNull)
        .collect(Collectors.joining("; "));
    if (!stuck.isEmpty()) {
      return stuck;
    }
    List<DeploymentCondition> conditions = d.getStatus() == null || d.getStatus().getConditions() == null
        ? List.of() : d.getStatus().getConditions();
    String problems = conditions.stream()
        .filter(c -> "ReplicaFailure".equals(c.getType()) ? "True".equals(c.getStatus()) : "False".equals(c.getStatus()))
        .map(c -> c.getType() + ": " + c.getReason() + ": " + c.getMessage())
        .collect(Collectors.joining("; "));
    return problems.isEmpty() ? (pods.isEmpty() ? "no pods yet" : "pods ready, rollout not finished") : problems;
  }

  /** Events only add detail; without permission to read them the diagnosis goes on without. */
  private List<Event> events() {
    try {
      return cluster.client.v1().events().inNamespace(cluster.namespace).list().getItems();
    } catch (KubernetesClientException e) {
      return List.of();
    }
  }

  private static int desired(Deployment d) {
    return d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  private static int nz(Integer i) {
    return i == null ? 0 : i;
  }
}
