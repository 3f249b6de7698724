package dev.honest.bench.worker;

import dev.honest.bench.worker.RecordingOllama.Exchange;
import dev.honest.bench.worker.TaskCosts.TaskCost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs worker processes over a slice against a {@link RecordingOllama} and returns each task's
 * {@link TaskCost}: in fresh processes (cold, as a pod runs its slice) and in the last of several
 * runs in one JVM (warm).
 */
final class OverheadProbe {
  private static final Duration LIMIT = Duration.ofMinutes(10);

  private final RecordingOllama ollama;
  private final Path logDir;

  OverheadProbe(RecordingOllama ollama, Path logDir) {
    this.ollama = ollama;
    this.logDir = logDir;
  }

  /**
   * The tasks of one process running the slice once.
   *
   * @param command the worker's command line (java, its flags, its jar, its arguments)
   */
  List<TaskCost> cold(List<String> command, int tasks, String name) throws IOException, InterruptedException {
    return run(command, tasks, name);
  }

  /**
   * The tasks of the last of {@code runs} runs of the slice in one JVM ({@link RepeatedWorker}).
   *
   * @param java java and its flags
   */
  List<TaskCost> warm(List<String> java, Path benchJar, List<String> workerArguments, int runs, int tasks,
      String name) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(java);
    command.addAll(List.of("-cp", benchJar.toString(), RepeatedWorker.class.getName(), Integer.toString(runs)));
    command.addAll(workerArguments);
    List<TaskCost> all = run(command, tasks * runs, name);
    return all.subList(all.size() - tasks, all.size());
  }

  private List<TaskCost> run(List<String> command, int expectedTasks, String name)
      throws IOException, InterruptedException {
    Path log = logDir.resolve(name + ".log");
    TimedProcess.Result result = TimedProcess.run(command, log, LIMIT, pid -> { });
    if (result.exitCode() != 0) {
      throw new IllegalStateException("the worker exited " + result.exitCode() + " (not every task completed); see "
          + log);
    }
    List<Exchange> mine = ollama.exchanges().stream().filter(e -> e.arrivedAt() >= result.startedAt()).toList();
    List<TaskCost> costs = TaskCosts.of(result.lines(), mine);
    if (costs.size() != expectedTasks) {
      throw new IllegalStateException("expected " + expectedTasks + " task statements, found " + costs.size()
          + "; see " + log);
    }
    writeCsv(logDir.resolve(name + ".csv"), costs);
    return costs;
  }

  /** Every task's window, for a closer look. */
  private static void writeCsv(Path file, List<TaskCost> costs) throws IOException {
    StringBuilder csv = new StringBuilder("task,window_ms,llm_ms,chats,overhead_ms,cpu_ms,worker_timed_calls_ms\n");
    for (TaskCost c : costs) {
      csv.append(String.format(Locale.ROOT, "%s,%.3f,%.3f,%d,%.3f,%.3f,%.0f%n", c.task(), c.windowNanos() / 1e6,
          c.llmNanos() / 1e6, c.chats(), c.overheadNanos() / 1e6, c.cpuNanos() / 1e6, c.callsNanos() / 1e6));
    }
    Files.writeString(file, csv);
  }
}
