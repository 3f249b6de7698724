package dev.honest.launcher.results;

import dev.honest.common.io.IoProblems;
import dev.honest.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;

/**
 * The paid models a run is compared with. The built-in table ({@code default-prices.json} next to
 * this class) holds a few well-known models; {@code --price-table FILE} replaces it with one of the
 * same shape:
 *
 * <pre>{"default_model": "m", "models": [{"model": "m", "provider": "p", "input_usd_per_1m": 2.0,
 *   "output_usd_per_1m": 10.0, "batch_input_usd_per_1m": 1.0, "batch_output_usd_per_1m": 5.0,
 *   "price_date": "2026-11-26", "source": "https://..."}]}</pre>
 *
 * @param defaultModel the model the headline savings ({@code estimated_savings_usd}) compare with
 * @param models at least one, names unique
 */
public record PriceTable(String defaultModel, List<ModelPrice> models) {
  private static final String BUILT_IN = "default-prices.json";

  public PriceTable {
    if (models == null || models.isEmpty()) {
      throw new IllegalArgumentException("no models");
    }
    for (int i = 0; i < models.size(); i++) {
      if (models.get(i) == null) {
        throw new IllegalArgumentException("models[" + i + "] is null, not a model");
      }
    }
    models = List.copyOf(models);
    Set<String> names = new HashSet<>();
    for (ModelPrice m : models) {
      if (!names.add(m.model())) {
        throw new IllegalArgumentException("model " + m.model() + " is listed twice");
      }
    }
    if (defaultModel == null || !names.contains(defaultModel)) {
      throw new IllegalArgumentException("default_model " + defaultModel
          + " is not one of its models " + models.stream().map(ModelPrice::model).toList());
    }
  }

  /** The price of {@code model}, if the table has it. */
  public Optional<ModelPrice> price(String model) {
    return models.stream().filter(m -> m.model().equals(model)).findFirst();
  }

  /** Name of the flat reference rate added by {@link #withFlatRate}. */
  public static final String FLAT_RATE = "flat-rate";

  /**
   * This table plus a flat reference rate: the same price per 1,000 tokens for input and output
   * ({@code --paid-price-per-1k}, $0.015 by default), half of it through a batch API.
   *
   * @param headline whether the flat rate becomes the model the headline savings compare with
   */
  public PriceTable withFlatRate(double usdPer1k, boolean headline) {
    double perMillion = usdPer1k * 1000;
    List<ModelPrice> all = new java.util.ArrayList<>(models.stream().filter(m -> !m.model().equals(FLAT_RATE)).toList());
    all.add(0, new ModelPrice(FLAT_RATE, "reference rate (--paid-price-per-1k)", perMillion, perMillion,
        perMillion / 2, perMillion / 2, java.time.LocalDate.now(java.time.ZoneOffset.UTC),
        "--paid-price-per-1k=" + usdPer1k));
    return new PriceTable(headline ? FLAT_RATE : defaultModel, all);
  }

  /** The built-in table. */
  public static PriceTable builtIn() {
    try (InputStream in = PriceTable.class.getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new IllegalStateException(BUILT_IN + " is missing from the launcher");
      }
      return Json.mapper().readValue(in, PriceTable.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a table from a file.
   *
   * @throws IllegalArgumentException when the file cannot be read or is not a valid table; the
   *     message names the file and what is wrong
   */
  public static PriceTable read(Path file) {
    PriceTable table;
    try {
      table = Json.mapper().readValue(Files.readAllBytes(file), PriceTable.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read price table " + file + ": " + IoProblems.why(e), e);
    } catch (JacksonException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
      String why = cause instanceof JacksonException j ? field(j) + j.getOriginalMessage() : cause.getMessage();
      throw new IllegalArgumentException("price table " + file + ": " + why, e);
    }
    if (table == null) {
      throw new IllegalArgumentException("price table " + file + " holds JSON null, not a price table");
    }
    return table;
  }

  /** Where in the table a value could not be read, e.g. {@code models[1].input_usd_per_1m: }; empty when unknown. */
  private static String field(JacksonException e) {
    StringBuilder where = new StringBuilder();
    for (JacksonException.Reference r : e.getPath()) {
      if (r.getPropertyName() != null) {
        where.append(where.isEmpty() ? "" : ".").append(r.getPropertyName());
      } else if (r.getIndex() >= 0) {
        where.append('[').append(r.getIndex()).append(']');
      }
    }
    return where.isEmpty() ? "" : where + ": ";
  }
}
