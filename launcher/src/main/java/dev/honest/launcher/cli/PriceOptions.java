package dev.honest.launcher.cli;

import dev.honest.launcher.results.CostSettings;
import picocli.CommandLine.Option;

/** The prices behind the savings estimate. */
public final class PriceOptions {
  @Option(names = "--paid-price-per-1k", paramLabel = "USD", defaultValue = "0.015",
      description = "Paid API price per 1,000 tokens, for the savings estimate. Default: ${DEFAULT-VALUE}")
  double paidPrice;

  @Option(names = "--local-price-per-1k", paramLabel = "USD", defaultValue = "0.002",
      description = "Local cost per 1,000 tokens, for the savings estimate. Default: ${DEFAULT-VALUE}")
  double localPrice;

  CostSettings settings() {
    try {
      return new CostSettings(paidPrice, localPrice);
    } catch (IllegalArgumentException e) {
      throw LauncherException.invalidInput(e.getMessage());
    }
  }
}
