package dev.honest.launcher.cli;

import dev.honest.launcher.cluster.ClusterException;
import dev.honest.launcher.cluster.KubeClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which cluster: the kubeconfig and its context. */
public final class ClusterOptions {
  @Option(names = "--context", paramLabel = "NAME",
      description = "kubeconfig context to use. Default: the current context")
  String context;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "kubeconfig file. Default: $KUBECONFIG, then ~/.kube/config")
  Path kubeconfig;

  KubernetesClient connect() {
    try {
      return KubeClients.connect(context, kubeconfig);
    } catch (ClusterException e) {
      throw new LauncherException(e.exitCode(), e.getMessage(), e);
    }
  }
}
