package dev.honest.worker.run;

/**
 * Who is running: recorded in every task record.
 *
 * @param index 1-based worker index (the Job is {@code k8s-worker-<index>})
 * @param pod the pod name (or a local process name), or null
 * @param node the node name, or null
 */
public record WorkerIdentity(int index, String pod, String node) {
  public WorkerIdentity {
    if (index < 1) {
      throw new IllegalArgumentException("worker index must be at least 1, got " + index);
    }
  }
}
