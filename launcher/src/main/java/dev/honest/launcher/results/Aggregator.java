package dev.honest.launcher.results;

import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskError;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.task.TaskSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns what the workers printed into one {@link ClusterResults}: for each planned task its final
 * record (a later attempt's record replaces an earlier one), and for a task with no record a
 * {@code failed} record that says which worker, which pod and how it ended. Nothing is dropped and
 * nothing is invented.
 */
public final class Aggregator {
  private final CostSettings prices;

  public Aggregator(CostSettings prices) {
    this.prices = prices;
  }

  public ClusterResults aggregate(
      Plan plan, List<TaskSpec> tasks, List<WorkerOutcome> outcomes, Instant start, Instant end) {
    Map<String, TaskSpec> specs = tasks.stream()
        .collect(Collectors.toMap(TaskSpec::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    Map<Integer, WorkerOutcome> byIndex = outcomes.stream()
        .collect(Collectors.toMap(WorkerOutcome::index, Function.identity(), (a, b) -> b));
    List<String> problems = new ArrayList<>();
    List<TaskRecord> records = new ArrayList<>();
    List<WorkerResult> workers = new ArrayList<>();

    for (WorkerSlice slice : plan.workers()) {
      WorkerOutcome outcome = Optional.ofNullable(byIndex.get(slice.index()))
          .orElseGet(() -> new WorkerOutcome(slice.index(), slice.job(), "missing", "no outcome collected",
              List.of(), "", 0));
      Map<String, TaskRecord> reported = parseLog(slice, outcome, problems);
      int completed = 0;
      for (String id : slice.tasks()) {
        TaskSpec spec = specs.get(id);
        if (spec == null) {
          throw new IllegalArgumentException("plan names task " + id + ", which is not in the task list");
        }
        TaskRecord record = reported.getOrDefault(id, null);
        if (record == null) {
          record = lost(spec, slice, outcome, end);
        }
        records.add(record);
        if (record.completed()) {
          completed++;
        }
      }
      workers.add(new WorkerResult(slice.index(), slice.name(), slice.job(),
          outcome.pods().stream().map(PodOutcome::describe).toList(), outcome.status(), outcome.reason(),
          slice.tasks(), completed, slice.tasks().size() - completed, outcome.durationMs() / 1000.0));
    }
    if (records.size() != specs.size()) {
      throw new IllegalArgumentException("plan covers " + records.size() + " of " + specs.size() + " tasks");
    }
    int completed = (int) records.stream().filter(TaskRecord::completed).count();
    return new ClusterResults(plan.runId(), start.getEpochSecond(), end.getEpochSecond(),
        Duration.between(start, end).toMillis() / 1000.0, records.size(), completed, records.size() - completed,
        workers, records, CostSavings.of(records, prices, Duration.between(start, end)), problems);
  }

  private static Map<String, TaskRecord> parseLog(WorkerSlice slice, WorkerOutcome outcome, List<String> problems) {
    Map<String, TaskRecord> reported = new LinkedHashMap<>();
    int lineNo = 0;
    for (String line : outcome.log().split("\n", -1)) {
      lineNo++;
      Optional<TaskRecord> parsed;
      try {
        parsed = ResultLines.parseRecord(line);
      } catch (IllegalArgumentException e) {
        problems.add(slice.job() + " log line " + lineNo + ": " + e.getMessage());
        continue;
      }
      if (parsed.isEmpty()) {
        continue;
      }
      TaskRecord record = parsed.get();
      if (!slice.tasks().contains(record.id())) {
        problems.add(slice.job() + " log line " + lineNo + ": record for task " + record.id()
            + ", which the plan did not give this worker; ignored");
        continue;
      }
      reported.put(record.id(), record);
    }
    return reported;
  }

  private static TaskRecord lost(TaskSpec spec, WorkerSlice slice, WorkerOutcome outcome, Instant end) {
    StringBuilder why = new StringBuilder("no result from worker ").append(slice.index())
        .append(" (").append(slice.job()).append(", ").append(outcome.status());
    if (outcome.reason() != null) {
      why.append(": ").append(outcome.reason());
    }
    why.append(')');
    if (outcome.pods().isEmpty()) {
      why.append("; no pod ran");
    } else {
      why.append("; last ").append(outcome.pods().get(outcome.pods().size() - 1).describe());
    }
    PodOutcome last = outcome.pods().isEmpty() ? null : outcome.pods().get(outcome.pods().size() - 1);
    return new TaskRecord(spec.id(), spec.title(), spec.priority(), spec.category(), spec.area(), spec.action(),
        slice.index(), last == null ? null : last.pod(), last == null ? null : last.node(), TaskStatus.FAILED,
        new TaskError("worker_lost", why.toString()), null, null, 0, null, end,
        List.of(), List.of(), List.of(), List.of());
  }
}
