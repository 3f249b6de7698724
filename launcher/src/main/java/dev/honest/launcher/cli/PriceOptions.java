package dev.honest.launcher.cli;

import dev.honest.launcher.results.CostSettings;
import dev.honest.launcher.results.PriceTable;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The prices behind the cost figures: the paid models to compare with and what running locally costs. */
public final class PriceOptions {
  @Option(names = "--price-table", paramLabel = "FILE",
      description = "Paid API prices per 1M input and output tokens, live and batch (JSON, see the README)."
          + " Default: the built-in table")
  Path priceTable;

  @Option(names = "--paid-model", paramLabel = "MODEL",
      description = "Paid model of the table that estimated_savings_usd compares with. Default: "
          + PriceTable.FLAT_RATE + " (the --paid-price-per-1k rate; with --price-table: that table's default_model)")
  String paidModel;

  @Option(names = "--paid-price-per-1k", paramLabel = "USD", defaultValue = "0.015", converter = UsdConverter.class,
      description = "A flat paid-API reference rate per 1,000 tokens (input and output alike); with the built-in"
          + " table, estimated_savings_usd compares with it. Default: ${DEFAULT-VALUE}")
  double paidPer1k;

  @Option(names = "--local-price-per-1k", paramLabel = "USD", converter = UsdConverter.class,
      description = "Local cost per 1,000 tokens (prompt + completion). Default: "
          + CostSettings.DEFAULT_LOCAL_USD_PER_1K)
  Double localPrice;

  @Option(names = "--cluster-cost-per-hour", paramLabel = "USD", converter = UsdConverter.class,
      description = "What the cluster costs per hour; the local cost is then this x the run's duration"
          + " (instead of --local-price-per-1k)")
  Double clusterPerHour;

  CostSettings settings() {
    if (localPrice != null && clusterPerHour != null) {
      throw LauncherException.invalidInput("--local-price-per-1k and --cluster-cost-per-hour are two ways to"
          + " price the local run; give one");
    }
    try {
      // The flat reference rate is the headline unless the user brought a table of their own.
      PriceTable table = priceTable == null ? PriceTable.builtIn().withFlatRate(paidPer1k, true)
          : PriceTable.read(priceTable).withFlatRate(paidPer1k, false);
      return new CostSettings(table, paidModel,
          localPrice == null ? CostSettings.DEFAULT_LOCAL_USD_PER_1K : localPrice, clusterPerHour);
    } catch (IllegalArgumentException e) {
      throw LauncherException.invalidOption(e, java.util.Map.of("paid model", "--paid-model"));
    }
  }
}
