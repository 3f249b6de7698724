package dev.honest.common.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.json.Json;
import dev.honest.common.result.Change;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.ResultLinesTest;
import dev.honest.common.result.TaskError;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class RecordDigestTest {
  /** A completed record with a change: the whole shape of a fix task's record. */
  private static TaskRecord completed() {
    ObjectNode json = Json.mapper().valueToTree(ResultLinesTest.completedRecord());
    json.set("changes", Json.mapper().valueToTree(List.of(new Change("src/app.js", "b".repeat(32), "a".repeat(64),
        "e".repeat(32), "d".repeat(64), "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n"))));
    return Json.mapper().treeToValue(json, TaskRecord.class);
  }

  private static TaskRecord failed() {
    return new TaskRecord("T-002", "Ünïcode \"quoted\"\ttitle \u2028 😀", Priority.LOW, "style", null,
        Action.ANALYZE, 1, null, null, TaskStatus.FAILED, new TaskError("invalid_answer", "line\nbreak \\ and \u0001"),
        "m", null, 2, Instant.parse("2026-11-26T10:00:00.123456789Z"), Instant.parse("2026-11-26T10:00:01Z"),
        List.of(), List.of(), List.of(), List.of());
  }

  @Test
  void aPrintedRecordIsOneCanonicalLineWhoseDigestIsTheRecordsAndWhichReadsBackAsTheRecord() {
    for (TaskRecord record : List.of(completed(), failed())) {
      RecordDigest.Printed printed = RecordDigest.Printed.of(record);
      String line = ResultLines.formatRecord(printed.canonical());

      assertThat(printed.sha256()).isEqualTo(RecordDigest.sha256(record))
          .isEqualTo(RecordDigest.ofText(printed.canonical()));
      assertThat(printed.canonical()).doesNotContain("carried_from").doesNotContain("\n");
      ObjectNode json = Json.mapper().valueToTree(record);
      json.remove("carried_from");
      assertThat(printed.json()).isEqualTo(json);
      ResultLines.PrintedRecord read = ResultLines.parsePrintedRecord(line).orElseThrow();
      assertThat(read.record()).isEqualTo(record);
      // What the launcher takes from the line converts back to the digest the worker signed.
      assertThat(RecordDigest.sha256(read.record())).isEqualTo(RecordDigest.ofText(read.json()));
    }
  }

  @Test
  void aRecordPrintedByTheMapperRatherThanCanonicallyHasTheSameDigestButNotAsText() {
    TaskRecord record = completed();
    String mapperText = Json.mapper().writeValueAsString(record);

    assertThat(RecordDigest.sha256(ResultLines.parseRecord(ResultLines.format(record)).orElseThrow()))
        .isEqualTo(RecordDigest.Printed.of(record).sha256());
    assertThat(RecordDigest.ofText(mapperText)).isNotEqualTo(RecordDigest.Printed.of(record).sha256());
  }

  @Test
  void aCarriedOverRecordIsNotPrintedAsAWorkersOwn() {
    assertThatThrownBy(() -> RecordDigest.Printed.of(completed().carriedOver("run-0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("carried over from run run-0");
  }
}
