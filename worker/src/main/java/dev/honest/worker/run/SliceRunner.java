package dev.honest.worker.run;

import dev.honest.common.attest.RecordDigest;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.exit.ExitCode;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskError;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.result.WorkerSummary;
import dev.honest.common.task.TaskSpec;
import dev.honest.worker.claim.TaskSource;
import dev.honest.worker.ollama.OllamaClient;
import dev.honest.worker.ollama.OllamaException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Runs a worker's tasks, as its {@link TaskSource} hands them out (its slice, and with shared claims
 * the tasks it takes over from others): checks that Ollama has every model they need, runs each task and prints, as soon as it ends, a line for people, its record as a result line and the
 * record's signed statement as an attestation line; then the summary line and the signed summary
 * that ends the chain. Every task it takes gets a record, even when Ollama never answers.
 */
public final class SliceRunner {
  private final WorkerConfig config;
  private final Path workspace;
  private final OllamaClient ollama;
  private final WorkerIdentity identity;
  private final Attestor attestor;
  /** Where every line goes, a record and its statement as one: {@link #stopOutput} stops it for good. */
  private final WorkerOutput output;
  private final Clock clock;
  private final ExecutorService chunkPool;

  /** @param key the run's signing key: every record and the summary are signed, as one chain */
  public SliceRunner(WorkerConfig config, Path workspace, OllamaClient ollama, WorkerIdentity identity,
      SigningKey key, PrintStream out, Clock clock) {
    this(config, workspace, ollama, identity, key, out, clock, null);
  }

  /**
   * @param key the run's signing key: every record and the summary are signed, as one chain
   * @param chunkPool where the files of a task and the chunks of a file are asked about at once, or null for one after another
   *     (see {@link TaskRunner#TaskRunner(WorkerConfig, Path, OllamaClient, Map, WorkerIdentity, Clock,
   *     ExecutorService)})
   */
  public SliceRunner(WorkerConfig config, Path workspace, OllamaClient ollama, WorkerIdentity identity,
      SigningKey key, PrintStream out, Clock clock, ExecutorService chunkPool) {
    this(config, workspace, ollama, identity, key, new WorkerOutput(out, identity.index()), clock, chunkPool);
  }

  /**
   * @param key the run's signing key: every record and the summary are signed, as one chain
   * @param output the worker's output, which what printed before the run (its claims, its Ollama addresses)
   *     went to as well
   * @param chunkPool as {@link #SliceRunner(WorkerConfig, Path, OllamaClient, WorkerIdentity, SigningKey,
   *     PrintStream, Clock, ExecutorService)}
   */
  public SliceRunner(WorkerConfig config, Path workspace, OllamaClient ollama, WorkerIdentity identity,
      SigningKey key, WorkerOutput output, Clock clock, ExecutorService chunkPool) {
    this.chunkPool = chunkPool;
    this.config = config;
    this.workspace = workspace;
    this.ollama = ollama;
    this.identity = identity;
    this.attestor = new Attestor(key, config, identity);
    this.output = output;
    this.clock = clock;
  }

  /** Runs {@code tasks}, exactly, and returns the worker's exit code. */
  public ExitCode run(List<TaskSpec> tasks) {
    return run(TaskSource.fixed(tasks));
  }

  /** Runs the tasks {@code source} hands out and returns the worker's exit code. */
  public ExitCode run(TaskSource source) {
    long started = System.nanoTime();
    List<TaskSpec> candidates = source.candidates();
    say("starting: " + candidates.size() + " task(s) " + (candidates.size() == 1 ? "is" : "are")
        + " for this worker to run, Ollama at " + String.join(", ", config.llmUrls()));
    List<String> models = candidates.stream().map(t -> TaskRunner.modelFor(t, config)).distinct().toList();
    Map<String, String> digests = new HashMap<>();
    try {
      ollama.awaitModels(models, Duration.ofSeconds(config.readyTimeoutSeconds()))
          .forEach((model, info) -> digests.put(model, info.digest()));
      say("models ready: " + digests);
    } catch (OllamaException e) {
      say("Ollama is not usable: " + e.getMessage());
      source.ownSliceOnly();
      Instant now = clock.instant();
      int n = 0;
      for (TaskSpec t = source.next().orElse(null); t != null; t = source.next().orElse(null)) {
        report(t, new TaskRecord(t.id(), t.title(), t.priority(), t.category(), t.area(), t.action(), identity.index(),
            identity.pod(), identity.node(), TaskStatus.FAILED, new TaskError(e.errorClass(), e.getMessage()),
            TaskRunner.modelFor(t, config), null, 0, now, now, List.of(), List.of(), List.of(), List.of()));
        n++;
      }
      return finish(n, 0, n, ExitCode.UNAVAILABLE, started);
    }

    TaskRunner runner = new TaskRunner(config, workspace, ollama, digests, identity, clock, chunkPool);
    int ran = 0;
    int completed = 0;
    boolean unavailable = false;
    for (TaskSpec task = source.next().orElse(null); task != null; task = source.next().orElse(null)) {
      output.running(task.id());
      TaskRecord record = runner.run(task);
      report(task, record);
      output.running(null);
      ran++;
      if (record.completed()) {
        completed++;
      } else if (OllamaException.OLLAMA_UNAVAILABLE.equals(record.error().errorClass())) {
        unavailable = true;
        source.ownSliceOnly();
      }
    }
    int failed = ran - completed;
    // Ollama going away mid-run is worth a retry of the pod (exit 3); other failures are final (exit 1).
    ExitCode code = failed == 0 ? ExitCode.OK : unavailable ? ExitCode.UNAVAILABLE : ExitCode.TASKS_FAILED;
    return finish(ran, completed, failed, code, started);
  }

  private ExitCode finish(int assigned, int completed, int failed, ExitCode code, long started) {
    long ms = (System.nanoTime() - started) / 1_000_000;
    WorkerSummary summary = new WorkerSummary(identity.index(), assigned, completed, failed, code.code(), ms);
    output.printLast(
        output.peopleLine(String.format(Locale.ROOT, "done: %d completed, %d failed of %d in %.1fs (exit %d: %s)",
            completed, failed, assigned, ms / 1000.0, code.code(), code.meaning())),
        ResultLines.format(summary),
        ResultLines.format(attestor.summary(summary)));
    return code;
  }

  /**
   * For a process being stopped: {@link WorkerOutput#stop}.
   *
   * @return false when the wait ran out (the output is blocked)
   */
  public boolean stopOutput(Duration wait) {
    return output.stop(wait);
  }

  private void report(TaskSpec task, TaskRecord r) {
    // Concatenated rather than formatted: this runs once per task, mostly before the JIT has compiled it.
    if (r.completed()) {
      say("✅ " + r.id() + " completed: " + r.findings().size() + " finding(s), " + r.changes().size()
          + " change(s), " + r.calls().size() + " call(s), " + r.promptTokens() + "+" + r.completionTokens()
          + " tokens, " + r.model());
    } else {
      say("❌ " + r.id() + " failed [" + r.error().errorClass() + "]: " + r.error().message());
    }
    // Converted and canonicalized once: the line printed is the very text whose digest its statement signs.
    RecordDigest.Printed printed = RecordDigest.Printed.of(r);
    String statement = ResultLines.format(attestor.task(task, r, printed));
    output.print(ResultLines.formatRecord(printed.canonical()), statement);
  }

  private void say(String message) {
    output.say(message);
  }
}
