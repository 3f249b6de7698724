package dev.honest.common.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.config.GenerationOptions;
import dev.honest.common.json.Json;
import dev.honest.common.proof.Dsse;
import dev.honest.common.proof.HashChain;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.proof.Statement;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.Change;
import dev.honest.common.result.InputFile;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class TaskPredicateTest {
  private static final String SHA = "a".repeat(64);
  private static final String MD5 = "b".repeat(32);
  private static final TaskSpec SPEC = new TaskSpec("T-1", "Fix the query", "Use parameters.", Priority.HIGH,
      "security", "api", List.of("src/db.js"), Action.FIX, null);

  private static TaskRecord record() {
    CallRecord call = new CallRecord("codellama:7b", "http://ollama:11434", "src/db.js#1/1", 200, 120, 40,
        1_500_000_000L, 1500, "stop", SHA, MD5, SHA, null, "c".repeat(64));
    return new TaskRecord("T-1", "Fix the query", Priority.HIGH, "security", "api", Action.FIX, 2, "pod-a", "node-1",
        TaskStatus.COMPLETED, null, "codellama:7b", "d".repeat(64), 1, Instant.parse("2026-11-26T10:00:00Z"),
        Instant.parse("2026-11-26T10:00:02.5Z"), List.of(new InputFile("src/db.js", 10, MD5, SHA, false)),
        List.of(call), List.of(),
        List.of(new Change("src/db.js", MD5, SHA, "e".repeat(32), "f".repeat(64), "--- a/src/db.js\n+++ b/src/db.js\n")));
  }

  @Test
  void theRecordDigestIsTheSameFromTheRecordAndFromItsPrettyPrintedJsonAndIgnoresCarriedFrom() {
    TaskRecord record = record();
    JsonNode reread = Json.mapper().readTree(Json.pretty().writeValueAsString(record));

    assertThat(RecordDigest.sha256(reread)).isEqualTo(RecordDigest.sha256(record));
    assertThat(RecordDigest.sha256(record.carriedOver("run-0"))).isEqualTo(RecordDigest.sha256(record));
    ((ObjectNode) reread).put("attempts", 2);
    assertThat(RecordDigest.sha256(reread)).isNotEqualTo(RecordDigest.sha256(record));
  }

  @Test
  void aStatementNamesTheRecordAndEachChangedFilesNewContentAndReadsBackThroughItsSignature() throws Exception {
    TaskRecord record = record();
    GenerationOptions options = new GenerationOptions(0.2, 7, 4096, 512, 4);
    ChainLink link = new ChainLink(0, HashChain.GENESIS);
    Statement statement = TaskPredicate.of("run-1", Attestations.BY_WORKER, SPEC, record, options, "3", link)
        .statement(record);
    SigningKey key = SigningKey.generate();

    Statement read = Dsse.verifiedStatement(Dsse.sign(statement, key), key.publicKey());

    assertThat(read.predicateType()).isEqualTo("https://honest.dev/attestation/task/v1");
    assertThat(read.subject()).containsExactly(
        Statement.Subject.sha256("task-record/T-1", RecordDigest.sha256(record)),
        new Statement.Subject("src/db.js", Map.of("sha256", "f".repeat(64), "md5", "e".repeat(32))));
    TaskPredicate p = TaskPredicate.from(read);
    assertThat(p).isEqualTo(TaskPredicate.of("run-1", "worker", SPEC, record, options, "3", link));
    assertThat(p.calls().get(0).requestSha256()).isEqualTo("c".repeat(64));
    assertThat(p.inputs()).as("the files read are signed").isEqualTo(record.inputs());
    assertThat(read.predicate().get("inputs").get(0).get("sha256").stringValue()).isEqualTo(SHA);
    assertThat(Attestations.chainLink(read)).isEqualTo(link);
  }

  @Test
  void aStatementFromTheRecordAsPrintedHasTheBytesOfOneConvertedFromTheRecordAndPredicateWhole() {
    TaskRecord record = record();
    ChainLink link = new ChainLink(3, SHA);
    TaskPredicate fromRecord = TaskPredicate.of("run-1", Attestations.BY_WORKER, SPEC, record,
        GenerationOptions.DEFAULTS, "3", link);
    // A predicate whose calls are not the record's: its own are signed.
    TaskPredicate ownCalls = new TaskPredicate("run-1", Attestations.BY_WORKER, SPEC, record.inputs(), "m", null,
        GenerationOptions.DEFAULTS, "3", List.of(), 2, null, null, null, Instant.EPOCH, TaskStatus.COMPLETED, null, link);

    // A predicate whose inputs are not the record's: its own are signed.
    TaskPredicate ownInputs = new TaskPredicate("run-1", Attestations.BY_WORKER, SPEC, List.of(), "m", null,
        GenerationOptions.DEFAULTS, "3", record.calls(), 2, null, null, null, Instant.EPOCH, TaskStatus.COMPLETED, null,
        link);

    for (TaskPredicate predicate : List.of(fromRecord, ownCalls, ownInputs)) {
      Statement whole = new Statement(List.of(Statement.Subject.sha256("task-record/T-1", RecordDigest.sha256(record)),
          new Statement.Subject("src/db.js", Map.of("sha256", "f".repeat(64), "md5", "e".repeat(32)))),
          Attestations.TASK, Json.mapper().valueToTree(predicate));

      assertThat(predicate.statement(record, RecordDigest.Printed.of(record)).canonicalBytes())
          .isEqualTo(predicate.statement(record).canonicalBytes())
          .isEqualTo(whole.canonicalBytes());
    }
    ObjectNode another = Json.mapper().valueToTree(record);
    another.put("id", "T-2");
    RecordDigest.Printed printedOther = RecordDigest.Printed.of(Json.mapper().treeToValue(another, TaskRecord.class));
    assertThatThrownBy(() -> fromRecord.statement(record, printedOther)).hasMessageContaining("is not that record's");
  }

  @Test
  void aWorkersStatementMustBeChainedAndTheLaunchersMustNot() {
    TaskRecord record = record();

    assertThatThrownBy(() -> TaskPredicate.of("run-1", "worker", SPEC, record, GenerationOptions.DEFAULTS, "1", null))
        .hasMessageContaining("a worker's statement is chained");
    assertThatThrownBy(() -> TaskPredicate.of("run-1", "launcher", SPEC, record, GenerationOptions.DEFAULTS, "1",
        new ChainLink(0, HashChain.GENESIS))).hasMessageContaining("the launcher's is not");
  }

  @Test
  void aLinkNamesThePreviousStatementByItsSha256InLowercaseHex() {
    String everyDigit = "0123456789abcdef".repeat(4);
    assertThat(new ChainLink(1, everyDigit).previous()).isEqualTo(everyDigit);
    for (String bad : List.of("A", "g", "/", ":", "`", "G")) {
      assertThatThrownBy(() -> new ChainLink(1, bad + "0".repeat(63))).hasMessageContaining("64 lowercase hex digits");
    }
    assertThatThrownBy(() -> new ChainLink(1, SHA + "0")).hasMessageContaining("64 lowercase hex digits");
    assertThatThrownBy(() -> new ChainLink(-1, SHA)).hasMessageContaining("must not be negative");
  }

  @Test
  void onlyTheFirstLinkOfAChainNamesTheGenesis() {
    assertThatThrownBy(() -> new ChainLink(1, HashChain.GENESIS)).hasMessageContaining("only it, names the genesis");
    assertThatThrownBy(() -> new ChainLink(0, SHA)).hasMessageContaining("only it, names the genesis");
  }

  @Test
  void aWorkerSummaryFollowsAsManyTaskStatementsAsItsSequenceSays() {
    assertThatThrownBy(() -> new WorkerSummaryPredicate("run-1", 1, "p", null, 2, 2, 0, 0, 1, new ChainLink(2, SHA)))
        .hasMessageContaining("follows 1 task statements but sits at chain sequence 2");
    Statement s = new WorkerSummaryPredicate("run-1", 1, "p", null, 2, 2, 0, 0, 2, new ChainLink(2, SHA)).statement();
    assertThat(s.subject()).containsExactly(Statement.Subject.sha256("worker-chain/1", SHA));
    assertThat(WorkerSummaryPredicate.from(s).taskStatements()).isEqualTo(2);
  }

  @Test
  void aStatementOfAnotherTypeIsNotReadAsATaskStatement() {
    Statement summary = new WorkerSummaryPredicate("run-1", 1, "p", null, 0, 0, 0, 0, 0,
        new ChainLink(0, HashChain.GENESIS)).statement();

    assertThatThrownBy(() -> TaskPredicate.from(summary))
        .hasMessageContaining("predicateType is https://honest.dev/attestation/worker-summary/v1");
  }
}
