package dev.honest.launcher.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The templates in the top-level {@code manifests/} directory, which the build copies into the jar
 * under {@code manifests/}. Each call returns a fresh typed object, so callers may change it.
 */
public final class Manifests {
  /** The static objects, applicable as they are with {@code kubectl apply -f manifests/}. */
  public static final String NAMESPACE = "namespace.yaml";
  public static final String OLLAMA_DEPLOYMENT = "ollama-deployment.yaml";
  public static final String OLLAMA_SERVICE = "ollama-service.yaml";
  /** The headless Service the workers resolve to every Ollama pod. */
  public static final String OLLAMA_PODS_SERVICE = "ollama-pods-service.yaml";
  public static final String NETWORK_POLICIES = "networkpolicy.yaml";
  /** The workers' ServiceAccount, and the Role and RoleBinding that let it create and get Leases. */
  public static final String WORKER_ACCESS = "worker-rbac.yaml";
  /** The worker Job, filled in per worker; in a subdirectory so that it is not applied as is. */
  public static final String WORKER_JOB = "templates/worker-job.yaml";

  /** Every template, as paths relative to {@code manifests/}. */
  public static final List<String> ALL =
      List.of(NAMESPACE, OLLAMA_DEPLOYMENT, OLLAMA_SERVICE, OLLAMA_PODS_SERVICE, NETWORK_POLICIES, WORKER_ACCESS,
          WORKER_JOB);

  /** fabric8's serialization: the only one used for Kubernetes objects. */
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Manifests() {}

  public static Namespace namespace() {
    return load(NAMESPACE, Namespace.class);
  }

  public static Deployment ollamaDeployment() {
    return load(OLLAMA_DEPLOYMENT, Deployment.class);
  }

  public static Service ollamaService() {
    return load(OLLAMA_SERVICE, Service.class);
  }

  public static Service ollamaPodsService() {
    return load(OLLAMA_PODS_SERVICE, Service.class);
  }

  public static Job workerJob() {
    return SERIALIZATION.unmarshal(WorkerJobJson.JSON, Job.class);
  }

  /** The Job template as JSON, parsed from YAML once: a run renders hundreds of Jobs, and JSON parses faster. */
  private static final class WorkerJobJson {
    static final String JSON = SERIALIZATION.asJson(load(WORKER_JOB, Job.class));
  }

  /** The network policies, in file order. */
  public static List<NetworkPolicy> networkPolicies() {
    return loadAll(NETWORK_POLICIES).stream().map(NetworkPolicy.class::cast).toList();
  }

  /** The workers' ServiceAccount, Role and RoleBinding, in file order. */
  public static List<HasMetadata> workerAccess() {
    return loadAll(WORKER_ACCESS);
  }

  /** Every object of one template file, typed by its {@code kind}. */
  public static List<HasMetadata> loadAll(String name) {
    Object parsed = SERIALIZATION.unmarshal(read(name));
    if (parsed instanceof List<?> list) {
      return list.stream().map(HasMetadata.class::cast).toList();
    }
    return List.of((HasMetadata) parsed);
  }

  private static <T> T load(String name, Class<T> type) {
    return SERIALIZATION.unmarshal(read(name), type);
  }

  private static String read(String name) {
    String resource = "/manifests/" + name;
    try (InputStream in = Manifests.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("template " + resource + " is missing from the launcher jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read template " + resource, e);
    }
  }
}
