package dev.honest.common.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** What a task asks of the model: findings only ({@code analyze}) or findings and edits ({@code fix}). */
public enum Action {
  ANALYZE,
  FIX;

  /** Parses any case; empty when the word is not an action. */
  public static Optional<Action> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String word = text.strip().toUpperCase(Locale.ROOT);
    for (Action a : values()) {
      if (a.name().equals(word)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  @JsonCreator
  static Action fromJson(String text) {
    return parse(text).orElseThrow(() -> new IllegalArgumentException(
        "unknown action '" + text + "' (expected analyze or fix)"));
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
