package dev.honest.launcher.cli;

import dev.honest.launcher.cluster.ClusterException;
import dev.honest.launcher.cluster.ClusterOperations;
import dev.honest.launcher.render.RunSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What {@code status}, {@code collect} and {@code cleanup} share: a namespace on a cluster. */
abstract class ClusterCommand implements Callable<Integer> {
  @Mixin ClusterOptions cluster;
  @Spec CommandSpec spec;

  @Option(names = "--namespace", paramLabel = "NAME", defaultValue = RunSettings.DEFAULT_NAMESPACE,
      description = "Namespace of the run (a DNS label, as for `run`). Default: ${DEFAULT-VALUE}")
  String namespace;

  @Override
  public final Integer call() throws Exception {
    try {
      RunSettings.requireNamespace(namespace);
    } catch (IllegalArgumentException e) {
      throw LauncherException.invalidOption(e, Map.of("namespace", "--namespace"));
    }
    checkOptions();
    PrintWriter out = spec.commandLine().getOut();
    try (KubernetesClient client = cluster.connect()) {
      ClusterOperations ops = new ClusterOperations(client, namespace, null, ClusterOperations.FIELD_MANAGER, out);
      String ifStopped = ifStopped();
      if (ifStopped == null) {
        return call(client, ops, out);
      }
      // Ctrl-C interrupts whatever the command waits on; it then says what it left and exits 1.
      try (StopOnCtrlC stop = new StopOnCtrlC(ifStopped, () -> { })) {
        try {
          return stop.ended(call(client, ops, out));
        } catch (Exception e) {
          if (!stop.byCtrlC()) {
            throw e;
          }
          return stop.said(out);
        }
      }
    } catch (ClusterException e) {
      throw new LauncherException(e.exitCode(), e.getMessage(), e);
    }
  }

  /**
   * Checks the command's own options before the cluster is looked for: a bad option is the user's
   * to fix whatever the cluster (exit 2).
   */
  void checkOptions() {
  }

  /**
   * What the command says it left when Ctrl-C stops it, before it exits 1; null for a command that
   * changes nothing, which Ctrl-C ends as the signal would.
   */
  String ifStopped() {
    return null;
  }

  abstract int call(KubernetesClient client, ClusterOperations ops, PrintWriter out) throws Exception;
}
