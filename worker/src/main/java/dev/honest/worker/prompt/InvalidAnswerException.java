package dev.honest.worker.prompt;

import dev.honest.common.result.TaskError;

/**
 * The model's answer does not match the response schema. The message is one line naming the
 * offending JSON path (e.g. {@code findings[2].severity: expected one of ...}); the runner may
 * re-ask once with it.
 */
public final class InvalidAnswerException extends Exception {
  /** The task error class this failure is reported as. */
  public static final String ERROR_CLASS = "invalid_model_output";

  InvalidAnswerException(String message) {
    super(message);
  }

  /** The failure as a task error. */
  public TaskError toTaskError() {
    return new TaskError(ERROR_CLASS, getMessage());
  }
}
