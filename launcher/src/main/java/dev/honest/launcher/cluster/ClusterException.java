package dev.honest.launcher.cluster;

import dev.honest.common.exit.ExitCode;
import java.util.Objects;

/**
 * A cluster operation that cannot go on, with a one-line message for a person (what failed and how
 * to fix it) and the exit code the CLI should end with.
 */
public final class ClusterException extends RuntimeException {
  private final ExitCode exitCode;

  public ClusterException(ExitCode exitCode, String message) {
    this(exitCode, message, null);
  }

  public ClusterException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
  }

  /** {@link ExitCode#UNAVAILABLE} when the cluster cannot be used, other codes as documented by the thrower. */
  public ExitCode exitCode() {
    return exitCode;
  }
}
