package dev.honest.launcher;

import dev.honest.common.hash.FileDigest;
import dev.honest.common.hash.Hashes;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.Change;
import dev.honest.common.result.Finding;
import dev.honest.common.result.InputFile;
import dev.honest.common.result.TaskError;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.CostSavings;
import dev.honest.launcher.results.CostSettings;
import dev.honest.launcher.results.WorkerResult;
import dev.honest.worker.edit.ChangedFile;
import dev.honest.worker.edit.Edit;
import dev.honest.worker.edit.EditApplier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** Task records and results as workers and the aggregator make them, for the tests of what is built from results. */
public final class TestRecords {
  public static final Instant START = Instant.parse("2026-11-26T10:00:00Z");
  public static final String MODEL = "codellama:7b";
  public static final String DIGEST = "8fdf8f752f6e".repeat(5) + "abcd";

  private TestRecords() {}

  /** A successful call; its response hash is derived from its counts, so calls with other counts differ. */
  public static CallRecord call(long prompt, long completion) {
    byte[] body = ("response " + prompt + "/" + completion).getBytes(StandardCharsets.UTF_8);
    return new CallRecord(MODEL, "http://ollama:11434", "task", 200, prompt, completion, 1_000_000, 10, "stop",
        Hashes.sha256Hex(body), Hashes.md5Hex(body), Hashes.sha256Hex(body), null);
  }

  /** A call the server refused; its token counts (if any) still count. */
  public static CallRecord failedCall(long prompt, long completion) {
    byte[] body = "{\"error\":\"overloaded\"}".getBytes(StandardCharsets.UTF_8);
    return new CallRecord(MODEL, "http://ollama:11434", "task", 503, prompt, completion, 0, 10, null,
        Hashes.sha256Hex(body), Hashes.md5Hex(body), null, "HTTP 503");
  }

  public static TaskRecord completed(String id, Action action, String category, List<InputFile> inputs,
      List<Finding> findings, List<Change> changes, CallRecord... calls) {
    return new TaskRecord(id, "Task " + id, Priority.HIGH, category, "backend", action, 1, "local-1", null,
        TaskStatus.COMPLETED, null, MODEL, DIGEST, calls.length, START, START.plusSeconds(5), inputs,
        List.of(calls), findings, changes);
  }

  public static TaskRecord failed(String id, Action action, List<Change> changes, CallRecord... calls) {
    return new TaskRecord(id, "Task " + id, Priority.HIGH, "security", "backend", action, 1, "local-1", null,
        TaskStatus.FAILED, new TaskError("invalid_model_output", "not JSON twice"), MODEL, DIGEST, calls.length,
        START, START.plusSeconds(5), List.of(), List.of(calls), List.of(), changes);
  }

  /** Proof of a file of the workspace as it is now. */
  public static InputFile input(Path workspace, String path) {
    try {
      FileDigest d = Hashes.digest(workspace.resolve(path));
      return new InputFile(path, d.bytes(), d.md5(), d.sha256(), d.binary());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The changes the worker's own edit code makes of {@code edits} on the workspace's files. */
  public static List<Change> fix(Path workspace, String taskId, Edit... edits) {
    List<String> files = Arrays.stream(edits).map(Edit::file).distinct().toList();
    TaskSpec task = new TaskSpec(taskId, "Task " + taskId, "", Priority.HIGH, "security", "backend", files,
        Action.FIX, null);
    try {
      return new EditApplier(workspace).apply(task, List.of(edits)).stream().map(ChangedFile::change).toList();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The results of a run of one worker that reported these records. */
  public static ClusterResults results(List<TaskRecord> tasks) {
    int completed = (int) tasks.stream().filter(TaskRecord::completed).count();
    List<String> ids = tasks.stream().map(TaskRecord::id).toList();
    WorkerResult worker = new WorkerResult(1, "all", "k8s-worker-1", List.of(), "succeeded", null, ids, completed,
        tasks.size() - completed, 300);
    return new ClusterResults("run-20261126-100000", START.getEpochSecond(), START.getEpochSecond() + 300, 300,
        tasks.size(), completed, tasks.size() - completed, 0, List.of(worker), tasks,
        CostSavings.of(tasks, CostSettings.defaults(), Duration.ofMinutes(5)), List.of(), null);
  }
}
