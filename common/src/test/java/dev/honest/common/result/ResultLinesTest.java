package dev.honest.common.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.honest.common.json.Json;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

public class ResultLinesTest {
  private static final String SHA = "a".repeat(64);
  private static final String MD5 = "b".repeat(32);

  /** A completed analysis record with one input, call and finding. */
  public static TaskRecord completedRecord() {
    CallRecord call = new CallRecord("codellama:7b", "http://localhost:11434", "task", 200, 120, 40,
        1_500_000_000L, 1500, "stop", SHA, MD5, SHA, null);
    return new TaskRecord("T-001", "Check XSS", Priority.CRITICAL, "security", "frontend", Action.ANALYZE,
        3, "pod-a", "node-1", TaskStatus.COMPLETED, null, "codellama:7b", "c".repeat(64), 1,
        Instant.parse("2026-11-26T10:00:00Z"), Instant.parse("2026-11-26T10:00:02.5Z"),
        List.of(new InputFile("src/app.js", 10, MD5, SHA, false)), List.of(call),
        List.of(new Finding("src/app.js", 3, "high", "XSS", "innerHTML", "use textContent")), List.of());
  }

  @Test
  void aRecordSurvivesTheRoundTripThroughOneLogLine() {
    TaskRecord record = completedRecord();

    String line = ResultLines.format(record);

    assertThat(line).startsWith("HONEST-RESULT {").doesNotContain("\n");
    assertThat(line).contains("\"model_digest\":\"" + "c".repeat(64) + "\"", "\"status\":\"completed\"",
        "\"priority\":\"critical\"", "\"started_at\":\"2026-11-26T10:00:00Z\"", "\"error\":null");
    assertThat(ResultLines.parseRecord("2026-11-26T10:00:03Z " + line)).contains(record);
  }

  @Test
  void textForPeopleStaysOnOneLineDrivesNoTerminalAndIsNeverReadAsAMachineLine() {
    String hostile = "x\nHONEST-RESULT {}\r\u001b[2K\u0085\u009b\u2028\u2029\u0000\tHONEST-ATTESTATION {}";

    String shown = ResultLines.forPeople(hostile);

    assertThat(shown).isEqualTo("x\\nHONEST\\u002dRESULT {}\\r\\u001b[2K\\u0085\\u009b\\u2028\\u2029\\u0000"
        + "\\tHONEST\\u002dATTESTATION {}");
    assertThat(ResultLines.parsePrintedRecord(shown)).isEmpty();
    assertThat(ResultLines.parseAttestation(shown)).isEmpty();
    assertThat(ResultLines.forPeople("T-1 completed: 2 finding(s), honest-worker")).isEqualTo(
        "T-1 completed: 2 finding(s), honest-worker");
  }

  @Test
  void aRecordsJsonTextIsPrintedAsGivenAndReadBackWithTheRecord() {
    TaskRecord record = completedRecord();
    String text = Json.mapper().writeValueAsString(record).replace(",", ", ");

    String line = ResultLines.formatRecord(text);

    assertThat(line).isEqualTo("HONEST-RESULT " + text);
    assertThat(ResultLines.parsePrintedRecord("2026-11-26T10:00:03Z " + line + "  \r"))
        .contains(new ResultLines.PrintedRecord(record, text));
    assertThat(ResultLines.parsePrintedRecord("[worker-1] T-001 completed")).isEmpty();
    assertThatThrownBy(() -> ResultLines.formatRecord("{\"id\":\n\"T-1\"}")).hasMessageContaining("one line");
    assertThatThrownBy(() -> ResultLines.formatRecord("\n{}")).hasMessageContaining("one line");
    assertThatThrownBy(() -> ResultLines.formatRecord("\r{}")).hasMessageContaining("one line");
    assertThatThrownBy(() -> ResultLines.formatRecord("{}\r")).hasMessageContaining("one line");
    assertThatThrownBy(() -> ResultLines.parsePrintedRecord(line.substring(0, line.length() / 2)))
        .hasMessageContaining("malformed HONEST-RESULT line");
  }

  @Test
  void anAttestationLineKeepsItsEnvelopeAsDsseJson() {
    ObjectNode envelope = Json.mapper().createObjectNode().put("payload", "e30=").put("payloadType", "t");
    envelope.putArray("signatures").addObject().put("keyid", "k").put("sig", "AA==");
    AttestationLine attestation = new AttestationLine(AttestationLine.TASK, "T-001", 3, envelope);

    String line = ResultLines.format(attestation);

    assertThat(line).startsWith("HONEST-ATTESTATION {\"kind\":\"task\",\"task\":\"T-001\",\"worker\":3,")
        .contains("\"payloadType\":\"t\"").doesNotContain("\n");
    assertThat(ResultLines.parseAttestation(line)).contains(attestation);
    assertThat(ResultLines.parseRecord(line)).isEmpty();
    assertThatThrownBy(() -> ResultLines.parseAttestation(line.replace("\"task\",", "\"other\",")))
        .hasMessageContaining("malformed HONEST-ATTESTATION line");
  }

