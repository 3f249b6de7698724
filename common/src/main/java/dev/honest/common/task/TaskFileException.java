package dev.honest.common.task;

import dev.honest.common.text.Escaped;
import java.util.List;

/**
 * The task file cannot be used. Carries every problem found, one self-contained line each
 * ({@code tasks.json: task T-003 (#3): priority: unknown value 'urgent' ...}); the message is those
 * lines joined with newlines, ready to print as is. A value a problem quotes (an id, an unknown
 * priority) is shown with its control characters escaped ({@link Escaped#oneLine(String)}), so that it
 * can neither break its line nor drive the terminal.
 */
public class TaskFileException extends Exception {
  private final List<String> problems;

  public TaskFileException(List<String> problems) {
    super(String.join("\n", oneLineEach(problems)));
    this.problems = oneLineEach(problems);
  }

  private static List<String> oneLineEach(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a task file exception needs at least one problem");
    }
    return problems.stream().map(Escaped::oneLine).toList();
  }

  /** The problems, in file order, one line each. */
  public List<String> problems() {
    return problems;
  }
}
