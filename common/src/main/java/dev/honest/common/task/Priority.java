package dev.honest.common.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** A task's priority; declaration order is scheduling order (critical first). */
public enum Priority {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW;

  /** Parses any case and surrounding blanks; empty when the word is not a priority. */
  public static Optional<Priority> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String word = text.strip().toUpperCase(Locale.ROOT);
    for (Priority p : values()) {
      if (p.name().equals(word)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @JsonCreator
  static Priority fromJson(String text) {
    return parse(text).orElseThrow(() -> new IllegalArgumentException(
        "unknown priority '" + text + "' (expected critical, high, medium or low)"));
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
