package dev.honest.launcher.cli;

import dev.honest.common.proof.SigningKey;
import dev.honest.launcher.attest.Carried;
import dev.honest.launcher.attest.RunSigner;
import dev.honest.launcher.cluster.ClusterException;
import dev.honest.launcher.cluster.ClusterOperations;
import dev.honest.launcher.cluster.RunResources;
import dev.honest.launcher.cluster.ShutdownGuard;
import dev.honest.launcher.cluster.SigningKeySecret;
import dev.honest.launcher.cluster.WatchResult;
import dev.honest.launcher.render.RenderedRun;
import dev.honest.launcher.results.CostSettings;
import dev.honest.launcher.results.WorkerOutcome;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Deploying to the cluster and seeing the run through: {@code run}, and the launcher itself when
 * no subcommand is given.
 */
abstract class DeployingCommand implements Callable<Integer> {
  @Mixin TaskOptions task;
  @Mixin DeployOptions deploy;
  @Mixin ClusterOptions cluster;
  @Spec CommandSpec spec;

  @Option(names = "--replace",
      description = "Delete the Jobs of an earlier run in the namespace instead of refusing to start.")
  boolean replace;

  @Option(names = "--dry-run", description = "Plan and write the manifests only (the same as `render`).")
  boolean dryRun;

  @Option(names = "--ollama-timeout", paramLabel = "DURATION", defaultValue = "30m",
      converter = DurationConverter.class,
      description = "How long Ollama may take to be ready with both models on every replica. Default: ${DEFAULT-VALUE}")
  Duration ollamaTimeout;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    CostSettings prices = task.prices.settings();
    RenderCommand.Prepared prepared = RenderCommand.render(task, deploy, out);
    if (dryRun) {
      out.println("Dry run: nothing was applied.");
      return 0;
    }
    RenderedRun run = prepared.run();
    String runId = run.plan().runId();
    // A fresh key for this run only: it reaches the workers as a Secret and is never written to disk.
    SigningKey key = SigningKey.generate();
    try (KubernetesClient client = cluster.connect()) {
      ClusterOperations ops = new ClusterOperations(client, deploy.namespace, runId,
          ClusterOperations.FIELD_MANAGER, out);
      ops.checkNoActiveRun(replace);
      ops.deploy(new RunResources(run.namespace(), run.deployment(), run.service(), run.networkPolicies(),
          run.configMaps(), SigningKeySecret.of(deploy.namespace, runId, key), run.jobs()), ollamaTimeout);
      Instant start = Instant.now();
      WatchResult watched;
      // The Jobs' own deadline is --timeout; watch a little longer so that their end is seen.
      try (ShutdownGuard guard = ShutdownGuard.install(ops::stopWatching)) {
        watched = ops.watch(run.jobs().size(), run.plan().taskCount(), task.timeout.plus(Duration.ofMinutes(2)));
      }
      if (watched.ending() != WatchResult.Ending.FINISHED) {
        out.println((watched.ending() == WatchResult.Ending.TIMED_OUT ? "⏱ Stopped watching after --timeout"
            : "⏹ Stopped watching") + "; the run goes on in namespace " + deploy.namespace + ".");
        out.println("Collect it later with: java -jar launcher/target/launcher.jar collect --namespace "
            + deploy.namespace + " --output " + task.output);
        out.flush();
        return 1;
      }
      List<WorkerOutcome> outcomes = ops.collect(task.output);
      return Outputs.finish(out, run.plan(), prepared.tasks(), outcomes, start, Instant.now(), task.output,
          prices, new RunSigner(key, runId, run.workerConfig().options()), Carried.NONE);
    } catch (ClusterException e) {
      throw new LauncherException(e.exitCode(), e.getMessage(), e);
    }
  }
}
