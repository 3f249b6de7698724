package dev.honest.launcher.plan;

import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Splits every task of a run among the workers.
 *
 * <p>Rules: every task is planned exactly once. Tasks are taken in priority order (critical
 * first), within a priority by estimated work ({@link WorkEstimate}) descending, then by id; each
 * goes to the slice with the least estimated work so far (the lower worker index on a tie). So
 * critical tasks are spread over all workers and start first everywhere, the slices end up close
 * to equal (longest-first greedy within each priority), and each slice already runs in priority,
 * estimate, id order. The same input always gives the same plan.
 *
 * <p>With fewer tasks than workers, only as many workers as tasks are planned; {@link
 * #workerNote(Plan, int)} says so.
 */
public final class Planner {
  /** Longest worker name; with the {@code k8s-worker-NN} prefix it still fits a 63-char label. */
  public static final int MAX_NAME_LENGTH = 40;

  /**
   * Plans {@code tasks} onto at most {@code workers} workers, numbered from 1, Job {@code
   * k8s-worker-<index>}.
   *
   * @throws IllegalArgumentException on no tasks, a duplicate task id, fewer than one worker, or a
   *     task file that is not in the workspace
   */
  public Plan plan(String runId, List<TaskSpec> tasks, Path workspace, int workers, GenerationOptions options) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("no tasks to plan");
    }
    WorkEstimate estimate = new WorkEstimate(workspace, options);
    Map<String, Long> estimates = new HashMap<>();
    for (TaskSpec task : tasks) {
      if (estimates.put(task.id(), estimate.tokens(task)) != null) {
        throw new IllegalArgumentException("task id " + task.id() + " appears twice");
      }
    }
    List<TaskSpec> order = new ArrayList<>(tasks);
    order.sort(Comparator.comparing(TaskSpec::priority)
        .thenComparing(t -> -estimates.get(t.id()))
        .thenComparing(TaskSpec::id));

    List<Slice> slices = new ArrayList<>();
    for (int i = 1; i <= Math.min(workers, tasks.size()); i++) {
      slices.add(new Slice(i));
    }
    for (TaskSpec task : order) {
      Slice least = slices.get(0);
      for (Slice s : slices) {
        if (s.tokens < least.tokens) {
          least = s;
        }
      }
      least.tasks.add(task);
      least.tokens += estimates.get(task.id());
    }

    Set<String> names = new HashSet<>();
    List<WorkerSlice> result = new ArrayList<>();
    for (Slice s : slices) {
      String name = unique(baseName(s.tasks, estimates), names);
      result.add(new WorkerSlice(s.index, name, jobName(s.index),
          s.tasks.stream().map(TaskSpec::id).toList(), s.tokens));
    }
    return new Plan(runId, result);
  }

  /** The Job of worker {@code index}: {@code k8s-worker-<index>}. */
  public static String jobName(int index) {
    return "k8s-worker-" + index;
  }

  /**
   * A sentence for the user when the plan uses fewer workers than requested (fewer tasks than
   * workers); empty otherwise.
   */
  public static String workerNote(Plan plan, int requestedWorkers) {
    int used = plan.workers().size();
    if (used >= requestedWorkers) {
      return "";
    }
    return "only " + plan.taskCount() + " task(s) for " + requestedWorkers + " requested workers: using "
        + used + " worker(s)";
  }

  /** The slice's dominant priority, category and area (by estimated work), e.g. {@code critical-security-frontend}. */
  private static String baseName(List<TaskSpec> tasks, Map<String, Long> estimates) {
    Map<Priority, Long> byPriority = new LinkedHashMap<>();
    Map<String, Long> byCategory = new LinkedHashMap<>();
    Map<String, Long> byArea = new LinkedHashMap<>();
    for (TaskSpec t : tasks) {
      long tokens = estimates.get(t.id());
      byPriority.merge(t.priority(), tokens, Long::sum);
      byCategory.merge(dnsWords(t.category()), tokens, Long::sum);
      byArea.merge(dnsWords(t.area()), tokens, Long::sum);
    }
    List<String> parts = new ArrayList<>();
    parts.add(dominant(byPriority).label());
    for (String part : List.of(dominant(byCategory), dominant(byArea))) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    return truncate(String.join("-", parts), MAX_NAME_LENGTH);
  }

  /** The key with the most work; ties go to the smallest key (the higher priority, the first word). */
  private static <K extends Comparable<K>> K dominant(Map<K, Long> work) {
    return work.entrySet().stream()
        .min(Map.Entry.<K, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .orElseThrow()
        .getKey();
  }

  /** Lower-case letters, digits and single hyphens, no hyphen at either end. */
  private static String dnsWords(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
  }

  private static String unique(String base, Set<String> taken) {
    String name = base;
    for (int n = 2; !taken.add(name); n++) {
      String suffix = "-" + n;
      name = truncate(base, MAX_NAME_LENGTH - suffix.length()) + suffix;
    }
    return name;
  }

  private static String truncate(String name, int max) {
    return name.length() <= max ? name : name.substring(0, max).replaceAll("-+$", "");
  }

  private static final class Slice {
    final int index;
    final List<TaskSpec> tasks = new ArrayList<>();
    long tokens;

    Slice(int index) {
      this.index = index;
    }
  }
}
