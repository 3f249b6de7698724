package dev.honest.worker.run;

import dev.honest.common.attest.Attestations;
import dev.honest.common.attest.ChainLink;
import dev.honest.common.attest.RecordDigest;
import dev.honest.common.attest.TaskPredicate;
import dev.honest.common.attest.WorkerSummaryPredicate;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.proof.Dsse;
import dev.honest.common.proof.HashChain;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.proof.Statement;
import dev.honest.common.result.AttestationLine;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.WorkerSummary;
import dev.honest.common.task.TaskSpec;
import dev.honest.worker.prompt.Prompts;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Signs what one worker process reports, as one hash chain: each task record's statement, then the
 * worker summary that ends the chain. A new process (a retried pod) starts a new chain.
 */
public final class Attestor {
  private final SigningKey key;
  private final WorkerConfig config;
  private final WorkerIdentity identity;
  private final HashChain chain = new HashChain();
  private long sequence;

  /**
   * @param key the run's signing key
   * @param config the run id and the generation options the records were made with
   * @param identity the worker, pod and node named in the worker summary
   */
  public Attestor(SigningKey key, WorkerConfig config, WorkerIdentity identity) {
    this.key = key;
    this.config = config;
    this.identity = identity;
  }

  /** The signed statement of {@code record}, which ran {@code spec}; the next link of the chain. */
  public AttestationLine task(TaskSpec spec, TaskRecord record) {
    return task(spec, record, RecordDigest.Printed.of(record));
  }

  /**
   * The same, from the record as the caller prints it: see
   * {@link TaskPredicate#statement(TaskRecord, RecordDigest.Printed)}.
   */
  public AttestationLine task(TaskSpec spec, TaskRecord record, RecordDigest.Printed printed) {
    return new AttestationLine(AttestationLine.TASK, record.id(), identity.index(), append(link ->
        TaskPredicate.of(config.runId(), Attestations.BY_WORKER, spec, record, config.options(),
            Prompts.PROMPT_VERSION, link).statement(record, printed)));
  }

  /** The signed worker summary: the last link of the chain, naming how many task statements it holds. */
  public AttestationLine summary(WorkerSummary summary) {
    return new AttestationLine(AttestationLine.WORKER_SUMMARY, null, identity.index(), append(link ->
        new WorkerSummaryPredicate(config.runId(), identity.index(), identity.pod(), identity.node(),
            summary.assigned(), summary.completed(), summary.failed(), summary.exitCode(), link.sequence(), link)
            .statement()));
  }

  private synchronized JsonNode append(Function<ChainLink, Statement> next) {
    byte[] payload = chain.append(previous -> next.apply(new ChainLink(sequence, previous)).canonicalBytes());
    sequence++;
    return Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, payload, key).toJson();
  }
}
