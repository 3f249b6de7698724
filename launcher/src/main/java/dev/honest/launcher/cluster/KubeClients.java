package dev.honest.launcher.cluster;

import dev.honest.common.exit.ExitCode;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Builds the launcher's Kubernetes client from the {@code --context} and {@code --kubeconfig} options. */
public final class KubeClients {
  /**
   * Failed requests are retried with exponential back-off; fabric8's default of 10 retries makes an
   * unreachable cluster take about 20 s to report. A few retries still ride out a blip.
   */
  private static final int REQUEST_RETRIES = 4;

  private KubeClients() {}

  /**
   * A client for {@code context} from {@code kubeconfig}.
   *
   * @param context a context of the kubeconfig, or null for its current context
   * @param kubeconfig the kubeconfig file, or null for the usual lookup ({@code $KUBECONFIG},
   *     {@code ~/.kube/config}, then the service account of the pod we run in)
   * @throws ClusterException when the file is missing or unreadable, the context does not exist,
   *     or there is no context at all; fabric8 itself would silently fall back to another context
   *     or to {@code https://kubernetes.default.svc}
   */
  public static KubernetesClient connect(String context, Path kubeconfig) {
    Config config = kubeconfig == null ? Config.autoConfigure(context) : fromFile(context, kubeconfig);
    Collection<String> looked = kubeconfig == null ? Config.getKubeconfigFilenames() : List.of(kubeconfig.toString());
    String source = kubeconfig == null ? "the kubeconfig (" + String.join(", ", looked) + ")" : kubeconfig.toString();
    // The usual lookup may find no file at all: then say so, not that a file names no context.
    boolean noFile = looked.stream().noneMatch(f -> Files.isRegularFile(Path.of(f)));
    String none = "there is no kubeconfig file (looked for " + String.join(", ", looked) + ")";
    if (context != null && !hasContext(config.getContexts(), context)) {
      throw new ClusterException(
          ExitCode.UNAVAILABLE,
          "no context \"" + context + "\"" + (noFile ? ": " + none : " in " + source + "; known contexts: "
              + names(config.getContexts())) + " — see `kubectl config get-contexts`");
    }
    if (config.getCurrentContext() == null && isDefaultMaster(config.getMasterUrl())) {
      throw new ClusterException(
          ExitCode.UNAVAILABLE,
          "no Kubernetes context: " + (noFile ? none : source + " names none") + " and we are not running in a pod"
              + " — choose one with `kubectl config use-context` or pass --context/--kubeconfig");
    }
    config.setRequestRetryBackoffLimit(REQUEST_RETRIES);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static Config fromFile(String context, Path kubeconfig) {
    if (Files.isDirectory(kubeconfig)) {
      throw new ClusterException(ExitCode.INVALID_INPUT,
          "--kubeconfig " + kubeconfig + ": is a directory, not a kubeconfig file");
    }
    if (!Files.isRegularFile(kubeconfig)) {
      throw new ClusterException(ExitCode.INVALID_INPUT, "--kubeconfig " + kubeconfig + ": no such file");
    }
    try {
      return Config.fromKubeconfig(context, kubeconfig.toFile());
    } catch (RuntimeException e) {
      throw new ClusterException(ExitCode.INVALID_INPUT,
          "--kubeconfig " + kubeconfig + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static boolean hasContext(List<NamedContext> contexts, String name) {
    return contexts != null && contexts.stream().anyMatch(c -> name.equals(c.getName()));
  }

  private static String names(List<NamedContext> contexts) {
    if (contexts == null || contexts.isEmpty()) {
      return "none";
    }
    return contexts.stream().map(NamedContext::getName).sorted().collect(Collectors.joining(", "));
  }

  private static boolean isDefaultMaster(String url) {
    return url == null || strip(url).equals(strip(Config.DEFAULT_MASTER_URL));
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
