package dev.honest.launcher.attest;

import dev.honest.common.attest.Attestations;
import dev.honest.common.attest.ChainLink;
import dev.honest.common.attest.RecordDigest;
import dev.honest.common.attest.TaskPredicate;
import dev.honest.common.attest.WorkerSummaryPredicate;
import dev.honest.common.hash.Hashes;
import dev.honest.common.io.IoProblems;
import dev.honest.common.json.Json;
import dev.honest.common.proof.Dsse;
import dev.honest.common.proof.HashChain;
import dev.honest.common.proof.Keys;
import dev.honest.common.proof.MerkleTree;
import dev.honest.common.proof.Statement;
import dev.honest.common.proof.VerificationException;
import dev.honest.common.result.InputFile;
import dev.honest.common.task.WorkspacePaths;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Checks a results file offline, from its JSON alone: every envelope's signature, every worker
 * chain, the Merkle root, that each task record is the one its statement names, that the counts
 * match the records, that {@code workers[]} lists each task of this run once, under the worker its
 * statement names, and (given a workspace) that every input file still has the recorded digest.
 *
 * <p>It reads the JSON as it stands, never through the launcher's Java records, so that what is
 * checked is exactly what a reader sees. Each problem is one line naming the task, the chain or the
 * file. Trust starts at the run's key: the one given (the fingerprint printed at the end of the
 * run), else the one the file names. The signed run statement then lists the other keys accepted
 * (those of earlier runs whose statements were carried over).
 */
public final class Verifier {
  private final JsonNode results;
  private final List<String> problems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  /** Accepted keys, by key id, with the run each belongs to. */
  private final Map<String, RunKey> accepted = new LinkedHashMap<>();
  /** Verified task predicates, by task id. */
  private final Map<String, TaskPredicate> predicates = new LinkedHashMap<>();
  /** How many task statements did not open (a problem each): the Merkle root cannot be recomputed then. */
  private int unopened;

  private record RunKey(PublicKey key, String runId) {}

  /** A verified statement and the run of the key that signed it. */
  private record Opened(Statement statement, String signedInRun, byte[] payload) {}

  /**
   * What the check found.
   *
   * @param runId the run the results belong to
   * @param problems one line per problem; empty when everything holds
   * @param notes what a reader should know about how it was checked
   * @param predicates the verified predicate of each task's statement, by task id
   * @param keys the accepted public keys as PEM, by key id
   */
  public record Verification(String runId, List<String> problems, List<String> notes,
      Map<String, TaskPredicate> predicates, Map<String, String> keys) {
    public boolean holds() {
      return problems.isEmpty();
    }
  }

  private Verifier(JsonNode results) {
    this.results = results;
  }

  /**
   * Checks {@code results}.
   *
   * @param trusted the run's public key as got elsewhere, or null to take the one the file names
   * @param workspace where the input files are now, or null to skip that check
   */
  public static Verification verify(JsonNode results, PublicKey trusted, Path workspace) {
    Verifier v = new Verifier(results);
    String runId = results.path("run_id").asString("");
    try {
      v.check(trusted, workspace);
    } catch (IllegalArgumentException | IOException e) {
      v.problems.add("the results cannot be read as signed results: " + e.getMessage());
    }
    Map<String, String> pems = new LinkedHashMap<>();
    v.accepted.forEach((id, k) -> pems.put(id, Keys.toPem(k.key())));
    return new Verification(runId, List.copyOf(v.problems), List.copyOf(v.notes), Map.copyOf(v.predicates),
        pems);
  }

