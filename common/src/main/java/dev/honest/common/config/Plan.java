package dev.honest.common.config;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How a run's tasks are split among workers ({@code plan.json}). Every task id appears in exactly
 * one slice: validated here so that no reader can accept a plan that loses or doubles a task.
 */
public record Plan(String runId, List<WorkerSlice> workers) {
  public Plan {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("plan: run_id must not be blank");
    }
    workers = workers == null ? List.of() : List.copyOf(workers);
    Set<Integer> indexes = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (WorkerSlice w : workers) {
      if (!indexes.add(w.index())) {
        throw new IllegalArgumentException("plan: worker index " + w.index() + " appears twice");
      }
      for (String id : w.tasks()) {
        if (!ids.add(id)) {
          throw new IllegalArgumentException("plan: task " + id + " is assigned twice");
        }
      }
    }
  }

  /** The slice of worker {@code index}, if the plan has one. */
  public Optional<WorkerSlice> worker(int index) {
    return workers.stream().filter(w -> w.index() == index).findFirst();
  }

  /** Number of tasks over all slices. */
  public int taskCount() {
    return workers.stream().mapToInt(w -> w.tasks().size()).sum();
  }
}
