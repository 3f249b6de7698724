package dev.honest.launcher.attest;

import dev.honest.common.attest.Attestations;
import dev.honest.common.json.Json;
import dev.honest.common.proof.Statement;
import java.util.List;

/**
 * What the launcher signs about a whole run ({@value Attestations#RUN}): the Merkle root over the
 * final task statements and everything a reader could otherwise not tell was removed.
 *
 * @param runId the run
 * @param keyId the fingerprint of the run's key
 * @param merkleRoot the RFC 9162 root over the task statements, in the order of {@link #tasks}
 * @param treeSize the number of leaves
 * @param totalTasks tasks in the results
 * @param completedTasks tasks completed
 * @param failedTasks tasks failed
 * @param carriedTasks tasks carried over from earlier runs (counted in the totals above)
 * @param tasks every task id, in the order of {@code tasks[]}
 * @param chains every worker chain in the results, with its length and last hash
 * @param keys every key accepted in the results: this run's, and those of the runs carried tasks come from
 */
public record RunPredicate(
    String runId,
    String keyId,
    String merkleRoot,
    long treeSize,
    int totalTasks,
    int completedTasks,
    int failedTasks,
    int carriedTasks,
    List<String> tasks,
    List<ChainSummary> chains,
    List<KeyRef> keys) {

  public RunPredicate {
    tasks = List.copyOf(tasks);
    chains = List.copyOf(chains);
    keys = List.copyOf(keys);
  }

  /** The statement: subject {@value Attestations#RUN_SUBJECT} with the Merkle root as its digest. */
  public Statement statement() {
    return new Statement(List.of(Statement.Subject.sha256(Attestations.RUN_SUBJECT, merkleRoot)), Attestations.RUN,
        Json.mapper().valueToTree(this));
  }

  public static RunPredicate from(Statement statement) {
    return Attestations.predicate(statement, Attestations.RUN, RunPredicate.class);
  }

  /**
   * One worker chain as the launcher collected it.
   *
   * @param statements how many statements it holds
   * @param head lowercase hex SHA-256 of its last statement's canonical bytes
   * @param complete true when it ends with the worker summary (the process ran to its end)
   */
  public record ChainSummary(String runId, int worker, int attempt, long statements, String head, boolean complete) {}

  /** A key accepted in the results, and the run that used it. */
  public record KeyRef(String keyId, String runId) {}
}
