package dev.honest.launcher.cluster;

import dev.honest.launcher.progress.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How watching a run ended and what it had seen by then.
 *
 * @param ending why the watch returned
 * @param jobs Jobs of the run seen
 * @param active Jobs not finished yet
 * @param succeeded Jobs that completed
 * @param failed Jobs that failed (or are bound to: {@code FailureTarget})
 * @param tasksSeen distinct task ids in the workers' result lines so far
 * @param totalTasks tasks in the plan
 * @param elapsed time spent watching
 * @param suspended Jobs not ended and suspended ({@code spec.suspend: true}) when the watch returned,
 *     by name; counted in {@code active}
 * @param watchDown how the watch of the Jobs was down when the watch returned, for longer than it
 *     may be before a line says so ({@code the watch of Jobs had been down for 3m05s (last error: …)}),
 *     or null
 */
public record WatchResult(
    Ending ending, int jobs, int active, int succeeded, int failed, int tasksSeen, int totalTasks, Duration elapsed,
    List<String> suspended, String watchDown) {
  public WatchResult {
    suspended = List.copyOf(suspended);
  }

  public enum Ending {
    /** Every Job completed or failed. */
    FINISHED,
    /** The watch timeout passed first; the Jobs go on in the cluster. */
    TIMED_OUT,
    /** Ctrl-C or a thread interrupt; the Jobs go on in the cluster. */
    INTERRUPTED
  }

  /**
   * What the watch was still waiting for when it returned before every Job had ended, as the end of
   * the sentence {@code ⏱ Stopped watching after --timeout}: the suspended Jobs, and a watch of the Jobs that was down; empty when neither.
   */
  public String stillWaitingFor() {
    List<String> reasons = new ArrayList<>();
    if (!suspended.isEmpty()) {
      reasons.add(String.join(", ", suspended) + (suspended.size() == 1 ? " was" : " were")
          + " suspended (spec.suspend: true) and not resumed");
    }
    if (watchDown != null) {
      reasons.add(watchDown + ", so how the Jobs ended since was not seen");
    }
    return reasons.isEmpty() ? "" : ": " + String.join("; ", reasons);
  }

  /** {@code 📊 Active: 12 | Succeeded: 0 | Failed: 0 | Time: 45s | Tasks: 17/71}. */
  public String progressLine() {
    return new Progress(active, succeeded, failed, elapsed, tasksSeen, totalTasks).format();
  }
}
