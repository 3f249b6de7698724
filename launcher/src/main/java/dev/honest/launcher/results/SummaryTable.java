package dev.honest.launcher.results;

import dev.honest.common.result.TaskRecord;
import dev.honest.common.text.Escaped;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * The summary people read at the end of a run. What it quotes from the results (task ids, error
 * messages, problems) is shown {@linkplain Escaped#oneLine(String) on one line, control characters escaped}.
 */
public final class SummaryTable {
  private SummaryTable() {}

  public static String render(ClusterResults r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-4s %-16s %-34s %-10s %5s %5s %9s%n",
        "#", "JOB", "NAME", "STATUS", "DONE", "FAIL", "TIME"));
    for (WorkerResult w : r.workers()) {
      b.append(String.format(Locale.ROOT, "%-4d %-16s %-34s %-10s %5d %5d %8.1fs%n",
          w.index(), w.job(), truncate(w.name(), 34), w.status(), w.completed(), w.failed(), w.duration()));
    }
    b.append(String.format(Locale.ROOT, "%nTasks: %d | Completed: %d | Failed: %d%s | Time: %.1fs%n",
        r.totalTasks(), r.completedTasks(), r.failedTasks(),
        r.carriedTasks() == 0 ? "" : " | Carried over: " + r.carriedTasks(), r.totalDuration()));
    CostSavings c = r.costSavings();
    CostSavings.LocalCost local = c.local();
    b.append(String.format(Locale.ROOT, "LLM calls: %d | Tokens: %d prompt + %d completion | Local: $%.4f (%s)%n",
        c.apiCallsAvoided(), c.promptTokens(), c.completionTokens(), c.localCostUsd(),
        local.clusterUsdPerHour() != null
            ? String.format(Locale.ROOT, "$%s/h x %.2f h", decimal(local.clusterUsdPerHour()), local.hours())
            : String.format(Locale.ROOT, "$%s per 1K tokens", decimal(local.usdPer1kTokens()))));
    for (CostSavings.PaidCost p : c.paid()) {
      b.append(String.format(Locale.ROOT, "  %-20s live $%.4f (%s) | batch $%.4f (%s) | prices of %s%n",
          p.price().model(), p.liveCostUsd(), saving(p.savingsVsLiveUsd()), p.batchCostUsd(),
          saving(p.savingsVsBatchUsd()), p.price().priceDate()));
    }
    for (TaskRecord t : r.tasks()) {
      if (!t.completed()) {
        // The id comes from the task file, the message may quote a model's answer: each shown on its line.
        b.append("  failed ").append(Escaped.oneLine(t.id())).append(" [")
            .append(Escaped.oneLine(t.error().errorClass())).append("] ")
            .append(Escaped.oneLine(t.error().message())).append(System.lineSeparator());
      }
    }
    for (String p : r.problems()) {
      b.append("  note: ").append(Escaped.oneLine(p)).append(System.lineSeparator());
    }
    return b.toString();
  }

  private static String saving(double usd) {
    return usd >= 0 ? String.format(Locale.ROOT, "local saves $%.4f", usd)
        : String.format(Locale.ROOT, "local costs $%.4f more", -usd);
  }

  /** A price as typed: {@code 0.0001}, not {@code 1.0E-4}. */
  private static String decimal(double usd) {
    return BigDecimal.valueOf(usd).stripTrailingZeros().toPlainString();
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
