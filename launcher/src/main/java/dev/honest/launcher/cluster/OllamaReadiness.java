package dev.honest.launcher.cluster;

import dev.honest.common.exit.ExitCode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
    PodWatch pods = new PodWatch(name);
    Deployment last = cluster.poll(
        () -> {
          Deployment d = cluster.call("get", "deployments",
              () -> cluster.client.apps().deployments().inNamespace(cluster.namespace).withName(name).get());
          if (!isReady(d)) {
            pods.check(d);
          }
          return d;
        },
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
   * What the Deployment's pods say while it is not ready. A container of the current template that
   * fails during the wait ends it at once: the init container pull-models retries a pull itself
   * before it fails, and a retry by Kubernetes fails alike (a model the registry does not have, a
   * full disk, a registry out of reach), so waiting on until the timeout would only hide why. A
   * failure the pod already had when the wait began is said, and waited out: `run` again after a
   * fix, the pod tries again after its back-off. A pod that cannot start (no node has room, the
   * image cannot be pulled) is said once per reason, and waited for: an autoscaler, or a fix, may
   * yet let it start; so is a pod Kubernetes stopped (evicted), which the Deployment replaces. Pods
   * of an earlier template, which the rollout replaces, are left alone.
   */
  private final class PodWatch {
    private final String deployment;
    /** The failed container runs seen on the first look, or null before it. */
    private Set<String> failedBefore;
    private final Set<String> said = new HashSet<>();

    PodWatch(String deployment) {
      this.deployment = deployment;
    }

    void check(Deployment d) {
      if (d == null || d.getSpec() == null || d.getSpec().getSelector() == null) {
        return;
      }
      PodSpec template = d.getSpec().getTemplate().getSpec();
      List<Pod> pods = cluster.call("list", "pods", () -> cluster.client.pods().inNamespace(cluster.namespace)
              .withLabels(d.getSpec().getSelector().getMatchLabels()).list().getItems())
          .stream().filter(p -> ofTemplate(p, template))
          .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
      boolean first = failedBefore == null;
      if (first) {
        failedBefore = new HashSet<>();
      }
      for (Pod pod : pods) {
        String name = pod.getMetadata().getName();
        Pods.Failure failure = Pods.failure(pod);
        if (failure != null && first) {
          failedBefore.add(failure.run());
        }
        if (failure != null && !failedBefore.contains(failure.run())) {
          throw new ClusterException(ExitCode.UNAVAILABLE, "Ollama (deployment " + deployment + ") cannot become ready:"
              + " pod " + name + ": " + failure.detail() + " — see `kubectl -n " + cluster.namespace + " logs " + name
              + " -c " + failure.container() + "`; fix it and `run` again, or `cleanup`");
        }
        if (failure != null) {
          if (said.add(failure.run())) {
            cluster.say("⚠ Ollama pod " + name + " had failed before `run` began waiting: " + failure.detail()
                + ". It tries again after its back-off; `kubectl -n " + cluster.namespace + " delete pod " + name
                + "` tries at once.");
          }
          continue;
        }
        if (Pods.ended(pod) && pod.getStatus().getReason() != null && said.add(pod.getStatus().getReason())) {
          // Evicted: a model volume over its size limit, a node short of memory or disk.
          cluster.say("⚠ Ollama pod " + name + " was stopped: " + pod.getStatus().getReason()
              + (pod.getStatus().getMessage() == null ? "" : ": " + pod.getStatus().getMessage().strip())
              + " The Deployment starts another pod in its place.");
        }
        Pods.Stuck stuck = Pods.stuck(pod);
        if (stuck != null && said.add(stuck.reason())) {
          String hint = switch (stuck.reason()) {
            case "ImagePullBackOff", "InvalidImageName" -> " The cluster cannot pull the Ollama image: check"
                + " --ollama-image and that the cluster may pull from its registry.";
            case "Unschedulable" -> " No node has room for it (yet; a cluster autoscaler may add one): fewer"
                + " --llm-replicas, a smaller --ollama-memory or --ollama-cpu, or bigger nodes.";
            default -> "";
          };
          cluster.say("⚠ Ollama pod " + name + " cannot start: " + stuck.detail() + "." + hint
              + " `run` waits on, up to --ollama-timeout. See: kubectl -n " + cluster.namespace + " describe pod " + name);
        }
      }
    }
  }

  /**
   * True when the pod was made from {@code template}: each of its containers that the template has
   * runs the same image with the template's environment (a webhook may add containers or variables).
   */
  private static boolean ofTemplate(Pod pod, PodSpec template) {
    if (pod.getSpec() == null) {
      return false;
    }
    Map<String, Container> wanted = new HashMap<>();
    Stream.concat(list(template.getInitContainers()).stream(), list(template.getContainers()).stream())
        .forEach(c -> wanted.put(c.getName(), c));
    List<Container> own = Stream.concat(list(pod.getSpec().getInitContainers()).stream(),
        list(pod.getSpec().getContainers()).stream()).filter(c -> wanted.containsKey(c.getName())).toList();
    return !own.isEmpty() && own.stream().allMatch(c -> {
      Container t = wanted.get(c.getName());
      return Objects.equals(t.getImage(), c.getImage()) && list(c.getEnv()).containsAll(
          list(t.getEnv()).stream().filter(e -> e.getValueFrom() == null).toList());
    });
  }

  private static <T> List<T> list(List<T> items) {
    return items == null ? List.of() : items;
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
