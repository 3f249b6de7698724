package dev.honest.launcher.cli;

import dev.honest.common.exit.ExitCode;
import java.util.Map;

/** A failure the user can act on: printed as its message alone, the process exits with its code. */
public class LauncherException extends RuntimeException {
  private final ExitCode exitCode;

  public LauncherException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public LauncherException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  public static LauncherException invalidInput(String message) {
    return new LauncherException(ExitCode.INVALID_INPUT, message);
  }

  /**
   * An invalid-input error for settings made from options that failed their own validation. Such
   * messages begin with the field they are about ({@code llmReplicas must be within 1..100, got 0});
   * that field becomes the option that sets it, from {@code optionByField}, so that the message names
   * what the user typed ({@code --llm-replicas must be within 1..100, got 0}).
   */
  static LauncherException invalidOption(IllegalArgumentException e, Map<String, String> optionByField) {
    String message = e.getMessage();
    for (Map.Entry<String, String> field : optionByField.entrySet()) {
      if (message.startsWith(field.getKey() + " ") || message.startsWith(field.getKey() + ":")) {
        return invalidInput(field.getValue() + message.substring(field.getKey().length()));
      }
    }
    return invalidInput(message);
  }

  public static LauncherException unavailable(String message) {
    return new LauncherException(ExitCode.UNAVAILABLE, message);
  }
}
