package dev.honest.launcher.results;

/**
 * How tokens become money: the paid prices to compare with, and what running locally costs,
 * either per 1,000 tokens or per hour of the cluster. The figures are written next to the results
 * so that anyone can redo the arithmetic.
 *
 * @param prices the paid models
 * @param paidModel the model the headline savings compare with; null means the table's default
 * @param localUsdPer1kTokens local cost per 1,000 tokens (prompt + completion); used when
 *     {@code clusterUsdPerHour} is null
 * @param clusterUsdPerHour what the cluster costs per hour, or null; when set, the local cost is
 *     this times the run's duration
 */
public record CostSettings(PriceTable prices, String paidModel, double localUsdPer1kTokens, Double clusterUsdPerHour) {
  /** The local price per 1,000 tokens when none is given. */
  public static final double DEFAULT_LOCAL_USD_PER_1K = 0.002;

  public CostSettings {
    if (prices == null) {
      throw new IllegalArgumentException("no price table");
    }
    paidModel = paidModel == null ? prices.defaultModel() : paidModel;
    String model = paidModel;
    if (prices.price(model).isEmpty()) {
      throw new IllegalArgumentException("paid model " + model + " is not in the price table (it has "
          + String.join(", ", prices.models().stream().map(ModelPrice::model).toList()) + ")");
    }
    if (!(localUsdPer1kTokens >= 0) || clusterUsdPerHour != null && !(clusterUsdPerHour >= 0)) {
      throw new IllegalArgumentException("local prices must not be negative");
    }
  }

  /** The built-in prices and the default local price per 1,000 tokens. */
  /** The flat paid reference rate per 1,000 tokens the headline savings compare with by default. */
  public static final double DEFAULT_PAID_USD_PER_1K = 0.015;

  public static CostSettings defaults() {
    return new CostSettings(PriceTable.builtIn().withFlatRate(DEFAULT_PAID_USD_PER_1K, true), null,
        DEFAULT_LOCAL_USD_PER_1K, null);
  }

  ModelPrice paidPrice() {
    return prices.price(paidModel).orElseThrow();
  }
}