  private void check(PublicKey trusted, Path workspace) throws IOException {
    JsonNode attestation = results.path("attestation");
    if (!attestation.isObject()) {
      problems.add("the results have no attestation: they were never signed, or it was removed");
      return;
    }
    String runId = text(results, "run_id");
    Map<String, RunKey> listed = listedKeys(array(attestation, "public_keys", "attestation.public_keys"));
    String runKeyId = text(attestation, "key_id");
    PublicKey runKey;
    if (trusted != null) {
      runKey = trusted;
      if (!Keys.keyId(trusted).equals(runKeyId)) {
        problems.add("the results say they are signed with key " + runKeyId + ", not with the given key "
            + Keys.keyId(trusted));
      }
    } else {
      RunKey named = listed.get(runKeyId);
      if (named == null) {
        problems.add("the run's key " + runKeyId + " is not among attestation.public_keys");
        return;
      }
      runKey = named.key();
      notes.add("checked against the public key inside the results (" + runKeyId + "); pass --public-key with"
          + " the key printed at the end of the run to rule out a file re-signed with another key");
    }
    accepted.put(Keys.keyId(runKey), new RunKey(runKey, runId));

    RunPredicate run = runStatement(attestation, runId, runKeyId);
    if (run != null) {
      for (RunPredicate.KeyRef ref : run.keys()) {
        RunKey key = listed.get(ref.keyId());
        if (key == null) {
          problems.add("key " + ref.keyId() + " (run " + ref.runId() + ") is in the signed run statement but not"
              + " among attestation.public_keys");
        } else if (!ref.runId().equals(key.runId())) {
          problems.add("key " + ref.keyId() + " is listed for run " + key.runId() + ", the signed run statement"
              + " says run " + ref.runId());
        } else {
          accepted.putIfAbsent(ref.keyId(), key);
        }
      }
      listed.keySet().stream().filter(id -> !accepted.containsKey(id)).forEach(id ->
          problems.add("key " + id + " is listed in attestation.public_keys but not in the signed run statement"));
    }
    Map<String, Set<String>> chained = chains(array(attestation, "chains", "attestation.chains"), run);
    List<byte[]> leaves = tasks(array(attestation, "tasks", "attestation.tasks"), runId, run, chained);
    merkleRoot(attestation, run, leaves);
    counts(run);
    if (workspace != null) {
      inputs(workspace);
    }
  }

  private Map<String, RunKey> listedKeys(JsonNode entries) {
    Map<String, RunKey> listed = new LinkedHashMap<>();
    for (JsonNode entry : entries) {
      String keyId = text(entry, "key_id");
      try {
        PublicKey key = Keys.publicKeyFromPem(text(entry, "pem"));
        if (!Keys.keyId(key).equals(keyId)) {
          problems.add("public key " + keyId + ": the PEM beside it is another key (" + Keys.keyId(key) + ")");
          continue;
        }
        listed.put(keyId, new RunKey(key, text(entry, "run_id")));
      } catch (IllegalArgumentException e) {
        problems.add("public key " + keyId + ": " + e.getMessage());
      }
    }
    return listed;
  }

  private RunPredicate runStatement(JsonNode attestation, String runId, String runKeyId) {
    Optional<Opened> opened = open(attestation.path("run_statement"), "the run statement");
    if (opened.isEmpty()) {
      return null;
    }
    RunPredicate run;
    try {
      run = RunPredicate.from(opened.get().statement());
    } catch (IllegalArgumentException e) {
      problems.add("the run statement: " + e.getMessage());
      return null;
    }
    if (!run.runId().equals(runId)) {
      problems.add("the run statement is of run " + run.runId() + ", the results say run " + runId);
    }
    if (!run.keyId().equals(runKeyId)) {
      problems.add("the run statement names key " + run.keyId() + ", the results say " + runKeyId);
    }
    return run;
  }

