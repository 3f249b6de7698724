package dev.honest.common.result;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a task ended. There is no third state: a task is done with proof, or failed with a reason. */
public enum TaskStatus {
  COMPLETED,
  FAILED;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
