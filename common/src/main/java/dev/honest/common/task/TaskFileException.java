package dev.honest.common.task;

import java.util.List;

/**
 * The task file cannot be used. Carries every problem found, one self-contained line each
 * ({@code tasks.json: task T-003 (#3): priority: unknown value 'urgent' ...}); the message is those
 * lines joined with newlines, ready to print as is.
 */
public class TaskFileException extends Exception {
  private final List<String> problems;

  public TaskFileException(List<String> problems) {
    super(String.join("\n", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a task file exception needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** The problems, in file order, one line each. */
  public List<String> problems() {
    return problems;
  }
}
