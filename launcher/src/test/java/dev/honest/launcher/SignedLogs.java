package dev.honest.launcher;

import dev.honest.common.attest.RecordDigest;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.result.InputFile;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.WorkerSummary;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.attest.RunSigner;
import dev.honest.worker.run.Attestor;
import dev.honest.worker.run.WorkerIdentity;
import java.util.List;

/**
 * Worker output as the real worker prints it, signed: each record followed by its statement, with
 * the worker's own {@link Attestor}, so that one call is one worker process (one chain).
 */
public final class SignedLogs {
  /** The key the test runs are signed with. */
  public static final SigningKey KEY = SigningKey.generate();

  private SignedLogs() {}

  /** The worker configuration the statements name (run id, default generation options). */
  public static WorkerConfig config(String runId) {
    return WorkerConfig.defaults(runId, List.of("http://ollama:11434"));
  }

  /** The launcher's signer for the same run and key. */
  public static RunSigner signer(String runId) {
    return signer(KEY, runId);
  }

  /** The launcher's signer for the same run with another key. */
  public static RunSigner signer(SigningKey key, String runId) {
    return new RunSigner(key, runId, config(runId).options());
  }

  /**
   * What one worker process prints: each record and its statement, then, when it got to its end,
   * the summary and the statement that ends its chain. Lines end with {@code \n}.
   */
  public static String attempt(String runId, int worker, String pod, List<TaskRecord> records, boolean finished) {
    return attempt(KEY, runId, worker, pod, records, finished);
  }

  /** The same, signed with another key. */
  public static String attempt(SigningKey key, String runId, int worker, String pod, List<TaskRecord> records,
      boolean finished) {
    Attestor attestor = new Attestor(key, config(runId), new WorkerIdentity(worker, pod, null));
    StringBuilder log = new StringBuilder();
    for (TaskRecord r : records) {
      // As the worker prints it: the record's canonical form, whose digest the statement signs.
      RecordDigest.Printed printed = RecordDigest.Printed.of(r);
      log.append(ResultLines.formatRecord(printed.canonical())).append('\n');
      log.append(ResultLines.format(attestor.task(spec(r), r, printed))).append('\n');
    }
    if (finished) {
      int done = (int) records.stream().filter(TaskRecord::completed).count();
      WorkerSummary summary = new WorkerSummary(worker, records.size(), done, records.size() - done,
          done == records.size() ? 0 : 1, 9_000);
      log.append(ResultLines.format(summary)).append('\n');
      log.append(ResultLines.format(attestor.summary(summary))).append('\n');
    }
    return log.toString();
  }

  /** The task a record answers, as far as the record tells. */
  public static TaskSpec spec(TaskRecord r) {
    return new TaskSpec(r.id(), r.title(), "", r.priority(), r.category(), r.area(),
        r.inputs().stream().map(InputFile::path).toList(), r.action(), null);
  }
}
