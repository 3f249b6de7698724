package dev.honest.launcher.cli;

import dev.honest.common.exit.ExitCode;

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

  public static LauncherException unavailable(String message) {
    return new LauncherException(ExitCode.UNAVAILABLE, message);
  }
}
