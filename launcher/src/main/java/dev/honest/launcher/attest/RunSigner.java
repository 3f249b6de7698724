package dev.honest.launcher.attest;

import dev.honest.common.attest.Attestations;
import dev.honest.common.attest.TaskPredicate;
import dev.honest.common.config.GenerationOptions;
import dev.honest.common.proof.Dsse;
import dev.honest.common.proof.HashChain;
import dev.honest.common.proof.Keys;
import dev.honest.common.proof.MerkleTree;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.proof.Statement;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.attest.RunAttestation.PublicKeyEntry;
import dev.honest.launcher.attest.RunAttestation.TaskProof;
import dev.honest.launcher.attest.RunAttestation.WorkerChain;
import dev.honest.worker.prompt.Prompts;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The launcher's signatures over a run, with the run's own key: the statements of tasks no worker
 * reported on, and the run statement over everything.
 */
public final class RunSigner {
  private final SigningKey key;
  private final String runId;
  private final GenerationOptions options;

  /**
   * @param key the run's key (the one the workers sign with)
   * @param runId the run
   * @param options the generation options the run's workers were given
   */
  public RunSigner(SigningKey key, String runId, GenerationOptions options) {
    this.key = key;
    this.runId = runId;
    this.options = options;
  }

  public String runId() {
    return runId;
  }

  public String keyId() {
    return key.keyId();
  }

  public PublicKey publicKey() {
    return key.publicKey();
  }

  /** The launcher's statement of a task no worker reported on: its {@code worker_lost} record. */
  public Dsse.Envelope lost(TaskSpec spec, TaskRecord record) {
    TaskPredicate predicate = TaskPredicate.of(runId, Attestations.BY_LAUNCHER, spec, record, options,
        Prompts.PROMPT_VERSION, null);
    return Dsse.sign(predicate.statement(record), key);
  }

  /**
   * The run's proof: the Merkle root over the final task statements and the signed run statement.
   *
   * @param records every task record, in the order of {@code tasks[]}
   * @param statements each record's final statement, in the same order
   * @param chains every worker chain, this run's and the earlier runs' that hold carried statements
   * @param earlierKeys the keys of the earlier runs carried statements were signed in
   * @param carried how many records were carried over
   */
  public RunAttestation seal(List<TaskRecord> records, List<Signed> statements, List<WorkerChain> chains,
      List<PublicKeyEntry> earlierKeys, int carried) {
    if (records.size() != statements.size()) {
      throw new IllegalArgumentException(records.size() + " records but " + statements.size() + " statements");
    }
    List<byte[]> leaves = statements.stream().map(s -> s.envelope().payload()).toList();
    String root = MerkleTree.rootHex(leaves);
    List<PublicKeyEntry> keys = new ArrayList<>();
    keys.add(new PublicKeyEntry(key.keyId(), runId, Keys.toPem(key.publicKey())));
    earlierKeys.stream().filter(k -> !k.keyId().equals(key.keyId())).forEach(keys::add);
    int completed = (int) records.stream().filter(TaskRecord::completed).count();
    RunPredicate run = new RunPredicate(runId, key.keyId(), root, leaves.size(), records.size(), completed,
        records.size() - completed, carried, records.stream().map(TaskRecord::id).toList(),
        chains.stream().map(RunSigner::summary).toList(),
        keys.stream().map(k -> new RunPredicate.KeyRef(k.keyId(), k.runId())).toList());
    List<TaskProof> proofs = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      proofs.add(new TaskProof(records.get(i).id(), statements.get(i).json()));
    }
    return new RunAttestation(key.keyId(), keys, root, leaves.size(), Dsse.sign(run.statement(), key).toJson(),
        proofs, chains);
  }

  /**
   * A task's final statement: its envelope, and the envelope's JSON as the results hold it. A
   * worker's statement keeps the JSON it was read from (encoding it again would cost as much as
   * reading it); one the launcher signs or carries over is written from its envelope.
   *
   * @param json DSSE JSON that {@link Dsse.Envelope#fromJson} reads as {@code envelope}
   */
  public record Signed(Dsse.Envelope envelope, JsonNode json) {
    public Signed {
      Objects.requireNonNull(envelope, "envelope");
      Objects.requireNonNull(json, "json");
    }

    public static Signed of(Dsse.Envelope envelope) {
      return new Signed(envelope, envelope.toJson());
    }
  }

  private static RunPredicate.ChainSummary summary(WorkerChain chain) {
    byte[] last = Dsse.Envelope.fromJson(chain.envelopes().get(chain.envelopes().size() - 1)).payload();
    // Only its type is read: the launcher authenticated the chain when it read the log, and verify
    // reads every statement whole.
    boolean complete = Attestations.WORKER_SUMMARY.equals(Statement.excerpt(last, Set.of()).predicateType());
    return new RunPredicate.ChainSummary(chain.runId(), chain.worker(), chain.attempt(), chain.envelopes().size(),
        HashChain.hash(last), complete);
  }
}