  /** Checks every chain; returns the hashes of the statements in them, by run and worker. */
  private Map<String, Set<String>> chains(JsonNode chains, RunPredicate run) {
    Map<String, Set<String>> chained = new HashMap<>();
    Map<String, RunPredicate.ChainSummary> signed = new LinkedHashMap<>();
    if (run != null) {
      run.chains().forEach(c -> signed.put(chainKey(c.runId(), c.worker(), c.attempt()), c));
    }
    for (int c = 0; c < chains.size(); c++) {
      JsonNode chain = chains.get(c);
      String chainRun = text(chain, "run_id");
      long worker = count(chain.path("worker"));
      long attempt = count(chain.path("attempt"));
      if (!chain.isObject()) {
        problems.add("attestation.chains[" + c + "] must be an object, got " + kind(chain));
        continue;
      }
      if (worker < 0 || worker > Integer.MAX_VALUE || attempt < 0 || attempt > Integer.MAX_VALUE) {
        problems.add("attestation.chains[" + c + "]: 'worker' and 'attempt' must be whole numbers, got "
            + kind(chain.path("worker")) + " and " + kind(chain.path("attempt")));
        continue;
      }
      String what = "chain of worker " + worker + " attempt " + attempt + " (run " + chainRun
          + (chain.path("pod").isString() ? ", pod " + chain.path("pod").asString() : "") + ")";
      List<byte[]> payloads = new ArrayList<>();
      List<Statement> statements = new ArrayList<>();
      int index = 0;
      for (JsonNode envelope : array(chain, "envelopes", what + ": envelopes")) {
        Optional<Opened> opened = open(envelope, what + ": statement " + index);
        index++;
        if (opened.isEmpty()) {
          continue;
        }
        if (!opened.get().signedInRun().equals(chainRun)) {
          problems.add(what + ": statement " + (index - 1) + " is signed with the key of run "
              + opened.get().signedInRun());
        }
        payloads.add(opened.get().payload());
        statements.add(opened.get().statement());
      }
      linksHold(what, payloads, statements, (int) worker);
      Set<String> hashes = chained.computeIfAbsent(chainRun + "/" + worker, k -> new HashSet<>());
      payloads.forEach(p -> hashes.add(HashChain.hash(p)));
      RunPredicate.ChainSummary summary = signed.remove(chainKey(chainRun, (int) worker, (int) attempt));
      if (run != null && summary == null) {
        problems.add(what + " is not in the signed run statement");
      } else if (summary != null && (!payloads.isEmpty() || index == 0)) {
        // A chain emptied of its statements is compared too; one whose statements did not open was reported.
        String head = payloads.isEmpty() ? HashChain.GENESIS : HashChain.hash(payloads.get(payloads.size() - 1));
        if (summary.statements() != index || !summary.head().equals(head)) {
          problems.add(what + ": holds " + index + " statement(s) ending in " + head + ", the signed run statement"
              + " says " + summary.statements() + " ending in " + summary.head() + " (statements cut, added or"
              + " replaced)");
        }
      }
    }
    signed.values().forEach(c -> problems.add("chain of worker " + c.worker() + " attempt " + c.attempt() + " (run "
        + c.runId() + ") is in the signed run statement but not in the results"));
    return chained;
  }

  private void linksHold(String what, List<byte[]> payloads, List<Statement> statements, int worker) {
    List<ChainLink> links = new ArrayList<>();
    for (int i = 0; i < statements.size(); i++) {
      try {
        ChainLink link = Attestations.chainLink(statements.get(i));
        if (link == null) {
          problems.add(what + ": statement " + i + " is not chained (a launcher's statement in a worker's chain)");
          return;
        }
        links.add(link);
      } catch (IllegalArgumentException e) {
        problems.add(what + ": statement " + i + ": " + e.getMessage());
        return;
      }
    }
    OptionalInt broken = HashChain.verify(payloads,
        p -> Attestations.chainLink(Statement.fromCanonicalBytes(p)).previous());
    if (broken.isPresent()) {
      int i = broken.getAsInt();
      problems.add(what + ": statement " + i + " (" + describe(statements.get(i)) + ") does not follow "
          + (i == 0 ? "the start of the chain" : "statement " + (i - 1) + " (" + describe(statements.get(i - 1)) + ")")
          + ": statements reordered, dropped or inserted");
      return;
    }
    for (int i = 0; i < links.size(); i++) {
      if (links.get(i).sequence() != i) {
        problems.add(what + ": statement " + i + " says it is number " + links.get(i).sequence());
        return;
      }
    }
    for (int i = 0; i < statements.size(); i++) {
      Statement s = statements.get(i);
      if (Attestations.WORKER_SUMMARY.equals(s.predicateType())) {
        if (i != statements.size() - 1) {
          problems.add(what + ": the worker summary is statement " + i + ", not the last");
        } else if (WorkerSummaryPredicate.from(s).worker() != worker) {
          problems.add(what + ": the worker summary is of worker " + WorkerSummaryPredicate.from(s).worker());
        }
      }
    }
  }

