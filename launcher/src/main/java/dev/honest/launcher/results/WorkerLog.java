package dev.honest.launcher.results;

import dev.honest.common.attest.Attestations;
import dev.honest.common.attest.ChainLink;
import dev.honest.common.attest.RecordDigest;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.proof.Dsse;
import dev.honest.common.proof.HashChain;
import dev.honest.common.proof.Statement;
import dev.honest.common.proof.VerificationException;
import dev.honest.common.result.AttestationLine;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import dev.honest.launcher.attest.RunAttestation.WorkerChain;
import dev.honest.launcher.attest.RunSigner;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
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
 * reported: its task counts as lost. A later attempt's record replaces an earlier one, except that
 * a failed record never replaces a completed one whose statement verified ({@link #replaces}).
 */
final class WorkerLog {
  /** A record and its verified statement, with the statement's envelope as printed. */
  record Attested(TaskRecord record, RunSigner.Signed statement) {}

  /** An authenticated statement of a chain: its envelope as printed, its payload and the previous hash it names. */
  private record Link(JsonNode envelope, byte[] payload, String previous, String hash) {}

  /** The only parts of a statement's predicate the launcher uses. */
  private static final Set<String> PREDICATE_PATHS = Set.of("chain", "pod", "task.id");

  private final Map<String, TaskRecord> records = new HashMap<>();
  /** The text of each record line whose statement has not been read yet (the text costs memory). */
  private final Map<String, String> printed = new HashMap<>();
  private final Map<String, Attested> attested = new HashMap<>();
  private final List<List<Link>> chains = new ArrayList<>();
  private final List<String> chainPods = new ArrayList<>();

  private WorkerLog() {}

  /**
   * Reads the log of {@code slice}'s worker; every oddity (a malformed line, a record for a task the
   * plan does not hold, a statement that does not verify or does not match its record, a broken chain)
   * becomes a line in {@code problems}.
   *
   * <p>Every statement is authenticated, but not every signature is checked: a statement names the
   * hash of the one before it, so once the last statement of an unbroken stretch of a chain verifies,
   * its signature covers the payload of every statement before it in that stretch (as a signed Git
   * commit covers its history). Only when that signature fails are the stretch's statements checked
   * one by one. That is one signature check per worker process instead of one per task; {@code verify}
   * still checks every signature of the results.
   *
   * @param planned every task id of the plan: a worker may report any of them, as workers that share
   *     claims take over each other's tasks
   */
  static WorkerLog read(WorkerSlice slice, WorkerOutcome outcome, Set<String> planned, PublicKey key,
      List<String> problems) {
    List<Line> lines = lines(slice, outcome.log());
    Map<Read, String> unauthentic = authenticate(lines, key);
    WorkerLog log = new WorkerLog();
    for (Line line : lines) {
      if (line instanceof Problem p) {
        problems.add(p.where() + p.message());
      } else if (line instanceof RecordLine r) {
        log.record(planned, r.printed(), r.where(), problems);
      } else if (line instanceof Read read) {
        String failure = unauthentic.get(read);
        if (failure != null) {
          problems.add(read.where() + "the statement does not verify with the run's key: " + failure + "; ignored");
        } else {
          try {
            log.attestation(planned, read, problems);
          } catch (IllegalArgumentException e) {
            problems.add(read.where() + e.getMessage());
          }
        }
      }
    }
    for (int i = 0; i < log.chains.size(); i++) {
      // Each statement was read and hashed once: its previous hash and its own are looked up.
      Map<byte[], Link> links = new IdentityHashMap<>();
      log.chains.get(i).forEach(l -> links.put(l.payload(), l));
      OptionalInt broken = HashChain.verify(log.chains.get(i).stream().map(Link::payload).toList(),
          p -> links.get(p).previous(), p -> links.get(p).hash());
      if (broken.isPresent()) {
        problems.add(slice.job() + " chain " + (i + 1) + ": statement " + broken.getAsInt()
            + " does not follow the one before it");
      }
    }
    return log;
  }

  /** A line of the log that matters: a record, a statement read (not yet authenticated), or a problem. */
  private sealed interface Line permits RecordLine, Read, Problem {}

  private record RecordLine(ResultLines.PrintedRecord printed, String where) implements Line {}

  private record Problem(String where, String message) implements Line {}

  /**
   * A statement as printed, parsed but not yet authenticated, with the parts of its predicate the
   * launcher uses.
   *
   * @param hash {@link HashChain#hash} of its payload: what the next statement of its chain names
   * @param link its place in its chain, or null when it names none
   * @param task the task id its predicate names, null for a worker summary
   */
  private record Read(AttestationLine line, Dsse.Envelope envelope, byte[] payload, String hash,
      Statement.Subject subject, boolean summary, ChainLink link, String pod, String task, String where) implements Line {}

  /** Parses every line; nothing is verified yet. */
  private static List<Line> lines(WorkerSlice slice, String log) {
    List<Line> lines = new ArrayList<>();
    int lineNo = 0;
    // Only the lines that hold the prefixes' common start are parsed, where they stand in the log.
    int marked = log.indexOf(ResultLines.MARK);
    for (int start = 0; start <= log.length(); ) {
      int end = log.indexOf('\n', start);
      end = end < 0 ? log.length() : end;
      lineNo++;
      if (marked < start || marked >= end) {
        start = end + 1;
        continue;
      }
      int mark = marked;
      int lineStart = start;
      start = end + 1;
      marked = log.indexOf(ResultLines.MARK, start);
      String where = slice.job() + " log line " + lineNo + ": ";
      try {
        Optional<ResultLines.PrintedRecord> record = ResultLines.printedRecordAt(log, mark, end);
        Optional<AttestationLine> attestation =
            record.isPresent() ? Optional.empty() : ResultLines.attestationAt(log, mark, end);
        if (record.isEmpty() && attestation.isEmpty()) {
          // Another prefix first (a summary), or none where the mark is: the line is read as a whole.
          String text = log.substring(lineStart, end);
          record = ResultLines.parsePrintedRecord(text);
          attestation = record.isPresent() ? Optional.empty() : ResultLines.parseAttestation(text);
        }
        record.ifPresent(r -> lines.add(new RecordLine(r, where)));
        attestation.ifPresent(a -> lines.add(read(a, where)));
      } catch (IllegalArgumentException e) {
        lines.add(new Problem(where, e.getMessage()));
      }
    }
    return lines;
  }

  private static Line read(AttestationLine line, String where) {
    Dsse.Envelope envelope = Dsse.Envelope.fromJson(line.envelope());
    Statement.Excerpt statement;
    try {
      statement = Dsse.unverifiedExcerpt(envelope, PREDICATE_PATHS);
    } catch (VerificationException e) {
      return new Problem(where, "the statement does not verify with the run's key: " + e.getMessage() + "; ignored");
    }
    boolean summary = Attestations.WORKER_SUMMARY.equals(statement.predicateType());
    if (!summary && !Attestations.TASK.equals(statement.predicateType())) {
      throw new IllegalArgumentException("predicateType is " + statement.predicateType() + ", expected "
          + Attestations.TASK);
    }
    String task = summary ? null : text(statement.value("task.id"), "task.id");
    if (!summary && task == null) {
      throw new IllegalArgumentException("the task statement's predicate names no task.id");
    }
    byte[] payload = envelope.payload();
    return new Read(line, envelope, payload, HashChain.hash(payload), statement.subject().get(0), summary,
        link(statement.value("chain")), text(statement.value("pod"), "pod"), task, where);
  }

  private static ChainLink link(JsonNode chain) {
    if (chain == null || chain.isNull()) {
      return null;
    }
    if (!chain.path("sequence").isIntegralNumber() || !chain.path("previous").isString()) {
      throw new IllegalArgumentException("invalid chain link in the statement's predicate: " + chain);
    }
    return new ChainLink(chain.get("sequence").longValue(), chain.get("previous").stringValue());
  }

  private static String text(JsonNode value, String field) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isString()) {
      throw new IllegalArgumentException("the statement's predicate has a " + field + " that is not a string");
    }
    return value.stringValue();
  }

  /**
   * Authenticates every statement read and returns those that fail, each with why. A chain (a new
   * one starts at sequence 0) is cut where a statement does not name the hash of the one before it;
   * each stretch is authenticated by its last statement's signature, or statement by statement when
   * that one fails.
   */
  private static Map<Read, String> authenticate(List<Line> lines, PublicKey key) {
    List<List<Read>> stretches = new ArrayList<>();
    List<Read> stretch = null;
    String head = null;
    for (Line line : lines) {
      if (!(line instanceof Read read)) {
        continue;
      }
      if (read.link() == null || stretch == null || read.link().sequence() == 0
          || !read.link().previous().equals(head)) {
        stretch = new ArrayList<>();
        stretches.add(stretch);
      }
      stretch.add(read);
      head = read.link() == null ? null : read.hash();
    }
    Map<Read, String> unauthentic = new IdentityHashMap<>();
    for (List<Read> reads : stretches) {
      if (failure(reads.get(reads.size() - 1), key) == null) {
        continue;
      }
      for (Read read : reads) {
        String failure = failure(read, key);
        if (failure != null) {
          unauthentic.put(read, failure);
        }
      }
    }
    return unauthentic;
  }

  /** Why the statement's own signature does not verify, or null when it does. */
  private static String failure(Read read, PublicKey key) {
    try {
      Dsse.verifiedPayload(read.envelope(), key);
      return null;
    } catch (VerificationException e) {
      return e.getMessage();
    }
  }

  /**
   * Whether {@code later}, a task's record, replaces {@code earlier}, a record of the same task
   * whose statement verified: unless it failed where the earlier one completed, as proven work is
   * never thrown away (a retried pod whose Ollama was unreachable fails a task its killed
   * predecessor had done). Also decides between two workers that reported the same task.
   */
  static boolean replaces(TaskRecord later, TaskRecord earlier) {
    return later.completed() || !earlier.completed();
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
      List<JsonNode> envelopes = chains.get(i).stream().map(Link::envelope).toList();
      out.add(new WorkerChain(runId, worker, i + 1, chainPods.get(i), envelopes));
    }
    return out;
  }

  private void record(Set<String> planned, ResultLines.PrintedRecord line, String where, List<String> problems) {
    TaskRecord record = line.record();
    if (!planned.contains(record.id())) {
      problems.add(where + "record for task " + record.id() + ", which is not in the plan; ignored");
      return;
    }
    // Only the statement after a record counts; whether it replaces an earlier proven one is decided
    // when that statement has verified (see replaces): a record alone never displaces proven work.
    records.put(record.id(), record);
    printed.put(record.id(), line.json());
  }

  private void attestation(Set<String> planned, Read read, List<String> problems) {
    if (read.link() == null) {
      problems.add(read.where() + "a worker's statement without a chain link; ignored");
      return;
    }
    if (read.link().sequence() == 0 || chains.isEmpty()) {
      chains.add(new ArrayList<>());
      chainPods.add(read.pod());
    }
    chains.get(chains.size() - 1).add(new Link(read.line().envelope(), read.payload(), read.link().previous(), read.hash()));
    AttestationLine line = read.line();
    if (!AttestationLine.TASK.equals(line.kind()) || !planned.contains(line.task())) {
      return; // a record of a task outside the plan was reported (and ignored) already
    }
    if (read.summary()) {
      // a task line must carry a task statement
      throw new IllegalArgumentException("predicateType is " + Attestations.WORKER_SUMMARY + ", expected "
          + Attestations.TASK);
    }
    TaskRecord record = records.get(line.task());
    if (record == null || !read.task().equals(record.id()) || !signs(read.subject(), record, printed.remove(record.id()))) {
      problems.add(read.where() + "the statement of task " + line.task() + " does not match the record printed before it");
      return;
    }
    Attested earlier = attested.get(record.id());
    if (earlier == null || replaces(record, earlier.record())) {
      attested.put(record.id(), new Attested(record, new RunSigner.Signed(read.envelope(), line.envelope())));
    }
  }

  /**
   * Whether the statement's subject names the printed record. A worker prints the record's
   * canonical form, so the digest of the line's text is the one signed, with no conversion; a line
   * printed otherwise (by an older worker) is converted and canonicalized as {@code verify} does.
   *
   * @param text the record's line as printed; null when another statement has taken it already
   */
  private static boolean signs(Statement.Subject subject, TaskRecord record, String text) {
    String name = Attestations.recordSubject(record.id());
    return text != null && subject.is(name, RecordDigest.ofText(text)) || subject.is(name, RecordDigest.sha256(record));
  }
}
