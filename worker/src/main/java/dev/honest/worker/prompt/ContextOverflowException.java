package dev.honest.worker.prompt;

import dev.honest.common.result.TaskError;

/** The context window cannot hold a request for this task, whatever the chunking. */
public final class ContextOverflowException extends Exception {
  /** The task error class this failure is reported as. */
  public static final String ERROR_CLASS = "context_overflow";

  ContextOverflowException(String message) {
    super(message);
  }

  /** The failure as a task error. */
  public TaskError toTaskError() {
    return new TaskError(ERROR_CLASS, getMessage());
  }
}
