package dev.honest.launcher.results;

/**
 * How one attempt of a worker ended: a pod in a cluster, a process locally.
 *
 * @param pod the pod name (locally {@code local-<pid>})
 * @param node the node it ran on, or null
 * @param exitCode the worker container's exit code, or null when it never terminated (still
 *     running, or never started)
 * @param reason the kubelet's reason ({@code Completed}, {@code Error}, {@code OOMKilled},
 *     {@code DeadlineExceeded}, {@code ImagePullBackOff}, ...) or a local equivalent
 * @param message extra detail, or null
 * @param unreadLog why the launcher could not read the log of a worker that ran in it (the kubelet
 *     unreachable, an API server error), or null when it read the log: the results the worker
 *     printed there are missing until {@code collect} reads it
 */
public record PodOutcome(String pod, String node, Integer exitCode, String reason, String message, String unreadLog) {
  /** An attempt whose log was read. */
  public PodOutcome(String pod, String node, Integer exitCode, String reason, String message) {
    this(pod, node, exitCode, reason, message, null);
  }

  /** The same attempt, whose log could not be read for {@code why}. */
  public PodOutcome withUnreadLog(String why) {
    return new PodOutcome(pod, node, exitCode, reason, message, why);
  }

  /**
   * What its unread log means, for a task's error and the results' problems, or null when its log
   * was read: {@code the log of pod k8s-worker-3-abcde could not be read (...), so ...}.
   */
  public String unreadLogNote() {
    return unreadLog == null ? null : "the log of pod " + pod + " could not be read (" + unreadLog
        + "), so any result the worker printed there is missing: run `collect` again to read it";
  }

  /** One line for a person: {@code pod k8s-worker-3-abcde on node-1: OOMKilled (exit 137)}. */
  public String describe() {
    StringBuilder b = new StringBuilder("pod ").append(pod);
    if (node != null) {
      b.append(" on ").append(node);
    }
    b.append(": ").append(reason == null ? "unknown" : reason);
    if (exitCode != null) {
      b.append(" (exit ").append(exitCode).append(')');
    }
    if (message != null && !message.isBlank()) {
      b.append(", ").append(message);
    }
    return b.toString();
  }
}
