package dev.honest.worker.claim;

/** Claims on tasks, shared by the workers of a run: a task is claimed at most once. */
public interface Claims {
  /**
   * Claims {@code taskId} for this worker.
   *
   * @return true when this call claimed it; false when it was claimed already, by anyone
   * @throws java.io.UncheckedIOException when the claims cannot be read or written
   */
  boolean claim(String taskId);

  /** True when some worker has claimed {@code taskId}. */
  boolean claimed(String taskId);
}
