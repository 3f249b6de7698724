package dev.honest.bench.makespan;

import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The benchmark's printed table: one row per mode, then each replica's figures. */
final class Report {
  static final String HEADER = String.format(Locale.ROOT, "%-9s %9s %8s %8s %6s %8s %8s %8s %10s %8s %8s",
      "mode", "done", "wall", "bound", "ratio", "1st-chat", "window", "w-ratio", "client-cpu", "cpu/task",
      "stand-in");

  private Report() {}

  /**
   * One mode's result.
   *
   * @param completed tasks completed according to the results file, -1 when there is none
   * @param standInCpu CPU seconds of the stand-in (replicas and proxy) during the run
   */
  record Row(String mode, int exitCode, int completed, int tasks, Figures figures, double standInCpu) {
    boolean allCompleted() {
      return exitCode == 0 && completed == tasks;
    }

    String line() {
      Figures f = figures;
      String done = completed + "/" + tasks + (exitCode == 0 ? "" : " exit " + exitCode);
      return String.format(Locale.ROOT, "%-9s %9s %7.1fs %7.1fs %6.2f %7.1fs %7.1fs %8.2f %9.1fs %6.0fms %7.1fs%n",
              mode, done, f.wall(), f.bound(), f.ratio(), f.toFirstChat(), f.llmWindow(), f.windowRatio(),
              f.clientCpu(), 1000 * f.clientCpu() / tasks, standInCpu)
          + "          busy s: " + each(f, r -> String.format(Locale.ROOT, "%.1f", r.busy()))
          + " | chats: " + each(f, r -> Long.toString(r.chats()))
          + " | connections: " + each(f, r -> Integer.toString(r.connections()))
          + String.format(Locale.ROOT, " | total service %.1fs, longest chat %.1fs, tail %.1fs", f.totalService(),
              f.longestChat(), f.afterLastChat())
          + (f.unrecordedChats() == 0 ? "" : String.format(Locale.ROOT, "%n          %d chat(s), %.1fs of service, that"
              + " no call in the results accounts for (a task run twice?): left out of the bound",
              f.unrecordedChats(), f.unrecordedService()));
    }

    private static String each(Figures f, Function<Figures.ReplicaFigures, String> value) {
      return f.replicas().stream().map(value).collect(Collectors.joining(" "));
    }
  }

  /** What the columns mean, and the modes. */
  static String legend(List<String> modes) {
    return String.join("\n  ", List.of("",
        "done: tasks completed/total; wall: launcher start to exit;",
        "bound: max(total service / (replicas x slots), longest chat), over the chats the results record"
            + " (failed attempts included); ratio: wall / bound;",
        "1st-chat: launcher start to the first chat at a replica; window: first chat's arrival to last chat's end;",
        "w-ratio: window / bound (scheduling alone, without start-up and wind-down); tail: last chat's end to exit;",
        "client-cpu: CPU of launcher + workers (cpu/task: per task); stand-in: CPU of replicas + proxy."))
        + "\n  " + String.join("\n  ", modes);
  }

  /**
   * One line per mode: each run's wall / bound, and whether every run is at or under {@code target};
   * the modes with fixed slices are the baseline printed beside the others.
   */
  static String verdict(String size, Map<MakespanBench.Mode, List<Row>> rows, double target) {
    StringBuilder text = new StringBuilder(size + ":");
    rows.forEach((mode, runs) -> {
      boolean met = met(runs, target);
      text.append(String.format(Locale.ROOT, "%n  %-7s %-26s %s", mode.name().toLowerCase(Locale.ROOT),
          runs.stream().map(r -> String.format(Locale.ROOT, "%.2f", r.figures().ratio()))
              .collect(Collectors.joining(", ")),
          mode.fixedSlices ? "(baseline: fixed slices)" : !mode.judged ? "(for comparison: a JVM per worker, all on"
              + " this machine's cores)" : met ? "ok" : "MISSED"));
    });
    return text.toString();
  }

  /**
   * Whether every judged mode met {@code target} in every run, each run with every task completed:
   * what {@link #verdict} prints as {@code ok}.
   */
  static boolean met(Map<MakespanBench.Mode, List<Row>> rows, double target) {
    return rows.entrySet().stream().allMatch(e -> !e.getKey().judged || met(e.getValue(), target));
  }

  private static boolean met(List<Row> runs, double target) {
    return runs.stream().allMatch(r -> r.allCompleted() && r.figures().ratio() <= target);
  }
}
