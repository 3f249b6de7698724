package dev.honest.launcher.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a run puts into the cluster, as rendered; {@link ClusterOperations#deploy} applies it
 * in dependency order.
 *
 * @param namespace the run namespace
 * @param ollama the Ollama Deployment; the Jobs start only once it is ready
 * @param ollamaService the ClusterIP Service in front of Ollama
 * @param ollamaPods the headless Service whose name the workers resolve to every Ollama pod
 * @param networkPolicies every NetworkPolicy of the run (applied before any pod exists)
 * @param workerAccess the workers' ServiceAccount, Role and RoleBinding, applied before the Jobs
 * @param configMaps the configuration and workspace ConfigMaps
 * @param signingKey the Secret with the run's private key, which the Jobs mount
 * @param jobs one Job per worker, each labelled with the run id
 */
public record RunResources(
    Namespace namespace,
    Deployment ollama,
    Service ollamaService,
    Service ollamaPods,
    List<NetworkPolicy> networkPolicies,
    List<HasMetadata> workerAccess,
    List<ConfigMap> configMaps,
    Secret signingKey,
    List<Job> jobs) {

  public RunResources {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(ollama, "ollama");
    Objects.requireNonNull(ollamaService, "ollamaService");
    Objects.requireNonNull(ollamaPods, "ollamaPods");
    Objects.requireNonNull(signingKey, "signingKey");
    networkPolicies = List.copyOf(networkPolicies);
    workerAccess = List.copyOf(workerAccess);
    configMaps = List.copyOf(configMaps);
    jobs = List.copyOf(jobs);
    List<HasMetadata> all = new ArrayList<>(List.of(namespace, ollama, ollamaService, ollamaPods));
    all.addAll(networkPolicies);
    all.addAll(workerAccess);
    all.addAll(configMaps);
    all.add(signingKey);
    all.addAll(jobs);
    for (HasMetadata o : all) {
      if (o.getMetadata() == null || o.getMetadata().getName() == null || o.getMetadata().getName().isBlank()) {
        throw new IllegalArgumentException("a " + o.getKind() + " of the run has no name");
      }
    }
  }
}
