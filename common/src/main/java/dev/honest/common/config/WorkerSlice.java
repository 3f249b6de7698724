package dev.honest.common.config;

import java.util.List;

/**
 * One worker's share of a run.
 *
 * @param index 1-based worker number; the Job is {@code k8s-worker-<index>}
 * @param name descriptive name from the slice's dominant priority, category and area
 * @param job the Job name
 * @param tasks task ids, in the order the worker runs them (critical first)
 * @param estimatedTokens the planner's estimate of the LLM work in the slice
 */
public record WorkerSlice(int index, String name, String job, List<String> tasks, long estimatedTokens) {
  public WorkerSlice {
    if (index < 1) {
      throw new IllegalArgumentException("worker index must be at least 1, got " + index);
    }
    if (job == null || job.isBlank()) {
      throw new IllegalArgumentException("worker " + index + ": job name must not be blank");
    }
    name = name == null ? "" : name;
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
  }
}