  @Test
  void linesReadWhereTheyStandInALogAreReadAsTheLinesThemselves() {
    ObjectNode envelope = Json.mapper().createObjectNode().put("payload", "e30=").put("payloadType", "t");
    AttestationLine attestation = new AttestationLine(AttestationLine.TASK, "T-001", 3, envelope);
    String recordLine = "2026-11-26T10:00:03Z " + ResultLines.format(completedRecord()) + " \r";
    String attestationLine = ResultLines.format(attestation) + "\t";
    // An emoji makes the log a UTF-16 string, as a worker's log is.
    String log = "[worker-3] \u2705 T-001 completed\n" + recordLine + "\n" + attestationLine + "\n";
    int recordAt = log.indexOf(ResultLines.MARK);
    int recordEnd = log.indexOf('\n', recordAt);
    int attestationAt = log.indexOf(ResultLines.MARK, recordEnd);
    int attestationEnd = log.indexOf('\n', attestationAt);

    assertThat(ResultLines.printedRecordAt(log, recordAt, recordEnd))
        .isEqualTo(ResultLines.parsePrintedRecord(recordLine)).get()
        .extracting(ResultLines.PrintedRecord::record).isEqualTo(completedRecord());
    assertThat(ResultLines.attestationAt(log, attestationAt, attestationEnd))
        .isEqualTo(ResultLines.parseAttestation(attestationLine)).contains(attestation);
    assertThat(ResultLines.attestationAt(log, recordAt, recordEnd)).isEmpty();
    assertThat(ResultLines.printedRecordAt(log, attestationAt, attestationEnd)).isEmpty();
    assertThat(ResultLines.printedRecordAt(log, 0, log.indexOf('\n'))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"kind\":\"task\"", "{\"kind\":\"task\",\"task\":\"T-1\",\"worker\":3,\"envelope\":{}} {}",
      "{\"kind\":\"other\",\"task\":\"T-1\",\"worker\":3,\"envelope\":{}}", ""})
  void aBadAttestationReadWhereItStandsIsRefusedAsTheLineItselfIs(String json) {
    String line = ResultLines.ATTESTATION_PREFIX + json;
    String log = "x\n" + line + "\ny";

    assertThatThrownBy(() -> ResultLines.attestationAt(log, 2, 2 + line.length()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("malformed HONEST-ATTESTATION line")
        .hasMessage(catchThrowable(() -> ResultLines.parseAttestation(line)).getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ",\"envelope\":null", ",\"envelope\":[]", ",\"envelope\":\"e30=\""})
  void anAttestationLineWithoutAnEnvelopeObjectIsRefusedNamingIt(String envelope) {
    String line = "HONEST-ATTESTATION {\"kind\":\"task\",\"task\":\"T-001\",\"worker\":3" + envelope + "}";

    assertThatThrownBy(() -> ResultLines.parseAttestation(line))
        .hasMessageContaining("malformed HONEST-ATTESTATION line").hasMessageContaining("envelope");
  }

  @Test
  void ordinaryLogLinesAreNotResults() {
    assertThat(ResultLines.parseRecord("[worker-1] T-001 completed")).isEmpty();
  }

  @Test
  void aCutOffResultLineIsReportedNotIgnored() {
    String line = ResultLines.format(completedRecord());

    assertThatThrownBy(() -> ResultLines.parseRecord(line.substring(0, line.length() / 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed HONEST-RESULT line");
  }

  @Test
  void aCompletedTaskWithoutASuccessfulCallIsRejected() {
    TaskRecord r = completedRecord();
    assertThatThrownBy(() -> new TaskRecord(r.id(), r.title(), r.priority(), r.category(), r.area(), r.action(),
        r.worker(), r.pod(), r.node(), TaskStatus.COMPLETED, null, r.model(), r.modelDigest(), 0,
        r.startedAt(), r.finishedAt(), r.inputs(), List.of(), r.findings(), r.changes()))
        .hasMessageContaining("completed without a successful LLM call");
  }

  @Test
  void aFailedTaskMustSayWhy() {
    TaskRecord r = completedRecord();
    assertThatThrownBy(() -> new TaskRecord(r.id(), r.title(), r.priority(), r.category(), r.area(), r.action(),
        r.worker(), r.pod(), r.node(), TaskStatus.FAILED, null, r.model(), r.modelDigest(), 1,
        r.startedAt(), r.finishedAt(), r.inputs(), r.calls(), r.findings(), r.changes()))
        .hasMessageContaining("must say why");
  }

  @Test
  void theErrorClassIsWrittenAsClass() {
    String line = ResultLines.format(new WorkerSummary(1, 2, 1, 1, 1, 10));
    assertThat(line).isEqualTo(
        "HONEST-SUMMARY {\"worker\":1,\"assigned\":2,\"completed\":1,\"failed\":1,\"exit_code\":1,\"duration_ms\":10}");
    assertThat(dev.honest.common.json.Json.mapper().writeValueAsString(new TaskError("model_not_found", "m")))
        .isEqualTo("{\"class\":\"model_not_found\",\"message\":\"m\"}");
  }

  @Test
  void aRecordKeepsTheInputsCallsFindingsAndChangesItWasGiven() {
    TaskRecord r = completedRecord();
    Change change = new Change("src/app.js", MD5, SHA, "d".repeat(32), "e".repeat(64), "--- a\n+++ b\n");

    TaskRecord record = new TaskRecord(r.id(), r.title(), r.priority(), r.category(), r.area(), r.action(),
        r.worker(), r.pod(), r.node(), r.status(), null, r.model(), r.modelDigest(), 1, r.startedAt(),
        r.finishedAt(), r.inputs(), r.calls(), r.findings(), List.of(change));

    assertThat(record.inputs()).hasSize(1);
    assertThat(record.calls()).hasSize(1);
    assertThat(record.findings()).hasSize(1);
    assertThat(record.changes()).containsExactly(change);
    assertThat(record.promptTokens()).isEqualTo(120);
    assertThat(record.completionTokens()).isEqualTo(40);
  }

  @Test
  void aCompletedTaskCannotCarryAnError() {
    TaskRecord r = completedRecord();
    assertThatThrownBy(() -> new TaskRecord(r.id(), r.title(), r.priority(), r.category(), r.area(), r.action(),
        r.worker(), r.pod(), r.node(), TaskStatus.COMPLETED, new TaskError("worker_lost", "gone"), r.model(),
        r.modelDigest(), 1, r.startedAt(), r.finishedAt(), r.inputs(), r.calls(), r.findings(), r.changes()))
        .hasMessageContaining("a completed task cannot carry an error");
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 0})
  void aCompletedTaskWhoseCallsAllFailedIsRejected(int httpStatus) {
    TaskRecord r = completedRecord();
    CallRecord failed = new CallRecord("codellama:7b", "http://localhost:11434", "task", httpStatus, 0, 0, 0, 5,
        null, null, null, null, httpStatus == 0 ? "connection refused" : null);
    CallRecord erred = new CallRecord("codellama:7b", "http://localhost:11434", "task", 200, 0, 0, 0, 5,
        null, null, null, null, "invalid JSON");

    assertThat(failed.succeeded()).isFalse();
    assertThat(erred.succeeded()).isFalse();
    assertThatThrownBy(() -> new TaskRecord(r.id(), r.title(), r.priority(), r.category(), r.area(), r.action(),
        r.worker(), r.pod(), r.node(), TaskStatus.COMPLETED, null, r.model(), r.modelDigest(), 2,
        r.startedAt(), r.finishedAt(), r.inputs(), List.of(failed, erred), r.findings(), r.changes()))
        .hasMessageContaining("completed without a successful LLM call");
  }

  @Test
  void aTaskThatFinishedBeforeItStartedIsRejectedAndOneWithoutTimesIsNot() {
    TaskRecord r = completedRecord();
    assertThatThrownBy(() -> new TaskRecord(r.id(), r.title(), r.priority(), r.category(), r.area(), r.action(),
        r.worker(), r.pod(), r.node(), r.status(), null, r.model(), r.modelDigest(), 1,
        r.finishedAt(), r.startedAt(), r.inputs(), r.calls(), r.findings(), r.changes()))
        .hasMessageContaining("finished before it started");
    assertThat(new TaskRecord(r.id(), r.title(), r.priority(), r.category(), r.area(), r.action(),
        r.worker(), r.pod(), r.node(), r.status(), null, r.model(), r.modelDigest(), 1,
        r.startedAt(), r.startedAt(), r.inputs(), r.calls(), r.findings(), r.changes()).finishedAt())
        .isEqualTo(r.startedAt());
    assertThat(new TaskRecord(r.id(), r.title(), r.priority(), r.category(), r.area(), r.action(),
        r.worker(), r.pod(), r.node(), r.status(), null, r.model(), r.modelDigest(), 1,
        null, r.finishedAt(), r.inputs(), r.calls(), r.findings(), r.changes()).startedAt()).isNull();
    assertThat(new TaskRecord(r.id(), r.title(), r.priority(), r.category(), r.area(), r.action(),
        r.worker(), r.pod(), r.node(), r.status(), null, r.model(), r.modelDigest(), 1,
        r.startedAt(), null, r.inputs(), r.calls(), r.findings(), r.changes()).finishedAt()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"A", "g", "/", ":", "`", "G", " "})
  void aDigestMustBeLowercaseHexOfItsExactLength(String bad) {
    String md5 = bad + "0".repeat(31);
    String sha = bad + "0".repeat(63);

    assertThatThrownBy(() -> new InputFile("a.js", 1, md5, SHA, false)).hasMessageContaining("md5");
    assertThatThrownBy(() -> new InputFile("a.js", 1, MD5, sha, false)).hasMessageContaining("sha256");
    assertThatThrownBy(() -> new Change("a.js", md5, SHA, MD5, SHA, "d")).hasMessageContaining("md5_before");
    assertThatThrownBy(() -> new Change("a.js", MD5, sha, MD5, SHA, "d")).hasMessageContaining("sha256_before");
    assertThatThrownBy(() -> new Change("a.js", MD5, SHA, md5, SHA, "d")).hasMessageContaining("md5_after");
    assertThatThrownBy(() -> new Change("a.js", MD5, SHA, MD5, sha, "d")).hasMessageContaining("sha256_after");
    assertThatThrownBy(() -> call(sha, null, null, null)).hasMessageContaining("response_sha256");
    assertThatThrownBy(() -> call(null, md5, null, null)).hasMessageContaining("response_md5");
    assertThatThrownBy(() -> call(null, null, sha, null)).hasMessageContaining("content_sha256");
    assertThatThrownBy(() -> call(null, null, null, sha)).hasMessageContaining("request_sha256");
    assertThatThrownBy(() -> new InputFile("a.js", 1, MD5.substring(1), SHA, false)).hasMessageContaining("md5");
    assertThatThrownBy(() -> new InputFile("a.js", 1, MD5, SHA + "0", false)).hasMessageContaining("sha256");
    assertThatThrownBy(() -> new InputFile("a.js", 1, null, SHA, false)).hasMessageContaining("md5");
  }

  @Test
  void everyLowercaseHexDigitIsAcceptedInADigestAndACallMayLeaveItsDigestsOut() {
    String md5 = "0123456789abcdef".repeat(2);
    String sha = "0123456789abcdef".repeat(4);

    assertThat(new InputFile("a.js", 1, md5, sha, false).sha256()).isEqualTo(sha);
    assertThat(new Change("a.js", md5, sha, md5, sha, "d").md5After()).isEqualTo(md5);
    assertThat(call(sha, md5, sha, sha).requestSha256()).isEqualTo(sha);
    assertThat(call(null, null, null, null).responseSha256()).isNull();
  }

  @Test
  void aCallMayCountZeroTokensButNeverANegativeNumber() {
    CallRecord zero = new CallRecord("m", "u", "task", 200, 0, 0, 0, 1, "stop", null, null, null, null);
    assertThat(zero.succeeded()).isTrue();
    assertThatThrownBy(() -> new CallRecord("m", "u", "task", 200, -1, 0, 0, 1, "stop", null, null, null, null))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> new CallRecord("m", "u", "task", 200, 0, -1, 0, 1, "stop", null, null, null, null))
        .hasMessageContaining("negative");
  }

  @Test
  void aFindingWithFieldsLeftOutReadsAsEmptyTextAtLineZeroOfSeverityInfo() {
    assertThat(new Finding(null, -5, null, null, null, null)).isEqualTo(new Finding("", 0, "info", "", "", ""));
    Finding full = new Finding("a.js", 3, "high", "t", "d", "s");
    assertThat(full.file()).isEqualTo("a.js");
    assertThat(full.line()).isEqualTo(3);
    assertThat(full.severity()).isEqualTo("high");
    assertThat(full.title()).isEqualTo("t");
    assertThat(full.detail()).isEqualTo("d");
    assertThat(full.suggestion()).isEqualTo("s");
  }

  @Test
  void aTaskAttestationMustNameItsTaskAndAWorkerSummaryNeedNot() {
    ObjectNode envelope = Json.mapper().createObjectNode();
    assertThatThrownBy(() -> new AttestationLine(AttestationLine.TASK, " ", 3, envelope))
        .hasMessageContaining("must name its task");
    assertThatThrownBy(() -> new AttestationLine(AttestationLine.TASK, null, 3, envelope))
        .hasMessageContaining("must name its task");
    assertThat(new AttestationLine(AttestationLine.WORKER_SUMMARY, null, 3, envelope).task()).isNull();
  }

  private static CallRecord call(String responseSha256, String responseMd5, String contentSha256,
      String requestSha256) {
    return new CallRecord("m", "u", "task", 200, 1, 1, 0, 1, "stop", responseSha256, responseMd5, contentSha256,
        null, requestSha256);
  }
}
