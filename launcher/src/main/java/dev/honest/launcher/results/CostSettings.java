package dev.honest.launcher.results;

/**
 * Prices used to turn the server's token counts into money. The figures are written next to the
 * results so that anyone can redo the arithmetic.
 *
 * @param paidUsdPer1kTokens what a paid API would charge per 1,000 tokens (default $0.015)
 * @param localUsdPer1kTokens what the cluster costs per 1,000 tokens (default $0.002)
 */
public record CostSettings(double paidUsdPer1kTokens, double localUsdPer1kTokens) {
  public static final CostSettings DEFAULTS = new CostSettings(0.015, 0.002);

  public CostSettings {
    if (paidUsdPer1kTokens < 0 || localUsdPer1kTokens < 0) {
      throw new IllegalArgumentException("prices per 1K tokens must not be negative");
    }
  }
}
