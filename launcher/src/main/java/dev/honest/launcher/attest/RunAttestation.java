package dev.honest.launcher.attest;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The proof of a run, member {@code attestation} of {@code k8s-cluster-results.json}: enough to
 * check the whole file offline ({@code launcher verify}).
 *
 * @param keyId the fingerprint of this run's key, which signed {@link #runStatement}, every
 *     statement of this run's workers and the statements of tasks no worker reported on
 * @param publicKeys every key whose signature appears in the file: this run's first, then those of
 *     earlier runs whose statements were carried over by {@code --resume}
 * @param merkleRoot RFC 9162 Merkle tree hash (lowercase hex) over the canonical statements of
 *     {@link #tasks}, in that order (the order of {@code tasks[]})
 * @param treeSize leaves in the tree: the number of tasks
 * @param runStatement the DSSE envelope of the run statement ({@link RunPredicate}), signed by this run's key
 * @param tasks each task's final statement, in the order of {@code tasks[]}
 * @param chains every worker process's chain of statements, including the chains of earlier runs
 *     that hold carried statements
 */
public record RunAttestation(
    String keyId,
    List<PublicKeyEntry> publicKeys,
    String merkleRoot,
    long treeSize,
    JsonNode runStatement,
    List<TaskProof> tasks,
    List<WorkerChain> chains) {

  public RunAttestation {
    publicKeys = List.copyOf(publicKeys);
    tasks = List.copyOf(tasks);
    chains = List.copyOf(chains);
  }

  /**
   * A public key.
   *
   * @param keyId its fingerprint: lowercase hex SHA-256 of the SubjectPublicKeyInfo DER
   * @param runId the run that made and used it
   * @param pem the key as PEM {@code PUBLIC KEY}
   */
  public record PublicKeyEntry(String keyId, String runId, String pem) {}

  /**
   * A task's final statement.
   *
   * @param id the task id
   * @param envelope its DSSE envelope
   */
  public record TaskProof(String id, JsonNode envelope) {}

  /**
   * The statements one worker process signed, in the order it printed them: its task statements,
   * then (when it got that far) its worker summary.
   *
   * @param runId the run the process belonged to
   * @param worker 1-based worker index
   * @param attempt 1-based: which process (pod) of that worker in the run
   * @param pod the pod (or local process) the statements name, or null
   * @param envelopes the DSSE envelopes, in chain order
   */
  public record WorkerChain(String runId, int worker, int attempt, String pod, List<JsonNode> envelopes) {
    public WorkerChain {
      envelopes = List.copyOf(envelopes);
    }
  }
}
