package dev.honest.launcher.progress;

import java.time.Duration;
import java.util.Locale;

/**
 * One snapshot of a running batch, printed as
 * {@code 📊 Active: 12 | Succeeded: 0 | Failed: 0 | Time: 45s | Tasks: 17/71}.
 *
 * @param active workers still running
 * @param succeeded workers that ended successfully
 * @param failed workers that ended in failure
 * @param elapsed time since the workers were started
 * @param tasksDone distinct tasks with a result line so far
 * @param tasksTotal tasks in the plan
 */
public record Progress(int active, int succeeded, int failed, Duration elapsed, int tasksDone, int tasksTotal) {
  public String format() {
    return String.format(Locale.ROOT, "📊 Active: %d | Succeeded: %d | Failed: %d | Time: %ds | Tasks: %d/%d",
        active, succeeded, failed, elapsed.toSeconds(), tasksDone, tasksTotal);
  }

  /** Same counts, ignoring time: a change worth printing at once. */
  public boolean sameCountsAs(Progress other) {
    return other != null && active == other.active && succeeded == other.succeeded && failed == other.failed
        && tasksDone == other.tasksDone && tasksTotal == other.tasksTotal;
  }
}
