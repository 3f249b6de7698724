package dev.honest.launcher.plan;

import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A plan as a plain text table for people: one row per worker and a total. */
public final class PlanTable {
  private static final List<String> HEADER = List.of("WORKER", "JOB", "NAME", "TASKS", "EST. TOKENS", "PRIORITIES");

  private PlanTable() {}

  /**
   * Renders {@code plan}; {@code tasks} supplies each task's priority. Ends with a note line when
   * the plan uses fewer workers than {@code requestedWorkers}. Lines end with {@code \n}.
   */
  public static String render(Plan plan, List<TaskSpec> tasks, int requestedWorkers) {
    Map<String, Priority> priorities = tasks.stream().collect(Collectors.toMap(TaskSpec::id, TaskSpec::priority));
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    long totalTokens = 0;
    for (WorkerSlice w : plan.workers()) {
      rows.add(List.of(String.valueOf(w.index()), w.job(), w.name(), String.valueOf(w.tasks().size()),
          String.valueOf(w.estimatedTokens()), priorityCounts(w.tasks(), priorities::get)));
      totalTokens += w.estimatedTokens();
    }
    rows.add(List.of("total", "", "", String.valueOf(plan.taskCount()), String.valueOf(totalTokens), ""));

    int[] widths = new int[HEADER.size()];
    for (List<String> row : rows) {
      for (int c = 0; c < widths.length; c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < widths.length; c++) {
        line.append(String.format("%-" + widths[c] + "s  ", row.get(c)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    String note = Planner.workerNote(plan, requestedWorkers);
    if (!note.isEmpty()) {
      out.append("note: ").append(note).append('\n');
    }
    return out.toString();
  }

  /** E.g. {@code critical 2, high 3, low 1}, in priority order. */
  private static String priorityCounts(List<String> ids, Function<String, Priority> priorityOf) {
    Map<Priority, Integer> counts = new EnumMap<>(Priority.class);
    for (String id : ids) {
      Priority priority = priorityOf.apply(id);
      if (priority == null) {
        throw new IllegalArgumentException("plan names task " + id + ", which is not among the tasks");
      }
      counts.merge(priority, 1, Integer::sum);
    }
    return counts.entrySet().stream()
        .map(e -> e.getKey().label() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
