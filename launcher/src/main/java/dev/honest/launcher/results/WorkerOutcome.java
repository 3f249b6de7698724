package dev.honest.launcher.results;

import java.util.List;

/**
 * Everything gathered about one worker after a run: how its Job (or process) ended, each attempt,
 * and its complete log text (all attempts, in order), from which task records are parsed.
 *
 * @param index 1-based worker index
 * @param job the Job name ({@code k8s-worker-N})
 * @param status {@code succeeded}, {@code failed}, {@code running} (still active when collected) or {@code missing}
 * @param reason the Job's failure reason ({@code BackoffLimitExceeded}, {@code DeadlineExceeded}, ...), or null
 * @param pods every attempt, oldest first
 * @param log the concatenated log of all attempts, as written to {@code k8s-worker-N-log.txt}
 * @param durationMs from the Job's (process's) start to its end, or to collection
 * @param podsEnded how many pods the Job's status counts as ended (succeeded and failed), whether
 *     they still exist or not: when {@code pods} is empty, they were deleted, their logs with them;
 *     0 when nothing tells (no Job, a local process)
 */
public record WorkerOutcome(int index, String job, String status, String reason, List<PodOutcome> pods, String log,
    long durationMs, int podsEnded) {
  public WorkerOutcome {
    pods = pods == null ? List.of() : List.copyOf(pods);
    log = log == null ? "" : log;
    if (podsEnded < 0) {
      throw new IllegalArgumentException("podsEnded must not be negative: " + podsEnded);
    }
  }

  /** An outcome with no pod count from a Job's status ({@code podsEnded} 0). */
  public WorkerOutcome(int index, String job, String status, String reason, List<PodOutcome> pods, String log,
      long durationMs) {
    this(index, job, status, reason, pods, log, durationMs, 0);
  }
}
