package dev.honest.launcher.cli;

import dev.honest.launcher.cluster.ClusterOperations;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cleanup}: delete the namespace and wait until it is gone. */
@Command(name = "cleanup", mixinStandardHelpOptions = true, versionProvider = LauncherCommand.Version.class,
    description = {"Delete the run's namespace (Ollama, workers, ConfigMaps, everything) and wait until it is gone.",
        "A namespace that holds no run (no label app.kubernetes.io/part-of=honest-orchestration) is left alone."})
public final class CleanupCommand extends ClusterCommand {
  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
      description = "How long to wait for the namespace to disappear. Default: ${DEFAULT-VALUE}")
  Duration timeout;

  @Override
  String ifStopped() {
    return "⏹ Stopped cleaning up namespace " + namespace + ": what was deleted stays deleted, and a deletion of the"
        + " namespace under way goes on; `cleanup` again waits until it is gone.";
  }

  @Override
  int call(KubernetesClient client, ClusterOperations ops, PrintWriter out) throws InterruptedException {
    ops.cleanup(timeout);
    return 0;
  }
}
