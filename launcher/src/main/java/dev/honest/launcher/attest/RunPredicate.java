package dev.honest.launcher.attest;

import dev.honest.common.attest.Attestations;
import dev.honest.common.json.Json;
import dev.honest.common.proof.Statement;
import java.util.List;
import java.util.Objects;

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
    // Read from a signed statement too: whatever is missing is named, rather than failing later.
    require(runId, "run_id");
    require(keyId, "key_id");
    require(merkleRoot, "merkle_root");
    tasks = copy(tasks, "tasks");
    chains = copy(chains, "chains");
    keys = copy(keys, "keys");
  }

  private static <T> T require(T value, String member) {
    if (value == null) {
      throw new IllegalArgumentException("run statement: '" + member + "' is missing");
    }
    return value;
  }

  private static <T> List<T> copy(List<T> list, String member) {
    if (require(list, member).stream().anyMatch(Objects::isNull)) {
      throw new IllegalArgumentException("run statement: '" + member + "' holds null");
    }
    return List.copyOf(list);
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
  public record ChainSummary(String runId, int worker, int attempt, long statements, String head, boolean complete) {
    public ChainSummary {
      require(runId, "chains[].run_id");
      require(head, "chains[].head");
    }
  }

  /** A key accepted in the results, and the run that used it. */
  public record KeyRef(String keyId, String runId) {
    public KeyRef {
      require(keyId, "keys[].key_id");
      require(runId, "keys[].run_id");
    }
  }
}
