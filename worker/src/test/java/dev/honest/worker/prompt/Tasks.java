package dev.honest.worker.prompt;

import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import java.util.List;

/** Task specs for the prompt tests. */
final class Tasks {
  private Tasks() {}

  static TaskSpec task(Action action, String... files) {
    return new TaskSpec("t-1", "Review the request parser", "Look for injection and unchecked input.",
        Priority.HIGH, "security", "backend", List.of(files), action, null);
  }
}
