package dev.honest.launcher.results;

import static dev.honest.launcher.TestRecords.call;
import static dev.honest.launcher.TestRecords.completed;
import static org.assertj.core.api.Assertions.assertThat;

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
}
