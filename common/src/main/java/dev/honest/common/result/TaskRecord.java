package dev.honest.common.result;

import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The final record of one task, as a worker prints it and the launcher aggregates it.
 *
 * <p>Zero simulation is enforced here: a {@code completed} record must carry at least one
 * successful LLM call and no error; a {@code failed} record must say why.
 *
 * @param worker 1-based worker index
 * @param pod the pod (or local process) that ran the task, when known
 * @param node the node it ran on, when known
 * @param attempts HTTP calls made for the task, retries and re-asks included
 * @param carriedFrom the run this record was carried over from by {@code --resume} (the task was not
 *     run again), or null for a record of this run. Not covered by the record's digest
 *     ({@code dev.honest.common.attest.RecordDigest}): the launcher sets it on a record signed in
 *     that earlier run, and its own signed run statement names the carried tasks.
 */
public record TaskRecord(
    String id,
    String title,
    Priority priority,
    String category,
    String area,
    Action action,
    int worker,
    String pod,
    String node,
    TaskStatus status,
    TaskError error,
    String model,
    String modelDigest,
    int attempts,
    Instant startedAt,
    Instant finishedAt,
    List<InputFile> inputs,
    List<CallRecord> calls,
    List<Finding> findings,
    List<Change> changes,
    String carriedFrom) {

  public TaskRecord {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("record id must not be blank");
    }
    Objects.requireNonNull(status, () -> "task " + id + ": status");
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    calls = calls == null ? List.of() : List.copyOf(calls);
    findings = findings == null ? List.of() : List.copyOf(findings);
    changes = changes == null ? List.of() : List.copyOf(changes);
    if (status == TaskStatus.COMPLETED) {
      if (error != null) {
        throw new IllegalArgumentException("task " + id + ": a completed task cannot carry an error");
      }
      if (calls.stream().noneMatch(CallRecord::succeeded)) {
        throw new IllegalArgumentException("task " + id + ": completed without a successful LLM call");
      }
    } else if (error == null) {
      throw new IllegalArgumentException("task " + id + ": a failed task must say why");
    }
    if (startedAt != null && finishedAt != null && finishedAt.isBefore(startedAt)) {
      throw new IllegalArgumentException("task " + id + ": finished before it started");
    }
  }

  /** A record of this run (not carried over). */
  public TaskRecord(String id, String title, Priority priority, String category, String area, Action action,
      int worker, String pod, String node, TaskStatus status, TaskError error, String model, String modelDigest,
      int attempts, Instant startedAt, Instant finishedAt, List<InputFile> inputs, List<CallRecord> calls,
      List<Finding> findings, List<Change> changes) {
    this(id, title, priority, category, area, action, worker, pod, node, status, error, model, modelDigest, attempts,
        startedAt, finishedAt, inputs, calls, findings, changes, null);
  }

  /** This record, marked as carried over from run {@code runId}. */
  public TaskRecord carriedOver(String runId) {
    return new TaskRecord(id, title, priority, category, area, action, worker, pod, node, status, error, model,
        modelDigest, attempts, startedAt, finishedAt, inputs, calls, findings, changes, runId);
  }

  public boolean completed() {
    return status == TaskStatus.COMPLETED;
  }

  /** Prompt tokens over all calls, as the server counted them. */
  public long promptTokens() {
    long sum = 0;
    for (CallRecord call : calls) {
      sum += call.promptTokens();
    }
    return sum;
  }

  /** Completion tokens over all calls, as the server counted them. */
  public long completionTokens() {
    long sum = 0;
    for (CallRecord call : calls) {
      sum += call.completionTokens();
    }
    return sum;
  }
}
