package dev.honest.launcher.cli;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.attest.Carried;
import dev.honest.launcher.attest.Resume;
import dev.honest.launcher.attest.RunSigner;
import dev.honest.launcher.cluster.ShutdownGuard;
import dev.honest.launcher.local.LocalRunner;
import dev.honest.launcher.plan.PlanTable;
import dev.honest.launcher.plan.Planner;
import dev.honest.launcher.results.CostSettings;
import dev.honest.launcher.results.LogReader;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.WorkerOutcome;
import dev.honest.worker.ollama.OllamaClient;
import dev.honest.worker.ollama.OllamaException;
import dev.honest.worker.run.TaskRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code local}: the same plan, run by worker processes on this machine against a local Ollama. */
@Command(name = "local", mixinStandardHelpOptions = true, versionProvider = LauncherCommand.Version.class,
    description = {"Run the workers as local processes against an Ollama you started (no cluster).",
        "Same plan, same configuration layout, same results files as a cluster run (no manifests)."})
public final class LocalCommand implements Callable<Integer> {
  @Mixin TaskOptions task;
  @Mixin ResumeOption resume;
  @Spec CommandSpec spec;

  @Option(names = "--output", paramLabel = "DIR", defaultValue = TaskOptions.DEFAULT_OUTPUT,
      description = "Where config/ (the workers' configuration), plan.json, the worker logs, k8s-cluster-results.json,"
          + " its SARIF file, the run's public key and the patches go (no manifests). Default: ./${DEFAULT-VALUE}")
  void output(Path dir) {
    task.output = dir;
  }

  @Option(names = "--ollama-url", paramLabel = "URL", required = true, split = ",",
      description = "Ollama base URL(s), e.g. http://localhost:11434; several are used in turn.")
  List<String> ollamaUrls;

  @Option(names = "--in-process",
      description = {"Run the workers as threads of the launcher's JVM instead of one process each: one JVM start"
          + " instead of one per worker, and one Ollama client that sends each request to the URL with the fewest"
          + " requests in flight. Default: a process per worker, as a pod runs it."})
  boolean inProcess;

  @Option(names = "--ollama-parallel", paramLabel = "N", defaultValue = "1",
      description = {"With --in-process: each Ollama URL's OLLAMA_NUM_PARALLEL. The launcher keeps N chats in"
          + " service on each, and while chats wait for every URL one more waiting at the server (so that its next"
          + " chat starts the moment a slot frees); the others wait in the launcher and go to the first URL with"
          + " room. Default: ${DEFAULT-VALUE}"})
  int ollamaParallel;

  @Option(names = "--fixed-slices",
      description = {"Each worker runs exactly its slice of the plan. Default: the workers share"
          + " claims on the tasks, and one whose slice is done takes over unclaimed tasks of the others."})
  boolean fixedSlices;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    task.requireWorkers();
    if (ollamaParallel < 1 || ollamaParallel > 64) {
      throw LauncherException.invalidInput("--ollama-parallel must be within 1..64, got " + ollamaParallel);
    }
    String runId = TaskOptions.newRunId();
    // Three parts of the start need no task: a fresh key for this run only (the workers sign with it, the
    // launcher seals the results with it), Ollama's lists of models, the first round of the check
    // below, and the price table. They go on while the tasks are read, and are taken only once the
    // tasks and the options have passed, so an invalid input is reported as before (the price options
    // first, then the task file).
    Concurrently<SigningKey> newKey = Concurrently.start("signing-key", SigningKey::generate);
    Concurrently<OllamaClient> listedAhead = Concurrently.start("ollama-models", () -> listModelsAhead(runId));
    Concurrently<CostSettings> priced = Concurrently.start("prices", task.prices::settings);
    List<TaskSpec> tasks;
    try {
      tasks = task.loadTasks(out);
    } catch (RuntimeException e) {
      priced.join();
      throw e;
    }
    CostSettings prices = priced.join();
    GenerationOptions options = task.generationOptions();
    WorkerConfig config;
    try {
      config = new WorkerConfig(runId, ollamaUrls, task.codeModel, task.generalModel, options, "30m",
          1800, 4, 60, true);
    } catch (IllegalArgumentException e) {
      throw LauncherException.invalidOption(e, Map.of("llm_urls", "--ollama-url"));
    }
    Resume.Previous earlier = resume.read();
    // Without --resume every task runs, so the plan and the configuration files do not depend on the
    // Ollama check: they are made while the check waits on the network. Nothing is printed or written
    // before the check has passed, and a planning error still comes after the check's, as in turn.
    Concurrently<Prepared> fresh = earlier == null
        ? Concurrently.start("plan", () -> prepare(runId, config, tasks, options)) : null;
    Map<String, String> digests = checkOllama(listedAhead.join(), config, tasks);
    Carried carried = ResumeOption.select(earlier, tasks, task.workspace, config, digests, out);
    List<TaskSpec> toRun = ResumeOption.toRun(tasks, carried);
    Prepared prepared = fresh != null ? fresh.join() : prepare(runId, config, toRun, options);
    Plan plan = prepared.plan();
    if (toRun.isEmpty()) {
      out.println("Run " + runId + ": nothing to run: every task is carried over.");
    } else {
      out.println("Run " + runId + ": " + toRun.size() + " tasks on " + plan.workers().size()
          + " local workers, Ollama at " + String.join(", ", ollamaUrls));
      out.print(PlanTable.render(plan, toRun, task.workers));
    }
    out.flush();

