package dev.honest.launcher.results;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.LocalDate;

/**
 * What a paid API charges for one model, in USD per 1,000,000 tokens, input (prompt) and output
 * (completion) separately, live and through the provider's batch API. The date and the source of
 * the price travel with it, so that every figure computed from it can be checked.
 *
 * @param model the paid model's name, e.g. {@code claude-sonnet-5.5}
 * @param provider who sells it
 * @param priceDate when the price was read from {@code source}
 * @param source the page the price was read from
 */
public record ModelPrice(
    String model,
    String provider,
    @JsonProperty("input_usd_per_1m") Double inputUsdPer1m,
    @JsonProperty("output_usd_per_1m") Double outputUsdPer1m,
    @JsonProperty("batch_input_usd_per_1m") Double batchInputUsdPer1m,
    @JsonProperty("batch_output_usd_per_1m") Double batchOutputUsdPer1m,
    LocalDate priceDate,
    String source) {

  private static final double MILLION = 1_000_000.0;

  public ModelPrice {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("a model has no name");
    }
    price(model, "input_usd_per_1m", inputUsdPer1m);
    price(model, "output_usd_per_1m", outputUsdPer1m);
    price(model, "batch_input_usd_per_1m", batchInputUsdPer1m);
    price(model, "batch_output_usd_per_1m", batchOutputUsdPer1m);
    if (priceDate == null) {
      throw new IllegalArgumentException("model " + model + ": price_date is missing");
    }
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("model " + model + ": source is missing");
    }
  }

  private static void price(String model, String field, Double usd) {
    if (usd == null || usd < 0 || usd.isNaN() || usd.isInfinite()) {
      throw new IllegalArgumentException("model " + model + ": " + field
          + " must be a non-negative number, got " + usd);
    }
  }

  /** What the tokens would cost through the live API. */
  public double liveUsd(long promptTokens, long completionTokens) {
    return (promptTokens * inputUsdPer1m + completionTokens * outputUsdPer1m) / MILLION;
  }

  /** What the tokens would cost through the batch API. */
  public double batchUsd(long promptTokens, long completionTokens) {
    return (promptTokens * batchInputUsdPer1m + completionTokens * batchOutputUsdPer1m) / MILLION;
  }
}
