package dev.honest.launcher.results;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.TaskRecord;
import java.util.Collection;

/**
 * What running locally saved, derived only from counts the server returned: a call without token
 * counts adds nothing.
 *
 * @param apiCallsAvoided successful LLM calls (each would have been a paid API call)
 * @param promptTokens prompt tokens over all calls, as Ollama counted them
 * @param completionTokens completion tokens over all calls, as Ollama counted them
 * @param paidUsdPer1kTokens the paid price used
 * @param localUsdPer1kTokens the local price used
 * @param paidCostUsd tokens x paid price
 * @param localCostUsd tokens x local price
 * @param estimatedSavingsUsd paid minus local
 */
public record CostSavings(
    long apiCallsAvoided,
    long promptTokens,
    long completionTokens,
    @JsonProperty("paid_usd_per_1k_tokens") double paidUsdPer1kTokens,
    @JsonProperty("local_usd_per_1k_tokens") double localUsdPer1kTokens,
    double paidCostUsd,
    double localCostUsd,
    double estimatedSavingsUsd) {

  /** Sums the calls of every record, failed tasks included: their tokens were really spent. */
  public static CostSavings of(Collection<TaskRecord> records, CostSettings prices) {
    long calls = 0;
    long prompt = 0;
    long completion = 0;
    for (TaskRecord r : records) {
      for (CallRecord c : r.calls()) {
        if (c.succeeded()) {
          calls++;
        }
        prompt += c.promptTokens();
        completion += c.completionTokens();
      }
    }
    double thousands = (prompt + completion) / 1000.0;
    double paid = round(thousands * prices.paidUsdPer1kTokens());
    double local = round(thousands * prices.localUsdPer1kTokens());
    return new CostSavings(calls, prompt, completion, prices.paidUsdPer1kTokens(),
        prices.localUsdPer1kTokens(), paid, local, round(paid - local));
  }

  private static double round(double usd) {
    return Math.round(usd * 1_000_000) / 1_000_000.0;
  }
}
