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
    return String.format(Locale.ROOT, "📊 Active: %d | Succeeded: %d | Failed: %d | Time: %s | Tasks: %d/%d",
        active, succeeded, failed, human(elapsed), tasksDone, tasksTotal);
  }

  /** {@code 45s}, {@code 3m05s}, {@code 1h02m03s}. */
  public static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60);
  }

  /** Same counts, ignoring time: a change worth printing at once. */
  public boolean sameCountsAs(Progress other) {
    return other != null && active == other.active && succeeded == other.succeeded && failed == other.failed
        && tasksDone == other.tasksDone && tasksTotal == other.tasksTotal;
  }
}
