package dev.honest.common.attest;

import dev.honest.common.json.Json;
import dev.honest.common.proof.Statement;
import tools.jackson.core.JacksonException;

/** The predicate types and subject names of the project's statements (see the package documentation). */
public final class Attestations {
  /** One task's record and what produced it: {@link TaskPredicate}. */
  public static final String TASK = "https://honest.dev/attestation/task/v1";
  /** The end of a worker's chain: {@link WorkerSummaryPredicate}. */
  public static final String WORKER_SUMMARY = "https://honest.dev/attestation/worker-summary/v1";
  /** The whole run, signed by the launcher: the Merkle root over the task statements and the counts. */
  public static final String RUN = "https://honest.dev/attestation/run/v1";

  /** {@code attested_by} of a statement a worker signed. */
  public static final String BY_WORKER = "worker";
  /** {@code attested_by} of a statement the launcher signed (a task no worker reported on). */
  public static final String BY_LAUNCHER = "launcher";

  /** The subject of a run statement, whose digest is the Merkle root: {@code task-statements}. */
  public static final String RUN_SUBJECT = "task-statements";

  private Attestations() {}

  /** The subject naming a task record: {@code task-record/<id>}. */
  public static String recordSubject(String taskId) {
    return "task-record/" + taskId;
  }

  /** The subject of a worker summary: {@code worker-chain/<index>}. */
  public static String chainSubject(int worker) {
    return "worker-chain/" + worker;
  }

  /**
   * The place in its worker's chain of a task or worker summary statement; null for a task
   * statement of the launcher.
   *
   * @throws IllegalArgumentException when the statement is of neither type, or invalid
   */
  public static ChainLink chainLink(Statement statement) {
    return WORKER_SUMMARY.equals(statement.predicateType())
        ? WorkerSummaryPredicate.from(statement).chain()
        : TaskPredicate.from(statement).chain();
  }

  /**
   * The predicate of {@code statement} read as {@code type}, once its predicate type is {@code predicateType}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static <T> T predicate(Statement statement, String predicateType, Class<T> type) {
    if (!predicateType.equals(statement.predicateType())) {
      throw new IllegalArgumentException("predicateType is " + statement.predicateType() + ", expected " + predicateType);
    }
    try {
      return Json.mapper().treeToValue(statement.predicate(), type);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("invalid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }
}