  private static String describe(Statement s) {
    return Attestations.TASK.equals(s.predicateType())
        ? "task " + TaskPredicate.from(s).task().id()
        : "worker summary";
  }

  /** Checks each task's record against its statement; returns the statements, the Merkle leaves. */
  private List<byte[]> tasks(JsonNode proofs, String runId, RunPredicate run, Map<String, Set<String>> chained) {
    JsonNode records = array(results, "tasks", "tasks");
    List<byte[]> leaves = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    if (records.size() != proofs.size()) {
      problems.add("tasks[] holds " + records.size() + " record(s) but attestation.tasks " + proofs.size()
          + " statement(s)");
    }
    for (int i = 0; i < Math.min(records.size(), proofs.size()); i++) {
      JsonNode record = records.get(i);
      String id = text(record, "id");
      ids.add(id);
      String what = "task " + id;
      if (!id.equals(text(proofs.get(i), "id"))) {
        problems.add(what + ": tasks[" + i + "] is " + id + " but attestation.tasks[" + i + "] is "
            + text(proofs.get(i), "id") + " (the order differs)");
      }
      Optional<Opened> opened = open(proofs.get(i).path("envelope"), what + ": its statement");
      if (opened.isEmpty()) {
        unopened++;
        continue;
      }
      leaves.add(opened.get().payload());
      task(what, record, opened.get(), runId, chained);
    }
    // A task twice is a task added, whatever the order: named as such, not as another order.
    Map<String, Integer> times = new LinkedHashMap<>();
    for (JsonNode record : records) {
      String id = text(record, "id");
      if (!id.isEmpty()) {
        times.merge(id, 1, Integer::sum);
      }
    }
    times.forEach((id, n) -> {
      if (n > 1) {
        problems.add("task " + id + ": in tasks[] " + n + " times (duplicated)");
      }
    });
    if (run != null) {
      Set<String> present = new LinkedHashSet<>(ids);
      Set<String> signed = new LinkedHashSet<>(run.tasks());
      signed.stream().filter(id -> !present.contains(id)).forEach(id -> problems.add("task " + id
          + ": in the signed run statement but missing from the results (dropped)"));
      present.stream().filter(id -> !signed.contains(id)).forEach(id -> problems.add("task " + id
          + ": in the results but not in the signed run statement (added)"));
      if (present.equals(signed) && ids.size() == present.size() && !ids.equals(run.tasks())) {
        problems.add("tasks[] is not in the order the run statement signed");
      }
    }
    return leaves;
  }

