package dev.honest.common.exit;

/**
 * The one table of process exit codes, shared by the worker and the launcher.
 *
 * <p>The worker's Job uses them in its {@code podFailurePolicy}: {@link #INVALID_INPUT} fails the
 * Job at once (a retry cannot help), a crash or {@link #UNAVAILABLE} is retried.
 */
public enum ExitCode {
  /** Every task completed (or, for {@code verify}, every check held). */
  OK(0, "all tasks completed"),
  /** The run finished, but at least one task failed; each failure is in the results. */
  TASKS_FAILED(1, "some tasks failed"),
  /** Bad command line, task file or configuration; nothing was run. */
  INVALID_INPUT(2, "invalid input or configuration"),
  /** A dependency is missing: Ollama (worker, local) or the cluster (launcher). */
  UNAVAILABLE(3, "Ollama or the cluster is unavailable"),
  /** A bug: an unexpected exception. */
  INTERNAL(4, "internal error");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }
}
