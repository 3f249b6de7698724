package dev.honest.launcher.cli;

import dev.honest.common.exit.ExitCode;
import dev.honest.launcher.cluster.ClusterOperations;
import dev.honest.launcher.cluster.ClusterStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code status}: the run's Jobs and Ollama, as they are now. */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = LauncherCommand.Version.class,
    description = {"Show Ollama's readiness and each worker Job's state in the namespace.",
        "Exits 2 when the namespace does not exist or holds no run (no label app.kubernetes.io/part-of=honest-orchestration)."})
public final class StatusCommand extends ClusterCommand {
  @Override
  int call(KubernetesClient client, ClusterOperations ops, PrintWriter out) {
    ClusterStatus status = ops.status();
    status.lines().forEach(out::println);
    out.flush();
    // README "Exit codes": 2 for a --namespace that holds no run (a missing one holds none either).
    return status.showsRun() ? 0 : ExitCode.INVALID_INPUT.code();
  }
}
