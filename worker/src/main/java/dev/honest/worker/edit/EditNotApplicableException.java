package dev.honest.worker.edit;

import dev.honest.common.result.TaskError;

/**
 * An edit cannot be applied: its search text does not occur exactly once, or it points outside
 * the task's files, or the file is binary and was not shown to the model. The message is one line naming the edit.
 */
public final class EditNotApplicableException extends Exception {
  /** The task error class this failure is reported as. */
  public static final String ERROR_CLASS = "edit_not_applicable";

  EditNotApplicableException(String message) {
    super(message);
  }

  /** The failure as a task error. */
  public TaskError toTaskError() {
    return new TaskError(ERROR_CLASS, getMessage());
  }
}
