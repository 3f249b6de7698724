package dev.honest.launcher.results;

import dev.honest.common.result.TaskRecord;
import dev.honest.launcher.attest.RunAttestation;
import java.util.List;

/**
 * The aggregated outcome of a run, written as {@code k8s-cluster-results.json}. Every planned task
 * has exactly one record in {@link #tasks}; a task no worker reported on is {@code failed} with the
 * reason.
 *
 * @param startTime epoch seconds
 * @param endTime epoch seconds
 * @param totalDuration seconds
 * @param carriedTasks tasks carried over from an earlier run by {@code --resume} (counted in the
 *     totals; their records say {@code carried_from})
 * @param costSavings over this run's calls (carried records cost nothing now)
 * @param problems what the aggregation noticed in the logs (cut-off result lines, records for
 *     tasks the plan did not give that worker, statements that do not verify); empty in a clean run
 * @param attestation the signed proof of every record, checked by {@code launcher verify}
 */
public record ClusterResults(
    String runId,
    long startTime,
    long endTime,
    double totalDuration,
    int totalTasks,
    int completedTasks,
    int failedTasks,
    int carriedTasks,
    List<WorkerResult> workers,
    List<TaskRecord> tasks,
    CostSavings costSavings,
    List<String> problems,
    RunAttestation attestation) {

  public ClusterResults {
    workers = listOf("workers", workers);
    tasks = listOf("tasks", tasks);
    problems = listOf("problems", problems);
    if (completedTasks + failedTasks != totalTasks || tasks.size() != totalTasks) {
      throw new IllegalArgumentException("results: " + totalTasks + " tasks but " + tasks.size()
          + " records, " + completedTasks + " completed and " + failedTasks + " failed");
    }
  }

  /** An unmodifiable copy; a missing list or a null in it is named (a results file read back may lack one). */
  private static <T> List<T> listOf(String member, List<T> list) {
    if (list == null) {
      throw new IllegalArgumentException("results: " + member + " is missing");
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == null) {
        throw new IllegalArgumentException("results: " + member + "[" + i + "] is null");
      }
    }
    return List.copyOf(list);
  }

  public boolean allCompleted() {
    return failedTasks == 0;
  }
}