    TaskOptions.createDirectory(task.output);
    Path configDir = task.output.resolve("config");
    ConfigLayout.write(configDir, prepared.configFiles());
    ResultsFiles.writeAtomically(task.output.resolve("plan.json"), prepared.configFiles().get(ConfigLayout.PLAN_FILE));
    SigningKey key = newKey.join();
    Instant start = Instant.now();
    // Each worker's log is read and its statements checked as soon as it has ended. On Ctrl-C the
    // runner stops the workers and returns what they did; the guard keeps the launcher alive until the
    // results of the tasks they finished are written.
    try (ShutdownGuard guard = ShutdownGuard.install(() -> {}, LocalRunner.STOP_GRACE.plusSeconds(30));
        LogReader reader = new LogReader(plan, key.publicKey())) {
      LocalRunner.Result ran = plan.workers().isEmpty() ? new LocalRunner.Result(List.of(), false, Map.of())
          : new LocalRunner(configDir, task.workspace, task.output, task.timeout, key,
              new LocalRunner.Mode(inProcess, fixedSlices, ollamaParallel), out)
              .run(plan, reader::readAhead);
      int code = Outputs.finish(out, plan, tasks, ran.outcomes(), ran.claimedBy(), start, Instant.now(), task.output,
          prices, new RunSigner(key, runId, options), carried, reader);
      guard.exitCode(code); // after Ctrl-C the process exits with the table's code, not the signal's
      return code;
    }
  }

  /** The plan of {@code toRun} and the configuration files of the run, rendered (see {@link ConfigLayout#render}). */
  private record Prepared(Plan plan, Map<String, String> configFiles) {}

  private Prepared prepare(String runId, WorkerConfig config, List<TaskSpec> toRun, GenerationOptions options) {
    Plan plan;
    try {
      plan = toRun.isEmpty() ? new Plan(runId, List.of())
          : new Planner().plan(runId, toRun, task.workspace, task.workers, options);
    } catch (IllegalArgumentException e) {
      throw LauncherException.invalidInput(e.getMessage());
    }
    return new Prepared(plan, ConfigLayout.render(config, toRun, plan));
  }

  /** A client for the Ollama check (only its URLs matter to it) that has asked each URL for its models. */
  private OllamaClient listModelsAhead(String runId) throws InterruptedException {
    OllamaClient client = OllamaClient.create(WorkerConfig.defaults(runId, ollamaUrls));
    client.listModelsAhead();
    return client;
  }

  /**
   * Fails fast, in one line with the fix, when Ollama is not there or lacks a model; otherwise
   * returns each model's digest as {@code /api/tags} lists it.
   */
  private static Map<String, String> checkOllama(OllamaClient client, WorkerConfig config, List<TaskSpec> tasks) {
    List<String> models = tasks.stream().map(t -> TaskRunner.modelFor(t, config)).distinct().toList();
    try {
      Map<String, String> digests = new HashMap<>();
      client.awaitModels(models, Duration.ofSeconds(6))
          .forEach((model, info) -> digests.put(model, info.digest()));
      return digests;
    } catch (OllamaException e) {
      String fix = OllamaException.MODEL_NOT_FOUND.equals(e.errorClass())
          ? "pull them first: " + String.join(" && ", models.stream().map(m -> "ollama pull " + m).toList())
          : "start it with `ollama serve` (and `ollama pull` the models), or pass --ollama-url";
      throw LauncherException.unavailable("Ollama is not ready: " + e.getMessage() + " — " + fix);
    }
  }
}
