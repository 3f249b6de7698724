package dev.honest.launcher.cli;

import dev.honest.common.io.IoProblems;
import dev.honest.common.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** A results file as {@code verify} and {@code apply} read it, and the problems they print about it. */
final class ResultsInput {
  private ResultsInput() {}

  /**
   * The results file {@code --results FILE} as a JSON object; anything else (no file, not JSON,
   * empty, null, an array, ...) cannot be read as results and is invalid input saying so.
   */
  static JsonNode read(Path results) {
    JsonNode json;
    try {
      json = Json.mapper().readTree(Files.readAllBytes(results));
    } catch (NoSuchFileException e) {
      throw LauncherException.invalidInput("--results " + results + ": no such file");
    } catch (IOException e) {
      throw LauncherException.invalidInput("--results " + results + ": cannot read it: " + IoProblems.why(e));
    } catch (JacksonException e) {
      throw LauncherException.invalidInput("--results " + results + " is not JSON: " + e.getOriginalMessage());
    }
    if (json.isMissingNode()) {
      throw LauncherException.invalidInput("--results " + results + " is empty");
    }
    if (!json.isObject()) {
      String what = json.isNull() ? "JSON null" : "a JSON " + json.getNodeType().name().toLowerCase(Locale.ROOT);
      throw LauncherException.invalidInput("--results " + results + " holds " + what + ", not results");
    }
    return json;
  }
}
