package dev.honest.launcher.results;

import dev.honest.common.attest.Attestations;
import dev.honest.common.attest.ChainLink;
import dev.honest.common.attest.RecordDigest;
import dev.honest.common.attest.TaskPredicate;
import dev.honest.common.attest.WorkerSummaryPredicate;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.proof.Dsse;
import dev.honest.common.proof.HashChain;
import dev.honest.common.proof.Statement;
import dev.honest.common.proof.VerificationException;
import dev.honest.common.result.AttestationLine;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import dev.honest.launcher.attest.RunAttestation.WorkerChain;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What one worker printed over all its attempts: the last record of each of its tasks, paired with
 * the signed statement that followed it, and its chains of statements (a statement at sequence 0
 * starts a new chain: a new process). A record without a valid statement of its own is not
 * reported: its task counts as lost.
 */
final class WorkerLog {
  /** A record and its verified statement. */
  record Attested(TaskRecord record, Dsse.Envelope envelope) {}

  /** A verified statement of a chain: its envelope, its payload and the previous hash it names. */
  private record Link(Dsse.Envelope envelope, byte[] payload, String previous) {}

  private final Map<String, TaskRecord> records = new HashMap<>();
  private final Map<String, Attested> attested = new HashMap<>();
  private final List<List<Link>> chains = new ArrayList<>();
  private final List<String> chainPods = new ArrayList<>();

  private WorkerLog() {}

  /**
   * Reads the log of {@code slice}'s worker; every oddity (a malformed line, a record for a task the
   * plan does not hold, a statement that does not verify or does not match its record, a broken chain)
   * becomes a line in {@code problems}.
   */
  /**
   * @param planned every task id of the plan: a worker may report any of them, as workers that share
   *     claims take over each other's tasks
   */
  static WorkerLog read(WorkerSlice slice, WorkerOutcome outcome, Set<String> planned, PublicKey key,
      List<String> problems) {
    WorkerLog log = new WorkerLog();
    int lineNo = 0;
    for (String line : outcome.log().split("\n", -1)) {
      lineNo++;
      String where = slice.job() + " log line " + lineNo + ": ";
      try {
        Optional<TaskRecord> record = ResultLines.parseRecord(line);
        if (record.isPresent()) {
          log.record(planned, record.get(), where, problems);
          continue;
        }
        Optional<AttestationLine> attestation = ResultLines.parseAttestation(line);
        if (attestation.isPresent()) {
          log.attestation(planned, attestation.get(), key, where, problems);
        }
      } catch (IllegalArgumentException e) {
        problems.add(where + e.getMessage());
      }
    }
    for (int i = 0; i < log.chains.size(); i++) {
      // Each statement was read once, when verified: its previous hash is looked up, not parsed again.
      Map<byte[], String> previous = new IdentityHashMap<>();
      log.chains.get(i).forEach(l -> previous.put(l.payload(), l.previous()));
      OptionalInt broken = HashChain.verify(log.chains.get(i).stream().map(Link::payload).toList(), previous::get);
      if (broken.isPresent()) {
        problems.add(slice.job() + " chain " + (i + 1) + ": statement " + broken.getAsInt()
            + " does not follow the one before it");
      }
    }
    return log;
  }

  /** The ids of the tasks whose record and statement the worker reported, in no particular order. */
  Set<String> attestedTasks() {
    return attested.keySet();
  }

  /** The record of a task and its statement, when the worker reported both. */
  Optional<Attested> attested(String taskId) {
    return Optional.ofNullable(attested.get(taskId));
  }

  /** True when the worker printed a record for the task but no valid statement of it. */
  boolean unattested(String taskId) {
    return records.containsKey(taskId) && !attested.containsKey(taskId);
  }

  /** The worker's chains, oldest process first. */
  List<WorkerChain> chains(String runId, int worker) {
    List<WorkerChain> out = new ArrayList<>();
    for (int i = 0; i < chains.size(); i++) {
      List<JsonNode> envelopes = chains.get(i).stream().map(l -> (JsonNode) l.envelope().toJson()).toList();
      out.add(new WorkerChain(runId, worker, i + 1, chainPods.get(i), envelopes));
    }
    return out;
  }

  private void record(Set<String> planned, TaskRecord record, String where, List<String> problems) {
    if (!planned.contains(record.id())) {
      problems.add(where + "record for task " + record.id() + ", which is not in the plan; ignored");
      return;
    }
    // A later attempt's record replaces an earlier one, and only the statement after it counts.
    records.put(record.id(), record);
    attested.remove(record.id());
  }

  private void attestation(Set<String> planned, AttestationLine line, PublicKey key, String where,
      List<String> problems) {
    Dsse.Envelope envelope = Dsse.Envelope.fromJson(line.envelope());
    Statement statement;
    try {
      statement = Dsse.verifiedStatement(envelope, key);
    } catch (VerificationException e) {
      problems.add(where + "the statement does not verify with the run's key: " + e.getMessage() + "; ignored");
      return;
    }
    // Each predicate is read once: this is done for every statement of the run.
    boolean summary = Attestations.WORKER_SUMMARY.equals(statement.predicateType());
    WorkerSummaryPredicate summaryPredicate = summary ? WorkerSummaryPredicate.from(statement) : null;
    TaskPredicate predicate = summary ? null : TaskPredicate.from(statement);
    ChainLink link = summary ? summaryPredicate.chain() : predicate.chain();
    if (link == null) {
      problems.add(where + "a worker's statement without a chain link; ignored");
      return;
    }
    if (link.sequence() == 0 || chains.isEmpty()) {
      chains.add(new ArrayList<>());
      chainPods.add(summary ? summaryPredicate.pod() : predicate.pod());
    }
    chains.get(chains.size() - 1).add(new Link(envelope, envelope.payload(), link.previous()));
    if (!AttestationLine.TASK.equals(line.kind()) || !planned.contains(line.task())) {
      return; // a record of a task outside the plan was reported (and ignored) already
    }
    TaskRecord record = records.get(line.task());
    if (summary) {
      predicate = TaskPredicate.from(statement); // throws: a task line must carry a task statement
    }
    if (record == null || !predicate.task().id().equals(record.id())
        || !statement.subject().get(0).equals(Statement.Subject.sha256(Attestations.recordSubject(record.id()),
            RecordDigest.sha256(record)))) {
      problems.add(where + "the statement of task " + line.task() + " does not match the record printed before it");
      return;
    }
    attested.put(record.id(), new Attested(record, envelope));
  }
}
