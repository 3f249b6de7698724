package dev.honest.launcher.results;

import static dev.honest.launcher.TestRecords.call;
import static dev.honest.launcher.TestRecords.completed;
import static dev.honest.launcher.TestRecords.failedCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.honest.common.result.TaskRecord;
import dev.honest.common.task.Action;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostSavingsTest {
  private static final ModelPrice BIG = new ModelPrice("big", "Acme", 2.0, 10.0, 1.0, 5.0,
      LocalDate.parse("2026-11-01"), "https://acme.example/pricing");
  private static final ModelPrice SMALL = new ModelPrice("small", "Acme", 1.0, 4.0, 0.5, 2.0,
      LocalDate.parse("2026-11-01"), "https://acme.example/pricing");
  private static final PriceTable TABLE = new PriceTable("big", List.of(BIG, SMALL));

  // T-1: 2,000 prompt and 1,000 completion tokens over two calls (the refused one counted too);
  // T-2: 500 and 500; T-3: a successful call without token counts.
  private final List<TaskRecord> records = List.of(
      completed("T-1", Action.ANALYZE, "security", List.of(), List.of(), List.of(), failedCall(1000, 500),
          call(1000, 500)),
      completed("T-2", Action.ANALYZE, "security", List.of(), List.of(), List.of(), call(500, 500)),
      completed("T-3", Action.ANALYZE, "security", List.of(), List.of(), List.of(), call(0, 0)));

  @Test
  void promptTokensArePricedAsInputAndCompletionTokensAsOutputLiveAndBatch() {
    CostSavings c = CostSavings.of(records, new CostSettings(TABLE, null, 0.002, null), Duration.ofMinutes(10));

    assertThat(c.apiCallsAvoided()).isEqualTo(3);
    assertThat(c.promptTokens()).isEqualTo(2500);
    assertThat(c.completionTokens()).isEqualTo(1500);
    // big: 2,500 x $2/1M + 1,500 x $10/1M = $0.02 live; half in batch. Local: 4,000 tokens x $0.002/1K.
    CostSavings.PaidCost big = c.paid().get(0);
    assertThat(big.price()).isEqualTo(BIG);
    assertThat(big.liveCostUsd()).isEqualTo(0.02);
    assertThat(big.batchCostUsd()).isEqualTo(0.01);
    assertThat(c.localCostUsd()).isEqualTo(0.008);
    assertThat(big.savingsVsLiveUsd()).isEqualTo(0.012);
    assertThat(big.savingsVsBatchUsd()).isEqualTo(0.002);
    // small: 2,500 x $1/1M + 1,500 x $4/1M = $0.0085 live, $0.00425 batch: dearer locally than in batch.
    CostSavings.PaidCost small = c.paid().get(1);
    assertThat(small.liveCostUsd()).isEqualTo(0.0085);
    assertThat(small.batchCostUsd()).isEqualTo(0.00425);
    assertThat(small.savingsVsBatchUsd()).isEqualTo(-0.00375);
    assertThat(c.paidModel()).isEqualTo("big");
    assertThat(c.paidCostUsd()).isEqualTo(0.02);
    assertThat(c.estimatedSavingsUsd()).isEqualTo(0.012);
    assertThat(c.local()).isEqualTo(new CostSavings.LocalCost("per_1k_tokens", 0.002, null, null));
  }

  @Test
  void eachTaskIsPricedOnItsOwnTokensAndATaskWithoutTokensAddsNothing() {
    CostSavings c = CostSavings.of(records, new CostSettings(TABLE, "small", 0.002, null), Duration.ofMinutes(10));

    assertThat(c.perTask()).extracting(CostSavings.TaskCost::id).containsExactly("T-1", "T-2");
    CostSavings.TaskCost t1 = c.perTask().get(0);
    // small: 2,000 x $1/1M + 1,000 x $4/1M = $0.006 live, $0.003 batch; local 3,000 x $0.002/1K = $0.006.
    assertThat(t1).isEqualTo(new CostSavings.TaskCost("T-1", 2000, 1000, 0.006, 0.006, 0.003, 0.0, -0.003));
    CostSavings.TaskCost t2 = c.perTask().get(1);
    assertThat(t2).isEqualTo(new CostSavings.TaskCost("T-2", 500, 500, 0.002, 0.0025, 0.00125, 0.0005, -0.00075));
    assertThat(c.paidModel()).isEqualTo("small");
    assertThat(c.paidCostUsd()).isCloseTo(t1.liveCostUsd() + t2.liveCostUsd(), within(1e-12));

    CostSavings withoutT3 = CostSavings.of(records.subList(0, 2), new CostSettings(TABLE, "small", 0.002, null),
        Duration.ofMinutes(10));
    assertThat(withoutT3.paid()).isEqualTo(c.paid());
    assertThat(withoutT3.perTask()).isEqualTo(c.perTask());
  }

  @Test
  void aClusterPricedByTheHourCostsItsRateTimesTheRunAndEachTaskItsShareOfTheTokens() {
    CostSavings c = CostSavings.of(records, new CostSettings(TABLE, null, 0.002, 3.6), Duration.ofMinutes(5));

    // 5 minutes at $3.60/h = $0.30, whatever the tokens.
    assertThat(c.localCostUsd()).isEqualTo(0.3);
    assertThat(c.local()).isEqualTo(new CostSavings.LocalCost("cluster_per_hour", null, 3.6, 5 / 60.0));
    assertThat(c.estimatedSavingsUsd()).isEqualTo(0.02 - 0.3, within(1e-9));
    // T-1 has 3,000 of the 4,000 tokens, T-2 1,000.
    assertThat(c.perTask()).extracting(CostSavings.TaskCost::localCostUsd).containsExactly(0.225, 0.075);
  }

  @Test
  void theBuiltInTableNamesTheDateAndSourceOfEveryPriceAndBatchIsHalfOfLive() {
    PriceTable table = PriceTable.builtIn();

    assertThat(table.models()).hasSizeBetween(2, 4);
    assertThat(table.price(table.defaultModel())).isPresent();
    for (ModelPrice p : table.models()) {
      assertThat(p.source()).as(p.model()).startsWith("https://");
      assertThat(p.priceDate()).as(p.model()).isAfter(LocalDate.parse("2026-01-01"));
      assertThat(p.batchInputUsdPer1m()).as(p.model()).isEqualTo(p.inputUsdPer1m() / 2);
      assertThat(p.batchOutputUsdPer1m()).as(p.model()).isEqualTo(p.outputUsdPer1m() / 2);
      assertThat(p.outputUsdPer1m()).as(p.model()).isGreaterThan(p.inputUsdPer1m());
    }
  }

  @Test
  void aPriceTableWithAMissingPriceNamesTheModelAndTheField(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, """
        {"default_model": "m", "models": [{"model": "m", "provider": "p", "input_usd_per_1m": 1,
         "output_usd_per_1m": 2, "batch_input_usd_per_1m": 0.5, "price_date": "2026-11-26", "source": "https://p"}]}
        """);

    assertThatThrownBy(() -> PriceTable.read(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("model m: batch_output_usd_per_1m");
  }

  /** A price or date of the wrong type, or no model at all in a place of the list, is named as a missing price is. */
  @Test
  void aPriceTableWithAWronglyTypedFieldOrANullModelNamesTheFieldOrThePlace(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("prices.json");
    String model = """
        {"model": "m", "provider": "p", "input_usd_per_1m": 1, "output_usd_per_1m": 2, "batch_input_usd_per_1m": 0.5,
         "batch_output_usd_per_1m": 1, "price_date": "2026-11-26", "source": "https://p"}""";
    for (String[] bad : new String[][] {
        {"\"output_usd_per_1m\": 2", "\"output_usd_per_1m\": \"1,5\"", "models[1].output_usd_per_1m"},
        {"\"price_date\": \"2026-11-26\"", "\"price_date\": \"26.11.2026\"", "models[1].price_date"}}) {
      Files.writeString(file, "{\"default_model\": \"m\", \"models\": [" + model + ", "
          + model.replace("\"m\"", "\"n\"").replace(bad[0], bad[1]) + "]}");

      assertThatThrownBy(() -> PriceTable.read(file)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("price table " + file + ": " + bad[2] + ": ");
    }
    Files.writeString(file, "{\"default_model\": \"m\", \"models\": [" + model + ", null]}");

    assertThatThrownBy(() -> PriceTable.read(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("price table " + file + ": models[1] is null, not a model");
  }

  @Test
  void aPaidModelThatIsNotInTheTableIsRefusedWithTheModelsItHas() {
    assertThatThrownBy(() -> new CostSettings(TABLE, "gpt-9", 0.002, null))
        .hasMessageContaining("gpt-9").hasMessageContaining("big, small");
  }

  /**
   * README: estimated_savings_usd is paid_cost_usd - local_cost_usd, savings_vs_live_usd and
   * savings_vs_batch_usd are the paid cost less the local one, amounts rounded to 6 decimals: each
   * saving in the file must be exactly the difference of the two amounts written next to it.
   */
  @Test
  void everySavingWrittenIsExactlyThePaidAmountWrittenLessTheLocalAmountWritten() {
    for (int tokens = 1; tokens <= 400; tokens++) {
      for (double perHour : new double[] {0.37, 1.13, 2.9}) {
        TaskRecord r = completed("T-1", Action.ANALYZE, "security", List.of(), List.of(), List.of(),
            call(tokens * 7L, tokens * 3L));
        CostSavings c = CostSavings.of(List.of(r), new CostSettings(TABLE, "small", 0.0013, perHour),
            Duration.ofMillis(997L * tokens));
        CostSavings p = CostSavings.of(List.of(r), new CostSettings(TABLE, "small", 0.0013, null),
            Duration.ofMillis(997L * tokens));
        for (CostSavings x : List.of(c, p)) {
          String as = tokens + " tokens, " + x.local();
          assertThat(usd(x.estimatedSavingsUsd())).as(as)
              .isEqualByComparingTo(usd(x.paidCostUsd()).subtract(usd(x.localCostUsd())));
          for (CostSavings.PaidCost paid : x.paid()) {
            assertThat(usd(paid.savingsVsLiveUsd())).as(as)
                .isEqualByComparingTo(usd(paid.liveCostUsd()).subtract(usd(x.localCostUsd())));
            assertThat(usd(paid.savingsVsBatchUsd())).as(as)
                .isEqualByComparingTo(usd(paid.batchCostUsd()).subtract(usd(x.localCostUsd())));
          }
          for (CostSavings.TaskCost t : x.perTask()) {
            assertThat(usd(t.savingsVsLiveUsd())).as(as)
                .isEqualByComparingTo(usd(t.liveCostUsd()).subtract(usd(t.localCostUsd())));
            assertThat(usd(t.savingsVsBatchUsd())).as(as)
                .isEqualByComparingTo(usd(t.batchCostUsd()).subtract(usd(t.localCostUsd())));
          }
        }
      }
    }
  }

  /** README: the local cost is cluster_usd_per_hour x hours; redone from the figures written, it is the one written. */
  @Test
  void theHourlyRateTimesTheHoursWrittenIsTheLocalCostWritten() {
    for (long seconds : new long[] {1, 7, 300, 1234, 3599, 86_399}) {
      for (double perHour : new double[] {0.37, 3.6, 12.5, 250}) {
        CostSavings c = CostSavings.of(records, new CostSettings(TABLE, null, 0.002, perHour),
            Duration.ofSeconds(seconds));

        assertThat(usd(c.local().clusterUsdPerHour() * c.local().hours()).setScale(6, RoundingMode.HALF_UP))
            .as(seconds + " s at $" + perHour + "/h, hours " + c.local().hours())
            .isEqualByComparingTo(usd(c.localCostUsd()));
      }
    }
  }

  private static BigDecimal usd(double amount) {
    return new BigDecimal(Double.toString(amount));
  }
}
