package dev.honest.launcher.cli;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.local.LocalRunner;
import dev.honest.launcher.plan.PlanTable;
import dev.honest.launcher.plan.Planner;
import dev.honest.worker.ollama.OllamaClient;
import dev.honest.worker.ollama.OllamaException;
import dev.honest.worker.run.TaskRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code local}: the same plan, run by worker processes on this machine against a local Ollama. */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = {"Run the workers as local processes against an Ollama you started (no cluster).",
        "Same plan, same configuration layout, same output files as a cluster run."})
public final class LocalCommand implements Callable<Integer> {
  @Mixin TaskOptions task;
  @Spec CommandSpec spec;

  @Option(names = "--ollama-url", paramLabel = "URL", required = true, split = ",",
      description = "Ollama base URL(s), e.g. http://localhost:11434; several are used in turn.")
  List<String> ollamaUrls;

  @Option(names = "--in-process",
      description = {"Run the workers as threads of the launcher's JVM instead of one process each: one JVM start"
          + " instead of one per worker, and one Ollama client that sends each request to the URL with the fewest"
          + " requests in flight. Default: a process per worker, as a pod runs it."})
  boolean inProcess;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    task.requireWorkers();
    List<TaskSpec> tasks = task.loadTasks();
    GenerationOptions options = task.generationOptions();
    String runId = TaskOptions.newRunId();
    Plan plan;
    WorkerConfig config;
    try {
      plan = new Planner().plan(runId, tasks, task.workspace, task.workers, options);
      config = new WorkerConfig(runId, ollamaUrls, task.codeModel, task.generalModel, options, "30m",
          1800, 4, 60, true);
    } catch (IllegalArgumentException e) {
      throw LauncherException.invalidInput(e.getMessage());
    }
    out.println("Run " + runId + ": " + tasks.size() + " tasks on " + plan.workers().size()
        + " local workers, Ollama at " + String.join(", ", ollamaUrls));
    out.print(PlanTable.render(plan, tasks, task.workers));
    out.flush();
    checkOllama(config, tasks);

    TaskOptions.createDirectory(task.output);
    Path configDir = task.output.resolve("config");
    ConfigLayout.write(configDir, config, tasks, plan);
    java.nio.file.Files.writeString(task.output.resolve("plan.json"), ConfigLayout.toJson(plan));
    Instant start = Instant.now();
    LocalRunner.Result result = new LocalRunner(configDir, task.workspace, task.output, task.timeout, inProcess, out).run(plan);
    return Outputs.finish(out, plan, tasks, result.outcomes(), start, Instant.now(), task);
  }

  /** Fails fast, in one line with the fix, when Ollama is not there or lacks a model. */
  private static void checkOllama(WorkerConfig config, List<TaskSpec> tasks) {
    List<String> models = tasks.stream().map(t -> TaskRunner.modelFor(t, config)).distinct().toList();
    try {
      OllamaClient.create(config).awaitModels(models, Duration.ofSeconds(6));
    } catch (OllamaException e) {
      String fix = OllamaException.MODEL_NOT_FOUND.equals(e.errorClass())
          ? "pull them first: " + String.join(" && ", models.stream().map(m -> "ollama pull " + m).toList())
          : "start it with `ollama serve` (and `ollama pull` the models), or pass --ollama-url";
      throw LauncherException.unavailable("Ollama is not ready: " + e.getMessage() + " — " + fix);
    }
  }
}