  private void task(String what, JsonNode record, Opened opened, String runId, Map<String, Set<String>> chained) {
    TaskPredicate p;
    try {
      p = TaskPredicate.from(opened.statement());
    } catch (IllegalArgumentException e) {
      problems.add(what + ": its statement: " + e.getMessage());
      return;
    }
    String id = text(record, "id");
    predicates.put(id, p);
    Statement.Subject subject = opened.statement().subject().get(0);
    if (!subject.name().equals(Attestations.recordSubject(id)) || !p.task().id().equals(id)) {
      problems.add(what + ": its statement is the statement of " + subject.name());
    } else {
      try {
        String digest = RecordDigest.sha256(record);
        if (!subject.digest().get(Statement.Subject.SHA256).equals(digest)) {
          problems.add(what + ": the record differs from the one its statement signed (record sha256 " + digest
              + ", signed " + subject.digest().get(Statement.Subject.SHA256) + "): edited after the run");
        }
      } catch (IllegalArgumentException e) {
        // A value RFC 8785 has no form for (2^53 + 1, a lone surrogate): no statement signed such a record.
        problems.add(what + ": the record has no RFC 8785 canonical form, so it is not the one its statement"
            + " signed: " + e.getMessage());
      }
    }
    JsonNode carriedFrom = record.path(RecordDigest.CARRIED_FROM);
    if (!carriedFrom.isString() && !carriedFrom.isNull() && !carriedFrom.isMissingNode()) {
      // The digest leaves the member out whatever it holds, so only its kind keeps it from carrying anything.
      problems.add(what + ": carried_from must be the id of the run it was carried over from, or null, got "
          + kind(carriedFrom));
    }
    String from = carriedFrom.isString() ? carriedFrom.asString() : runId;
    if (!p.runId().equals(from)) {
      problems.add(what + ": its statement is of run " + p.runId() + ", the record says "
          + (carriedFrom.isString() ? "it was carried over from run " + from : "it is of this run"));
    }
    if (!opened.signedInRun().equals(p.runId())) {
      problems.add(what + ": its statement of run " + p.runId() + " is signed with the key of run "
          + opened.signedInRun());
    }
    if (Attestations.BY_WORKER.equals(p.attestedBy())) {
      Set<String> hashes = chained.getOrDefault(p.runId() + "/" + p.worker(), Set.of());
      if (!hashes.contains(HashChain.hash(opened.payload()))) {
        problems.add(what + ": its statement is in no chain of worker " + p.worker() + " (run " + p.runId() + ")");
      }
    } else if (p.error() == null || !"worker_lost".equals(p.error().errorClass())) {
      problems.add(what + ": the launcher signed it, but only a lost task's statement may come from the launcher");
    }
  }

  private void merkleRoot(JsonNode attestation, RunPredicate run, List<byte[]> leaves) {
    if (unopened > 0) {
      // Its leaves are the statements; with some missing, any root recomputed would be a wrong one.
      problems.add("the Merkle root is not checked: " + unopened + " of " + (leaves.size() + unopened)
          + " task statement(s) did not open (above)");
      return;
    }
    String root = MerkleTree.rootHex(leaves);
    String listed = text(attestation, "merkle_root");
    if (!root.equals(listed)) {
      problems.add("the Merkle root over the " + leaves.size() + " task statement(s) is " + root
          + ", attestation.merkle_root says " + attestation.path("merkle_root"));
    }
    if (count(attestation.path("tree_size")) != leaves.size()) {
      problems.add("attestation.tree_size says " + attestation.path("tree_size") + ", the Merkle tree holds "
          + leaves.size() + " task statement(s)");
    }
    if (run != null && (!root.equals(run.merkleRoot()) || run.treeSize() != leaves.size())) {
      problems.add("the Merkle root over the " + leaves.size() + " task statement(s) is " + root
          + ", the signed run statement says " + run.merkleRoot() + " over " + run.treeSize());
    }
  }

