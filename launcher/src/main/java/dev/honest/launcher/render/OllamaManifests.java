package dev.honest.launcher.render;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;

/**
 * The Ollama Deployment and Services of a run, from the templates {@code ollama-deployment.yaml},
 * {@code ollama-service.yaml} and {@code ollama-pods-service.yaml}.
 *
 * <p>The Deployment runs Ollama non-root under Pod Security "restricted"; that the image works
 * this way (HOME and OLLAMA_MODELS on volumes, read-only root filesystem) is untested on a real
 * cluster.
 */
final class OllamaManifests {
  static final String SERVICE = "ollama-llm-service";
  /** The headless Service: its name resolves to every ready Ollama pod. */
  static final String PODS_SERVICE = "ollama-llm-pods";
  static final int PORT = 11434;
  static final String GPU_RESOURCE = "nvidia.com/gpu";
  /**
   * Upper bound of {@code OLLAMA_NUM_PARALLEL}. Each parallel slot holds its own {@code num_ctx}
   * KV cache per loaded model (see {@link RunSettings}), and on a CPU more than a few concurrent
   * sequences share the same cores without adding throughput; extra workers simply queue.
   */
  static final int MAX_NUM_PARALLEL = 4;

  private OllamaManifests() {}

  /**
   * Requests each replica serves at once: ceil(workers / replicas), so that every worker has a slot
   * when the Service spreads them evenly, within 1..{@link #MAX_NUM_PARALLEL}.
   */
  static int numParallel(int workers, int replicas) {
    return Math.max(1, Math.min(MAX_NUM_PARALLEL, (workers + replicas - 1) / replicas));
  }

  /**
   * @param taskModels the models tasks name besides the code and general models: each replica pulls
   *     them too, and is Ready only with all of them
   */
  static Deployment deployment(RunSettings s, int workers, List<String> taskModels) {
    Deployment d = Manifests.ollamaDeployment();
    d.getMetadata().setNamespace(s.namespace());
    d.getSpec().setReplicas(s.llmReplicas());
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    Container pull = Pods.container(pod.getInitContainers(), "pull-models");
    Container server = Pods.container(pod.getContainers(), "ollama");
    for (Container c : List.of(pull, server)) {
      c.setImage(s.ollamaImage());
      c.setResources(Pods.resources(s.ollamaResources()));
      Pods.setEnv(c, "HONEST_CODE_MODEL", s.codeModel());
      Pods.setEnv(c, "HONEST_GENERAL_MODEL", s.generalModel());
      Pods.setEnv(c, "HONEST_TASK_MODELS", String.join(" ", taskModels));
    }
    Pods.setEnv(server, "OLLAMA_CONTEXT_LENGTH", String.valueOf(s.options().numCtx()));
    Pods.setEnv(server, "OLLAMA_NUM_PARALLEL", String.valueOf(numParallel(workers, s.llmReplicas())));
    if (s.modelCachePvc() != null) {
      Volume models = Pods.volume(pod, "ollama-models");
      models.setEmptyDir(null);
      models.setPersistentVolumeClaim(
          new PersistentVolumeClaimVolumeSourceBuilder().withClaimName(s.modelCachePvc()).build());
    }
    if (s.gpuCount() > 0) {
      server.getResources().getLimits().put(GPU_RESOURCE, new Quantity(String.valueOf(s.gpuCount())));
      List<Toleration> tolerations = new ArrayList<>(pod.getTolerations());
      tolerations.add(new TolerationBuilder()
          .withKey(GPU_RESOURCE).withOperator("Exists").withEffect("NoSchedule").build());
      pod.setTolerations(tolerations);
    }
    return d;
  }

  static Service service(RunSettings s) {
    Service svc = Manifests.ollamaService();
    svc.getMetadata().setNamespace(s.namespace());
    return svc;
  }

  static Service podsService(RunSettings s) {
    Service svc = Manifests.ollamaPodsService();
    svc.getMetadata().setNamespace(s.namespace());
    return svc;
  }

  /**
   * The URL the workers use: the headless Service's cluster DNS name, which each worker resolves to
   * one URL per Ollama pod ({@code llm_resolve_all}).
   */
  static String url(String namespace) {
    return "http://" + PODS_SERVICE + "." + namespace + ".svc.cluster.local:" + PORT;
  }
}
