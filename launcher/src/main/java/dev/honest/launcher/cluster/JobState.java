package dev.honest.launcher.cluster;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Where a worker Job stands, read from its status conditions. */
enum JobState {
  RUNNING,
  SUCCEEDED,
  FAILED;

  /** The word used in {@code WorkerOutcome.status} and in the status table. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * {@code Complete} means succeeded, {@code Failed} failed. Since Kubernetes 1.31 the controller
   * first adds {@code FailureTarget} and adds {@code Failed} only once every pod has terminated;
   * the outcome is already decided then, so it counts as failed.
   */
  static JobState of(Job job) {
    if (condition(job, "Complete").isPresent()) {
      return SUCCEEDED;
    }
    if (failure(job).isPresent()) {
      return FAILED;
    }
    return RUNNING;
  }

  /**
   * Whether a Job that has not ended is suspended ({@code spec.suspend: true}, as {@code kubectl patch}
   * or a queueing controller sets it): the Job controller deletes its running pods, sets the condition
   * {@code Suspended}, and starts none until the Job is resumed. It still counts as {@link #RUNNING}.
   */
  static boolean suspended(Job job) {
    return of(job) == RUNNING
        && (job.getSpec() != null && Boolean.TRUE.equals(job.getSpec().getSuspend())
            || condition(job, "Suspended").isPresent());
  }

  /** The reason of the failure ({@code BackoffLimitExceeded}, {@code DeadlineExceeded}, ...), or null. */
  static String failureReason(Job job) {
    return failure(job).map(JobCondition::getReason).orElse(null);
  }

  /** The controller's message about the failure, or null. */
  static String failureMessage(Job job) {
    return failure(job).map(JobCondition::getMessage).orElse(null);
  }

  /** How many pods the Job's status counts as ended, succeeded or failed (deleted ones included). */
  static int podsEnded(Job job) {
    JobStatus status = job.getStatus();
    if (status == null) {
      return 0;
    }
    return (status.getSucceeded() == null ? 0 : status.getSucceeded())
        + (status.getFailed() == null ? 0 : status.getFailed());
  }

  /** From the Job's start to its end, or to {@code now} while it runs; zero before it started. */
  static Duration duration(Job job, Instant now) {
    JobStatus status = job.getStatus();
    Instant start = status == null ? null : instant(status.getStartTime());
    if (start == null) {
      return Duration.ZERO;
    }
    Instant end = end(job);
    Duration d = Duration.between(start, end == null ? now : end);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** When the Job completed or failed, or null while it runs. */
  static Instant end(Job job) {
    Instant end = job.getStatus() == null ? null : instant(job.getStatus().getCompletionTime());
    return end != null ? end
        : condition(job, "Complete").or(() -> failure(job)).map(c -> instant(c.getLastTransitionTime())).orElse(null);
  }

  /** The worker index of a Job named {@code k8s-worker-N}, or 0 when the name has no number at the end. */
  static int workerIndex(String jobName) {
    String digits = jobName.substring(jobName.lastIndexOf('-') + 1);
    return !digits.isEmpty() && digits.length() < 10 && digits.chars().allMatch(Character::isDigit)
        ? Integer.parseInt(digits)
        : 0;
  }

  static Instant instant(String timestamp) {
    return timestamp == null || timestamp.isBlank() ? null : Instant.parse(timestamp);
  }

  private static Optional<JobCondition> failure(Job job) {
    return condition(job, "Failed").or(() -> condition(job, "FailureTarget"));
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    JobStatus status = job.getStatus();
    List<JobCondition> conditions = status == null || status.getConditions() == null ? List.of() : status.getConditions();
    return conditions.stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
  }
}
