package dev.honest.common.attest;

import dev.honest.common.json.Json;
import dev.honest.common.proof.Statement;
import java.util.List;
import java.util.Objects;

/**
 * The statement that ends a worker's chain ({@value Attestations#WORKER_SUMMARY}): how many task
 * statements came before it and how the worker ended. Its subject is the chain head it follows, so
 * a chain cut short (its last statements and this one dropped) no longer ends in a summary, and one
 * with statements dropped before the summary no longer matches its counts.
 *
 * @param runId the run
 * @param worker 1-based worker index
 * @param pod the pod (or local process), or null
 * @param node the node, or null
 * @param assigned tasks the worker took: its slice, less what others took over, plus what it took over
 * @param completed tasks completed
 * @param failed tasks failed
 * @param exitCode the worker's exit code
 * @param taskStatements task statements in the chain before this one
 * @param chain its place in the chain; {@code chain.previous} is the head of the task statements
 */
public record WorkerSummaryPredicate(
    String runId,
    int worker,
    String pod,
    String node,
    int assigned,
    int completed,
    int failed,
    int exitCode,
    long taskStatements,
    ChainLink chain) {

  public WorkerSummaryPredicate {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("worker summary predicate: run_id must not be blank");
    }
    Objects.requireNonNull(chain, "worker summary predicate: chain");
    if (chain.sequence() != taskStatements) {
      throw new IllegalArgumentException("worker summary predicate: it follows " + taskStatements
          + " task statements but sits at chain sequence " + chain.sequence());
    }
  }

  /** The statement: subject {@link Attestations#chainSubject}, digest the chain head it follows. */
  public Statement statement() {
    return new Statement(List.of(Statement.Subject.sha256(Attestations.chainSubject(worker), chain.previous())),
        Attestations.WORKER_SUMMARY, Json.mapper().valueToTree(this));
  }

  /** The predicate of a worker summary statement. */
  public static WorkerSummaryPredicate from(Statement statement) {
    return Attestations.predicate(statement, Attestations.WORKER_SUMMARY, WorkerSummaryPredicate.class);
  }
}
