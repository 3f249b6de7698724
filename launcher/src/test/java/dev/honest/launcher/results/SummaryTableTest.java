package dev.honest.launcher.results;

import static dev.honest.launcher.TestRecords.call;
import static dev.honest.launcher.TestRecords.completed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.result.TaskError;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.task.Action;
import dev.honest.launcher.TestRecords;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTableTest {
  private static final PriceTable TABLE = new PriceTable("big", List.of(
      new ModelPrice("big", "Acme", 2.0, 10.0, 1.0, 5.0, LocalDate.parse("2026-11-01"), "https://acme.example"),
      new ModelPrice("small", "Acme", 0.1, 0.4, 0.05, 0.2, LocalDate.parse("2026-10-01"), "https://acme.example")));

  @Test
  void theSummaryComparesTheLocalCostWithEveryPaidModelLiveAndBatch() {
    ClusterResults r = TestRecords.results(List.of(
        completed("T-1", Action.ANALYZE, "security", List.of(), List.of(), List.of(), call(100_000, 20_000))));
    ClusterResults priced = new ClusterResults(r.runId(), r.startTime(), r.endTime(), r.totalDuration(),
        r.totalTasks(), r.completedTasks(), r.failedTasks(), 0, r.workers(), r.tasks(),
        CostSavings.of(r.tasks(), new CostSettings(TABLE, null, 0.001, null), Duration.ofMinutes(5)), List.of(), null);

    String summary = SummaryTable.render(priced);

    // 120,000 tokens x $0.001/1K = $0.12 locally; big: $0.40 live, $0.20 batch; small: $0.018 live, $0.009 batch.
    assertThat(summary).contains("LLM calls: 1 | Tokens: 100000 prompt + 20000 completion | Local: $0.1200 ($0.001 per 1K tokens)",
        "big                  live $0.4000 (local saves $0.2800) | batch $0.2000 (local saves $0.0800) | prices of 2026-11-01",
        "small                live $0.0180 (local costs $0.1020 more) | batch $0.0090 (local costs $0.1110 more)");
  }

  /** A price of a tenth of a cent per 1,000 tokens, or a cent an hour, reads as typed, not in scientific notation. */
  @Test
  void aSmallLocalPriceIsShownAsADecimalNumber() {
    ClusterResults r = TestRecords.results(List.of(
        completed("T-1", Action.ANALYZE, "security", List.of(), List.of(), List.of(), call(100_000, 20_000))));
    for (CostSettings settings : List.of(new CostSettings(TABLE, null, 0.0001, null),
        new CostSettings(TABLE, null, 0.002, 0.00005))) {
      ClusterResults priced = new ClusterResults(r.runId(), r.startTime(), r.endTime(), r.totalDuration(),
          r.totalTasks(), r.completedTasks(), r.failedTasks(), 0, r.workers(), r.tasks(),
          CostSavings.of(r.tasks(), settings, Duration.ofHours(2)), List.of(), null);

      String summary = SummaryTable.render(priced);

      assertThat(summary).doesNotContain("E-").containsAnyOf("Local: $0.0120 ($0.0001 per 1K tokens)",
          "Local: $0.0001 ($0.00005/h x 2.00 h)");
    }
  }

  @Test
  void untrustedTextInAFailureOrANoteCannotPrintALineOfItsOwnNorDriveTheTerminal() {
    // A model's answer quoted in the error, a task id from the task file, a task id from a worker's log.
    TaskRecord t = TestRecords.failed("T-2\u001b]0;all done\u0007", Action.ANALYZE, List.of(), call(10, 2));
    TaskRecord failed = new TaskRecord(t.id(), t.title(), t.priority(), t.category(), t.area(), t.action(), t.worker(),
        t.pod(), t.node(), t.status(), new TaskError("invalid_model_output",
            "findings[0].file: \"x\n\nTasks: 2 | Completed: 2 | Failed: 0\r\u001b[1A\u001b[2K\u0085\" is not one of the"
                + " task's files"), t.model(), t.modelDigest(), t.attempts(), t.startedAt(), t.finishedAt(), t.inputs(),
        t.calls(), t.findings(), t.changes());
    ClusterResults r = TestRecords.results(List.of(
        completed("T-1", Action.ANALYZE, "security", List.of(), List.of(), List.of(), call(10, 2)), failed));
    ClusterResults noted = new ClusterResults(r.runId(), r.startTime(), r.endTime(), r.totalDuration(), r.totalTasks(),
        r.completedTasks(), r.failedTasks(), 0, r.workers(), r.tasks(), r.costSavings(),
        List.of("k8s-worker-1 log line 4: record for task T-9\u2028Tasks: 9 | Completed: 9, which is not in the plan;"
            + " ignored"), null);

    String summary = SummaryTable.render(noted);

    assertThat(summary.lines().filter(l -> l.startsWith("Tasks:"))).singleElement().asString()
        .startsWith("Tasks: 2 | Completed: 1 | Failed: 1");
    assertThat(summary.lines()).allSatisfy(l -> assertThat(
        l.chars().filter(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)).as(l).isEmpty());
    assertThat(summary).contains("  failed T-2\\u001b]0;all done\\u0007 [invalid_model_output] findings[0].file: "
        + "\"x\\n\\nTasks: 2 | Completed: 2 | Failed: 0\\r\\u001b[1A\\u001b[2K\\u0085\" is not one of the task's files",
        "  note: k8s-worker-1 log line 4: record for task T-9\\u2028Tasks: 9");
  }
}
