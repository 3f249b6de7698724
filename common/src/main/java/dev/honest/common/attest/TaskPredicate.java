package dev.honest.common.attest;

import dev.honest.common.config.GenerationOptions;
import dev.honest.common.json.Json;
import dev.honest.common.proof.Statement;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.Change;
import dev.honest.common.result.InputFile;
import dev.honest.common.result.TaskError;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.task.TaskSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What produced one task record: the predicate of its statement ({@value Attestations#TASK}).
 *
 * @param runId the run the task ran in
 * @param attestedBy {@value Attestations#BY_WORKER} for a record a worker produced,
 *     {@value Attestations#BY_LAUNCHER} for a task no worker reported on ({@code worker_lost})
 * @param task the task as given to the worker
 * @param inputs size and digests of every input file as the worker read it
 * @param model the model asked, or null when none was chosen yet
 * @param modelDigest the model's digest from Ollama's {@code /api/tags}, or null when unknown
 * @param options the generation options of every request
 * @param promptVersion the version of the prompt templates
 * @param calls every HTTP call with the hashes of the exact request and response bytes and the
 *     server's token counts
 * @param worker 1-based worker index
 * @param pod the pod (or local process), or null
 * @param node the node, or null
 * @param startedAt when the task started, or null when it never did
 * @param finishedAt when it ended
 * @param status how it ended
 * @param error why it failed, or null
 * @param chain its place in the worker's chain; null for a statement of the launcher
 */
public record TaskPredicate(
    String runId,
    String attestedBy,
    TaskSpec task,
    List<InputFile> inputs,
    String model,
    String modelDigest,
    GenerationOptions options,
    String promptVersion,
    List<CallRecord> calls,
    int worker,
    String pod,
    String node,
    Instant startedAt,
    Instant finishedAt,
    TaskStatus status,
    TaskError error,
    ChainLink chain) {

  public TaskPredicate {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("task predicate: run_id must not be blank");
    }
    if (!Attestations.BY_WORKER.equals(attestedBy) && !Attestations.BY_LAUNCHER.equals(attestedBy)) {
      throw new IllegalArgumentException("task predicate: attested_by must be " + Attestations.BY_WORKER + " or "
          + Attestations.BY_LAUNCHER + ", got " + attestedBy);
    }
    Objects.requireNonNull(task, "task predicate: task");
    Objects.requireNonNull(options, "task predicate: options");
    Objects.requireNonNull(status, "task predicate: status");
    if (promptVersion == null || promptVersion.isBlank()) {
      throw new IllegalArgumentException("task predicate: prompt_version must not be blank");
    }
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    calls = calls == null ? List.of() : List.copyOf(calls);
    if (Attestations.BY_WORKER.equals(attestedBy) != (chain != null)) {
      throw new IllegalArgumentException("task predicate: a worker's statement is chained, the launcher's is not");
    }
  }

  /** The predicate of {@code record}, which ran {@code spec}. */
  public static TaskPredicate of(String runId, String attestedBy, TaskSpec spec, TaskRecord record,
      GenerationOptions options, String promptVersion, ChainLink chain) {
    if (!spec.id().equals(record.id())) {
      throw new IllegalArgumentException("record " + record.id() + " is not the record of task " + spec.id());
    }
    return new TaskPredicate(runId, attestedBy, spec, record.inputs(), record.model(), record.modelDigest(), options,
        promptVersion, record.calls(), record.worker(), record.pod(), record.node(), record.startedAt(),
        record.finishedAt(), record.status(), record.error(), chain);
  }

  /**
   * The statement of {@code record} with this predicate. Its subjects: the record itself
   * ({@link Attestations#recordSubject}, digest {@link RecordDigest}), then for a fix task each
   * changed file's new content (named by its path, digests {@code sha256} and {@code md5}).
   */
  public Statement statement(TaskRecord record) {
    JsonNode json = Json.mapper().valueToTree(record);
    return statement(record, json, RecordDigest.sha256(json));
  }

  /**
   * The same statement as {@link #statement(TaskRecord)}, from the record as the caller prints it
   * ({@link RecordDigest.Printed} of {@code Json.mapper().valueToTree(record)}): the record is
   * converted and canonicalized once, and its inputs and calls are not converted again for the
   * predicate.
   *
   * @throws IllegalArgumentException when {@code printed} is not the JSON of a record of this task
   */
  public Statement statement(TaskRecord record, RecordDigest.Printed printed) {
    return statement(record, printed.json(), printed.sha256());
  }

  private Statement statement(TaskRecord record, JsonNode recordJson, String recordDigest) {
    if (!recordJson.isObject() || !record.id().equals(recordJson.path("id").asString(null))) {
      throw new IllegalArgumentException("the JSON given for record " + record.id() + " is not that record's");
    }
    List<Statement.Subject> subjects = new ArrayList<>();
    subjects.add(Statement.Subject.sha256(Attestations.recordSubject(record.id()), recordDigest));
    for (Change change : record.changes()) {
      subjects.add(new Statement.Subject(change.path(), Map.of("sha256", change.sha256After(), "md5", change.md5After())));
    }
    return new Statement(subjects, Attestations.TASK, json(record, recordJson));
  }

  /** This predicate's JSON, as {@code Json.mapper().valueToTree(this)} makes it. */
  private ObjectNode json(TaskRecord record, JsonNode recordJson) {
    if (!inputs.equals(record.inputs()) || !calls.equals(record.calls())) {
      return Json.mapper().valueToTree(this);
    }
    // Equal lists convert to equal JSON, so the record's are taken (set keeps each member's place).
    ObjectNode json = Json.mapper().valueToTree(new TaskPredicate(runId, attestedBy, task, List.of(), model,
        modelDigest, options, promptVersion, List.of(), worker, pod, node, startedAt, finishedAt, status, error, chain));
    json.set("inputs", recordJson.get("inputs"));
    json.set("calls", recordJson.get("calls"));
    return json;
  }

  /**
   * The predicate of a task statement.
   *
   * @throws IllegalArgumentException when the statement is of another type or its predicate is not
   *     a valid task predicate
   */
  public static TaskPredicate from(Statement statement) {
    return Attestations.predicate(statement, Attestations.TASK, TaskPredicate.class);
  }
}
