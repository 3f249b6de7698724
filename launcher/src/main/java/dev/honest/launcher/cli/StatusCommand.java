package dev.honest.launcher.cli;

import dev.honest.launcher.cluster.ClusterOperations;
import dev.honest.launcher.cluster.ClusterStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code status}: the run's Jobs and Ollama, as they are now. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show Ollama's readiness and each worker Job's state in the namespace.")
public final class StatusCommand extends ClusterCommand {
  @Override
  int call(KubernetesClient client, ClusterOperations ops, PrintWriter out) {
    ClusterStatus status = ops.status();
    status.lines().forEach(out::println);
    out.flush();
    return status.namespaceExists() ? 0 : 3;
  }
}
