package dev.honest.launcher.cli;

import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.io.IoProblems;
import dev.honest.common.task.TaskFileException;
import dev.honest.common.task.TaskFileReader;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What every command that runs tasks needs: the tasks, the workspace, the models and the output. */
public final class TaskOptions {
  @Option(names = "--tasks", paramLabel = "FILE", defaultValue = "excel-tasks-extracted.json",
      description = "Task file exported from the spreadsheet (JSON). Default: ./${DEFAULT-VALUE}")
  Path tasks;

  @Option(names = "--workspace", paramLabel = "DIR", defaultValue = ".",
      description = "Directory the tasks' file paths are relative to. Default: ${DEFAULT-VALUE}")
  Path workspace;

  /**
   * {@code --output}: each command declares the option itself, with a description of what that
   * command writes there, and sets this field.
   */
  Path output;

  /** The default of every command's {@code --output}. */
  static final String DEFAULT_OUTPUT = "results";

  @Option(names = "--workers", paramLabel = "N", defaultValue = "12",
      description = "Parallel workers (on a cluster the Jobs k8s-worker-1..N; fewer if there are fewer tasks)."
          + " Default: ${DEFAULT-VALUE}")
  int workers;

  @Option(names = "--code-model", paramLabel = "MODEL", defaultValue = WorkerConfig.DEFAULT_CODE_MODEL,
      description = "Model for tasks that name files. Default: ${DEFAULT-VALUE}")
  String codeModel;

  @Option(names = "--general-model", paramLabel = "MODEL", defaultValue = WorkerConfig.DEFAULT_GENERAL_MODEL,
      description = "Model for tasks without files. Default: ${DEFAULT-VALUE}")
  String generalModel;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "4h", converter = DurationConverter.class,
      description = "How long the workers may run (e.g. 90m, 2h). Default: ${DEFAULT-VALUE}")
  Duration timeout;

  @Option(names = "--num-ctx", paramLabel = "TOKENS", defaultValue = "8192",
      description = "Context window of every request (on a cluster also the Ollama Deployment's OLLAMA_CONTEXT_LENGTH)."
          + " Default: ${DEFAULT-VALUE}")
  int numCtx;

  @Option(names = "--num-predict", paramLabel = "TOKENS", defaultValue = "2048",
      description = "Cap on generated tokens per request. Default: ${DEFAULT-VALUE}")
  int numPredict;

  @Option(names = "--temperature", paramLabel = "T", defaultValue = "0",
      description = "Sampling temperature, the same on every request. Default: ${DEFAULT-VALUE}")
  double temperature;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Sampling seed. Default: ${DEFAULT-VALUE}")
  int seed;

  @Mixin PriceOptions prices;

  /**
   * Reads and validates the task file; every problem becomes one line of an exit-2 error. A
   * {@code --workspace} that is not a directory is named as the option, as {@code verify} and
   * {@code apply} name it, first. Keys of tasks that name no field get one {@code note:} line on {@code out}.
   */
  List<TaskSpec> loadTasks(PrintWriter out) {
    String noWorkspace = Files.isDirectory(workspace) ? null : notADirectory("--workspace", workspace);
    try {
      List<TaskSpec> read = TaskFileReader.read(tasks, workspace, note -> out.println("note: " + note));
      if (noWorkspace != null) {
        throw LauncherException.invalidInput(noWorkspace);
      }
      return read;
    } catch (TaskFileException e) {
      List<String> problems = new ArrayList<>();
      if (noWorkspace != null) {
        problems.add(noWorkspace);
      }
      // The reader says the same of the workspace, as a problem of the task file: it is said once, above.
      String readersLine = tasks + ": workspace '";
      e.problems().stream().filter(p -> noWorkspace == null || !p.startsWith(readersLine)).forEach(problems::add);
      throw LauncherException.invalidInput(String.join("\n", problems));
    }
  }

  /** The line every command prints for a directory option ({@code --workspace}) that is not one. */
  static String notADirectory(String option, Path dir) {
    return option + " " + dir + " does not exist or is not a directory";
  }

  GenerationOptions generationOptions() {
    try {
      return new GenerationOptions(temperature, seed, numCtx, numPredict, null);
    } catch (IllegalArgumentException e) {
      throw LauncherException.invalidOption(e, Map.of("options.temperature", "--temperature",
          "options.num_ctx", "--num-ctx", "options.num_predict", "--num-predict"));
    }
  }

  void requireWorkers() {
    if (workers < 1 || workers > 500) {
      throw LauncherException.invalidInput("--workers must be within 1..500, got " + workers);
    }
  }

  /** A fresh run id, usable as a label value: {@code run-20261126-101500}. */
  static String newRunId() {
    return "run-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now(ZoneOffset.UTC));
  }

  static void createDirectory(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw LauncherException.invalidInput("--output " + dir + ": cannot create the directory: " + IoProblems.why(e, dir));
    }
  }
}
