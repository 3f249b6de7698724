package dev.honest.launcher.cli;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.attest.Carried;
import dev.honest.launcher.attest.Resume;
import dev.honest.launcher.attest.RunSigner;
import dev.honest.launcher.cluster.ClusterException;
import dev.honest.launcher.cluster.ClusterOperations;
import dev.honest.launcher.cluster.RunResources;
import dev.honest.launcher.cluster.SigningKeySecret;
import dev.honest.launcher.cluster.WatchResult;
import dev.honest.launcher.render.RenderedRun;
import dev.honest.launcher.results.CostSettings;
import dev.honest.launcher.results.LogReader;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.WorkerOutcome;
import dev.honest.worker.run.TaskRunner;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  @Option(names = "--output", paramLabel = "DIR", defaultValue = TaskOptions.DEFAULT_OUTPUT,
      description = "Where plan.json, the manifests, the worker logs, k8s-cluster-results.json, its SARIF file, the"
          + " run's public key and the patches go. Default: ./${DEFAULT-VALUE}")
  void output(Path dir) {
    task.output = dir;
  }

  @Option(names = "--replace",
      description = "Delete the Jobs, ConfigMaps and claim of an earlier run in the namespace instead of refusing to"
          + " start (also of a run that claimed it and started no worker: one still waiting for Ollama then starts none).")
  boolean replace;

  @Option(names = "--dry-run", description = "Plan and write the manifests only (the same as `render`).")
  boolean dryRun;

  @Option(names = "--ollama-timeout", paramLabel = "DURATION", defaultValue = "30m",
      converter = DurationConverter.class,
      description = "How long Ollama may take to be ready with every model of the run on every replica. Default: ${DEFAULT-VALUE}")
  Duration ollamaTimeout;

  @Mixin ResumeOption resume;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    CostSettings prices = task.prices.settings();
    RenderCommand.Prepared full = RenderCommand.prepare(task, deploy, out);
    Resume.Previous earlier = resume.read();
    if (dryRun || earlier == null) {
      RenderCommand.write(full, task, out);
    }
    if (dryRun) {
      out.println("Dry run: nothing was applied." + (earlier == null ? ""
          : " (--resume is decided against the models on the cluster's Ollama: this plan holds every task.)"));
      return 0;
    }
    String runId = full.settings().runId();
    WorkerConfig config = full.run().workerConfig();
    // A fresh key for this run only: it reaches the workers as a Secret and is never written to disk.
    SigningKey key = SigningKey.generate();
    try (KubernetesClient client = cluster.connect()) {
      ClusterOperations ops = new ClusterOperations(client, deploy.namespace, runId,
          ClusterOperations.FIELD_MANAGER, out);
      // Ctrl-C from here to the end stops the watch and interrupts whatever this thread waits on (an
      // earlier run to go, Ollama, an API call, a log); the launcher then says what it left and exits 1.
      // Results there now are an earlier run's, which `collect` does not replace: it collects next to them.
      Path output = task.output.toAbsolutePath().normalize();
      Path collectInto = Files.exists(output.resolve(ResultsFiles.RESULTS_FILE))
          ? output.resolveSibling(output.getFileName() + "-" + runId) : task.output;
      String collectLater = "Collect it later with: java -jar launcher/target/launcher.jar collect --namespace "
          + deploy.namespace + " --output " + collectInto;
      try (StopOnCtrlC stop = new StopOnCtrlC(noWorker("waiting for the earlier run to go"), ops::stopWatching)) {
        try {
          ops.checkNoActiveRun(replace);
          stop.leaves(noWorker("waiting for Ollama"));
          ops.deployOllama(resources(full.run(), key), ollamaTimeout);
          RenderCommand.Prepared prepared = full;
          Carried carried = Carried.NONE;
          if (earlier != null) {
            // What to carry over depends on the models' digests, which only the run's Ollama can tell.
            stop.leaves(noWorker("asking Ollama for the models' digests"));
            List<String> models = full.tasks().stream().map(t -> TaskRunner.modelFor(t, config)).distinct().toList();
            Map<String, String> digests = ops.modelDigests(full.run().deployment(), models, Duration.ofMinutes(1));
            carried = ResumeOption.select(earlier, full.tasks(), task.workspace, config, digests, out);
            List<TaskSpec> toRun = ResumeOption.toRun(full.tasks(), carried);
            prepared = toRun.isEmpty() ? null
                : carried.records().isEmpty() ? full : RenderCommand.narrow(full, toRun, task.workspace);
            if (prepared != null) {
              stop.leaves(noWorker("writing the plan and the manifests to " + task.output + " (they may be incomplete)"));
              RenderCommand.write(prepared, task, out);
            }
          }
          Instant start = Instant.now();
          Plan plan = prepared == null ? new Plan(runId, List.of()) : prepared.run().plan();
          List<WorkerOutcome> outcomes = List.of();
          Map<String, Integer> claimedBy = Map.of();
          // Each worker's log is read and its statements checked as soon as its Job has succeeded.
          try (LogReader reader = new LogReader(plan, key.publicKey())) {
            if (prepared == null) {
              out.println("Nothing to run: every task is carried over.");
              stop.leaves(noWorker("writing the results to " + task.output + " (they may be incomplete)"));
              TaskOptions.createDirectory(task.output); // no plan or manifest was written there this time
              ResultsFiles.writeAtomically(task.output.resolve(RenderedRun.PLAN_FILE), ConfigLayout.toJson(plan));
              // No worker: an earlier run's Job files here would start its workers again on `kubectl apply -f`.
              RenderedRun.removeJobFiles(task.output, List.of());
            } else {
              RenderedRun run = prepared.run();
              stop.leaves("⏹ Stopped starting the workers; what was applied stays in namespace " + deploy.namespace
                  + ", and the worker Jobs among it run on (`status --namespace " + deploy.namespace + "` lists them).\n"
                  + collectLater + "; or `cleanup` to delete it all.");
              ops.deployWorkers(resources(run, key));
              stop.leaves("⏹ Stopped watching; the run goes on in namespace " + deploy.namespace + ".\n" + collectLater);
              // The Jobs' own deadline is --timeout; watch a little longer so that their end is seen.
              WatchResult watched = ops.watch(run.jobs().size(), plan.taskCount(),
                  task.timeout.plus(Duration.ofMinutes(2)), reader::readAhead);
              if (watched.ending() == WatchResult.Ending.TIMED_OUT) {
                stop.leaves("⏱ Stopped watching after --timeout" + watched.stillWaitingFor() + "; the run goes on in namespace " + deploy.namespace
                    + ".\n" + collectLater);
              }
              if (watched.ending() != WatchResult.Ending.FINISHED) {
                // On Ctrl-C the JVM waits for these lines, then exits with this code.
                return stop.said(out);
              }
              stop.leaves("⏹ Stopped collecting the results into " + task.output + " (what is there may be"
                  + " incomplete); the run's Jobs stay in namespace " + deploy.namespace + ".\n" + collectLater);
              outcomes = ops.collect(task.output, reader::readAhead);
              claimedBy = ops.claimedBy(runId);
            }
            int code = Outputs.finish(out, plan, full.tasks(), outcomes, claimedBy, start, Instant.now(), task.output,
                prices, new RunSigner(key, runId, config.options()), carried, reader);
            return stop.ended(code); // a Ctrl-C once the results are written exits with their code
          }
        } catch (Exception e) {
          if (!stop.byCtrlC()) {
            throw e;
          }
          return stop.said(out);
        } finally {
          // A run that started no worker leaves the namespace to the next run without --replace.
          ops.releaseClaimUnlessWorkersStarted();
        }
      }
    } catch (ClusterException e) {
      throw new LauncherException(e.exitCode(), e.getMessage(), e);
    }
  }

  /** What {@code run} left when it was stopped before any worker was started. */
  private String noWorker(String doing) {
    return "⏹ Stopped " + doing + "; no worker was started. What was applied stays in namespace "
        + deploy.namespace + ": `run` again, or `cleanup` to delete it.";
  }

  private RunResources resources(RenderedRun run, SigningKey key) {
    return new RunResources(run.namespace(), run.deployment(), run.service(), run.podsService(),
        run.networkPolicies(), run.workerAccess(), run.configMaps(),
        SigningKeySecret.of(deploy.namespace, run.plan().runId(), key), run.jobs());
  }
}
