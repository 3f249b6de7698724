package dev.honest.launcher.results;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.TaskRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What running locally cost and saved against paid APIs, derived only from token counts the server
 * returned: prompt tokens are priced as input, completion tokens as output, and a task without
 * token counts adds nothing. Failed tasks count too: their tokens were really spent.
 *
 * @param apiCallsAvoided successful LLM calls (each would have been a paid API call)
 * @param promptTokens prompt tokens over all calls, as the server counted them
 * @param completionTokens completion tokens over all calls, as the server counted them
 * @param paidModel the paid model the three headline figures compare with
 * @param paidCostUsd the tokens at {@code paidModel}'s live price
 * @param localCostUsd what running locally cost (see {@link LocalCost})
 * @param estimatedSavingsUsd {@code paidCostUsd - localCostUsd}
 * @param local how the local cost was computed
 * @param paid every model of the price table: its prices, live and batch cost, savings against each
 * @param perTask every task with token counts, against {@code paidModel}
 */
public record CostSavings(
    long apiCallsAvoided,
    long promptTokens,
    long completionTokens,
    String paidModel,
    double paidCostUsd,
    double localCostUsd,
    double estimatedSavingsUsd,
    LocalCost local,
    List<PaidCost> paid,
    List<TaskCost> perTask) {

  public CostSavings {
    paid = paid == null ? List.of() : List.copyOf(paid);
    perTask = perTask == null ? List.of() : List.copyOf(perTask);
  }

  /**
   * How the local cost was computed.
   *
   * @param method {@code per_1k_tokens} (tokens x {@code usdPer1kTokens}) or {@code cluster_per_hour}
   *     ({@code hours} x {@code clusterUsdPerHour}; each task's share is its share of the tokens)
   * @param usdPer1kTokens the price per 1,000 tokens, or null
   * @param clusterUsdPerHour the cluster's price per hour, or null
   * @param hours the run's duration in hours, not rounded (so that {@code clusterUsdPerHour} x
   *     {@code hours} is the local cost written), or null
   */
  public record LocalCost(
      String method,
      @JsonProperty("usd_per_1k_tokens") Double usdPer1kTokens,
      Double clusterUsdPerHour,
      Double hours) {}

  /** One paid model: the prices used, what the run's tokens would have cost, and what running locally saved. */
  public record PaidCost(
      ModelPrice price, double liveCostUsd, double batchCostUsd, double savingsVsLiveUsd, double savingsVsBatchUsd) {}

  /** One task's tokens and costs, against the paid model of the headline figures. */
  public record TaskCost(
      String id,
      long promptTokens,
      long completionTokens,
      double localCostUsd,
      double liveCostUsd,
      double batchCostUsd,
      double savingsVsLiveUsd,
      double savingsVsBatchUsd) {}

  /** Sums the calls of every record. */
  public static CostSavings of(Collection<TaskRecord> records, CostSettings settings, Duration runDuration) {
    long calls = 0;
    long prompt = 0;
    long completion = 0;
    for (TaskRecord r : records) {
      calls += r.calls().stream().filter(CallRecord::succeeded).count();
      prompt += r.promptTokens();
      completion += r.completionTokens();
    }
    long tokens = prompt + completion;
    double hours = runDuration.toMillis() / 3_600_000.0;
    boolean perHour = settings.clusterUsdPerHour() != null;
    double local = perHour ? hours * settings.clusterUsdPerHour() : tokens / 1000.0 * settings.localUsdPer1kTokens();
    LocalCost how = perHour
        ? new LocalCost("cluster_per_hour", null, settings.clusterUsdPerHour(), hours)
        : new LocalCost("per_1k_tokens", settings.localUsdPer1kTokens(), null, null);

    List<PaidCost> paid = new ArrayList<>();
    for (ModelPrice p : settings.prices().models()) {
      double live = p.liveUsd(prompt, completion);
      double batch = p.batchUsd(prompt, completion);
      paid.add(new PaidCost(p, round(live), round(batch), saving(live, local), saving(batch, local)));
    }
    ModelPrice headline = settings.paidPrice();
    List<TaskCost> perTask = new ArrayList<>();
    for (TaskRecord r : records) {
      long taskTokens = r.promptTokens() + r.completionTokens();
      if (taskTokens == 0) {
        continue;
      }
      double taskLocal = perHour ? local * taskTokens / tokens : taskTokens / 1000.0 * settings.localUsdPer1kTokens();
      double live = headline.liveUsd(r.promptTokens(), r.completionTokens());
      double batch = headline.batchUsd(r.promptTokens(), r.completionTokens());
      perTask.add(new TaskCost(r.id(), r.promptTokens(), r.completionTokens(), round(taskLocal), round(live),
          round(batch), saving(live, taskLocal), saving(batch, taskLocal)));
    }
    double headlineLive = headline.liveUsd(prompt, completion);
    return new CostSavings(calls, prompt, completion, headline.model(), round(headlineLive), round(local),
        saving(headlineLive, local), how, paid, perTask);
  }

  /**
   * The paid amount as written less the local amount as written: each is rounded to 6 decimals on
   * its own, and the saving next to them is their difference, so that the figures in the file add up.
   */
  private static double saving(double paidUsd, double localUsd) {
    return round(round(paidUsd) - round(localUsd));
  }

  private static double round(double usd) {
    return Math.round(usd * 1_000_000) / 1_000_000.0;
  }
}