  private void counts(RunPredicate run) {
    JsonNode records = results.path("tasks").isArray() ? results.path("tasks") : Json.mapper().createArrayNode();
    int completed = 0;
    int carried = 0;
    for (JsonNode r : records) {
      completed += "completed".equals(text(r, "status")) ? 1 : 0;
      carried += r.path(RecordDigest.CARRIED_FROM).isString() ? 1 : 0;
    }
    int total = records.size();
    Map<String, Integer> actual = new LinkedHashMap<>();
    actual.put("total_tasks", total);
    actual.put("completed_tasks", completed);
    actual.put("failed_tasks", total - completed);
    actual.put("carried_tasks", carried);
    actual.forEach((field, count) -> {
      if (count(results.path(field)) != count) {
        problems.add(field + " says " + results.path(field) + " but the records make " + count);
      }
    });
    if (run != null) {
      List<Integer> signed = List.of(run.totalTasks(), run.completedTasks(), run.failedTasks(), run.carriedTasks());
      if (!signed.equals(List.copyOf(actual.values()))) {
        problems.add("the signed run statement counts " + signed + " (total, completed, failed, carried) but the"
            + " records make " + actual.values());
      }
    }
    Map<String, String> status = new HashMap<>();
    records.forEach(r -> status.put(text(r, "id"), text(r, "status")));
    // task id -> the index of each worker that lists it, in the order of workers[]
    Map<String, List<JsonNode>> listedUnder = new LinkedHashMap<>();
    JsonNode workers = array(results, "workers", "workers");
    for (int i = 0; i < workers.size(); i++) {
      JsonNode w = workers.get(i);
      int done = 0;
      int failed = 0;
      JsonNode ids = array(w, "tasks", "workers[" + i + "].tasks");
      for (int t = 0; t < ids.size(); t++) {
        JsonNode id = ids.get(t);
        if (!id.isString()) {
          problems.add("workers[" + i + "].tasks[" + t + "] must be a task id, got " + kind(id));
        } else {
          listedUnder.computeIfAbsent(id.asString(), k -> new ArrayList<>()).add(w.path("index"));
        }
        String s = status.get(id.isString() ? id.asString() : null);
        done += "completed".equals(s) ? 1 : 0;
        failed += "failed".equals(s) ? 1 : 0;
      }
      if (count(w.path("completed")) != done || count(w.path("failed")) != failed) {
        problems.add("worker " + w.path("index") + " says " + w.path("completed") + " completed and "
            + w.path("failed") + " failed, its tasks' records make " + done + " and " + failed);
      }
    }
    if (results.path("workers").isArray()) { // else that one problem says enough, not one line per task
      workers(records, listedUnder);
    }
  }

  /**
   * Checks {@code workers[]}, which nothing signs, against the signed statements: each task of this
   * run is listed exactly once, under the worker its statement names (the launcher's statement of a
   * lost task names the worker it was lost with); a carried task under none, as no worker of this run
   * ran it; and no id that is not a task of the results.
   *
   * @param listedUnder each task id listed, with the index of every worker listing it
   */
  private void workers(JsonNode records, Map<String, List<JsonNode>> listedUnder) {
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    // A record without an id was reported by the check of its statement.
    records.forEach(r -> {
      if (r.path("id").isString()) {
        byId.putIfAbsent(r.path("id").asString(), r);
      }
    });
    listedUnder.forEach((id, under) -> {
      JsonNode record = byId.get(id);
      String where = String.join(" and ", under.stream().map(w -> "worker " + w).toList());
      if (record == null) {
        problems.add("task " + id + ": listed under " + where + ", but the results hold no such task");
        return;
      }
      JsonNode carriedFrom = record.path(RecordDigest.CARRIED_FROM);
      if (carriedFrom.isString()) {
        problems.add("task " + id + ": carried over from run " + carriedFrom.asString() + ", yet listed under "
            + where + " of this run");
        return;
      }
      if (under.size() > 1) {
        problems.add("task " + id + ": listed more than once in workers[]: under " + where);
      }
      TaskPredicate p = predicates.get(id);
      if (p != null) {
        under.stream().filter(w -> count(w) != p.worker()).distinct().forEach(w -> problems.add("task " + id
            + ": listed under worker " + w + ", but its signed statement names worker " + p.worker()));
      }
    });
    byId.forEach((id, record) -> {
      if (!record.path(RecordDigest.CARRIED_FROM).isString() && !listedUnder.containsKey(id)) {
        TaskPredicate p = predicates.get(id);
        problems.add("task " + id + ": no worker in workers[] lists it"
            + (p == null ? "" : "; its signed statement names worker " + p.worker()));
      }
    });
  }

