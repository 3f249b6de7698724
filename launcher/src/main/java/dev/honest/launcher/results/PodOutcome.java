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
 */
public record PodOutcome(String pod, String node, Integer exitCode, String reason, String message) {
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
