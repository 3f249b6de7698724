package dev.honest.launcher.results;

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
    try {
      return Json.mapper().readValue(Files.readAllBytes(file), PriceTable.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read price table " + file + ": " + e.getMessage(), e);
    } catch (JacksonException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
      String why = cause instanceof JacksonException j ? j.getOriginalMessage() : cause.getMessage();
      throw new IllegalArgumentException("price table " + file + ": " + why, e);
    }
  }
}