  /** Every input file the signed statements name, hashed again in {@code workspace}; one that cannot be read is a problem of its own. */
  private void inputs(Path workspace) {
    // path -> recorded sha256 -> tasks
    Map<String, Map<String, List<String>>> recorded = new TreeMap<>();
    predicates.forEach((id, p) -> {
      for (InputFile in : p.inputs()) {
        recorded.computeIfAbsent(in.path(), k -> new TreeMap<>()).computeIfAbsent(in.sha256(), k -> new ArrayList<>())
            .add(id);
      }
    });
    for (Map.Entry<String, Map<String, List<String>>> file : recorded.entrySet()) {
      String path = file.getKey();
      Optional<String> problem = WorkspacePaths.problem(workspace, path);
      if (problem.isPresent()) {
        problems.add("input " + path + " (task " + String.join(", ", tasksOf(file.getValue())) + "): " + problem.get());
        continue;
      }
      String now;
      try {
        now = Hashes.digest(workspace.resolve(path)).sha256();
      } catch (IOException e) {
        problems.add("input " + path + " (task " + String.join(", ", tasksOf(file.getValue())) + "): cannot be read: "
            + IoProblems.why(e));
        continue;
      }
      file.getValue().forEach((sha256, tasks) -> {
        if (!sha256.equals(now)) {
          problems.add("input " + path + " changed: sha256 now " + now + ", recorded " + sha256 + " by task "
              + String.join(", ", tasks));
        }
      });
    }
  }

  private static List<String> tasksOf(Map<String, List<String>> byDigest) {
    return byDigest.values().stream().flatMap(List::stream).distinct().toList();
  }

  /** The statement of an envelope signed by an accepted key, or empty after noting why not. */
  private Optional<Opened> open(JsonNode json, String what) {
    Dsse.Envelope envelope;
    try {
      envelope = Dsse.Envelope.fromJson(json);
    } catch (IllegalArgumentException e) {
      problems.add(what + ": " + e.getMessage());
      return Optional.empty();
    }
    List<String> signers = envelope.signatures().stream().map(Dsse.Signature::keyid).toList();
    Optional<String> keyId = signers.stream().filter(accepted::containsKey).findFirst();
    if (keyId.isEmpty()) {
      problems.add(what + ": signed by " + (signers.isEmpty() ? "nobody" : "key " + String.join(", ", signers))
          + ", not by an accepted key (" + String.join(", ", accepted.keySet()) + ")");
      return Optional.empty();
    }
    RunKey key = accepted.get(keyId.get());
    try {
      Statement statement = Dsse.verifiedStatement(envelope, key.key());
      return Optional.of(new Opened(statement, key.runId(), envelope.payload()));
    } catch (VerificationException e) {
      problems.add(what + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private static String chainKey(String runId, int worker, int attempt) {
    return runId + "/" + worker + "/" + attempt;
  }

  /**
   * A count as the results state it: a JSON integer, or -1 for anything else. Jackson's {@code asInt}
   * would read {@code "4"} and {@code 4.9} as 4, letting an edited count pass.
   */
  private static long count(JsonNode node) {
    return node.isIntegralNumber() && node.canConvertToLong() ? node.longValue() : -1;
  }

  /**
   * The array {@code parent.field}, or an empty one after noting that {@code name} is not an array:
   * a valid results file always has it.
   */
  private JsonNode array(JsonNode parent, String field, String name) {
    JsonNode value = parent.path(field);
    if (value.isArray()) {
      return value;
    }
    problems.add(name + " must be an array, got " + kind(value));
    return Json.mapper().createArrayNode();
  }

  /** A value as a problem names it: a scalar as written, an object or array by its kind alone. */
  private static String kind(JsonNode value) {
    return value.isMissingNode() ? "nothing" : value.isObject() ? "an object" : value.isArray() ? "an array"
        : value.toString();
  }

  /** A string member, or "" when it is missing or not a string. */
  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isString() ? value.asString() : "";
  }
}
