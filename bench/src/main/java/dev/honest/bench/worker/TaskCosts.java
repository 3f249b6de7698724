package dev.honest.bench.worker;

import dev.honest.bench.worker.RecordingOllama.Exchange;
import dev.honest.bench.worker.TimedProcess.Line;
import dev.honest.common.result.AttestationLine;
import dev.honest.common.result.ResultLines;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A worker's own time per task, from its output and the stand-in's record of its requests.
 *
 * <p>A task's window runs from the previous boundary to the moment its signed statement (its
 * {@code HONEST-ATTESTATION} line, printed after its record) was read; a boundary is the end of the
 * worker's last {@code /api/tags} request (so the first window starts once Ollama is known to be
 * ready) or the previous task's statement. The task's LLM time is the time the stand-in held the
 * chats that arrived in its window; everything else in the window is the worker's: reading and
 * hashing the files, prompts, the HTTP client, parsing, edits and diffs, the record, signing and
 * printing.
 */
final class TaskCosts {
  private TaskCosts() {}

  /**
   * One task's window.
   *
   * @param windowNanos the whole window
   * @param llmNanos the part the stand-in held its chats
   * @param cpuNanos the CPU the worker process used from the previous task's statement to this
   *     one's (all its threads: JIT, GC and the HTTP client's too); -1 for the first task
   * @param callsNanos the calls' wall time as the worker timed them ({@code duration_ms} of the
   *     calls in the task's record: from handing the request to its HTTP client to the answer's last
   *     byte, whole milliseconds, so up to 1 ms short per call); -1 when no record of the task was seen
   */
  record TaskCost(String task, long windowNanos, long llmNanos, int chats, long cpuNanos, long callsNanos) {
    long overheadNanos() {
      return windowNanos - llmNanos;
    }

    /**
     * The window outside the calls as the worker timed them: the list (hashing, prompts,
     * parsing, diffs) and the record and its statement, without the HTTP client's part of the
     * exchanges, which {@link #overheadNanos} counts.
     *
     * @throws IllegalStateException when no record of the task was seen
     */
    long outsideCallsNanos() {
      if (callsNanos < 0) {
        throw new IllegalStateException("no record of task " + task);
      }
      return windowNanos - callsNanos;
    }
  }

  /**
   * The windows of every task in {@code lines}, in order.
   *
   * @throws IllegalStateException when a task's statement came before any {@code /api/tags} answer
   */
  static List<TaskCost> of(List<Line> lines, List<Exchange> exchanges) {
    List<Exchange> tagsEnds = exchanges.stream().filter(e -> e.path().equals(RecordingOllama.TAGS))
        .sorted(Comparator.comparingLong(Exchange::endedAt)).toList();
    List<Exchange> chats = exchanges.stream().filter(e -> e.path().equals(RecordingOllama.CHAT)).toList();
    List<TaskCost> costs = new ArrayList<>();
    Long previousStatement = null;
    long previousCpu = -1;
    Map<String, Long> callsNanos = new HashMap<>();
    for (Line line : lines) {
      if (line.text().contains(ResultLines.RESULT_PREFIX)) {
        ResultLines.parseRecord(line.text()).ifPresent(r -> callsNanos.put(r.id(),
            r.calls().stream().mapToLong(c -> TimeUnit.MILLISECONDS.toNanos(c.durationMs())).sum()));
      }
      Optional<String> task = taskOf(line.text());
      if (task.isEmpty()) {
        continue;
      }
      long end = line.at();
      Long from = previousStatement;
      for (Exchange tags : tagsEnds) {
        if (tags.endedAt() <= end && (from == null || tags.endedAt() > from)) {
          from = tags.endedAt();
        }
      }
      if (from == null) {
        throw new IllegalStateException("task " + task.get() + " ended before any /api/tags answer");
      }
      long llm = 0;
      int n = 0;
      for (Exchange chat : chats) {
        if (chat.arrivedAt() >= from && chat.arrivedAt() < end) {
          llm += Math.min(chat.endedAt(), end) - chat.arrivedAt();
          n++;
        }
      }
      long cpu = previousCpu < 0 || line.cpuNanos() < 0 ? -1 : line.cpuNanos() - previousCpu;
      costs.add(new TaskCost(task.get(), end - from, llm, n, cpu, callsNanos.getOrDefault(task.get(), -1L)));
      previousStatement = end;
      previousCpu = line.cpuNanos();
    }
    return costs;
  }

  /** The task a line's signed task statement names, if it is one. */
  private static Optional<String> taskOf(String line) {
    if (!line.startsWith(ResultLines.ATTESTATION_PREFIX)) {
      return Optional.empty();
    }
    return ResultLines.parseAttestation(line).filter(a -> AttestationLine.TASK.equals(a.kind()))
        .map(AttestationLine::task);
  }

  /**
   * Median, 90th percentile (nearest rank) and maximum of a sample, in milliseconds.
   *
   * @throws IllegalArgumentException for an empty sample
   */
  record Spread(int n, double medianMs, double p90Ms, double maxMs) {
    static Spread ofNanos(List<Long> nanos) {
      if (nanos.isEmpty()) {
        throw new IllegalArgumentException("no samples");
      }
      List<Long> sorted = nanos.stream().sorted().toList();
      return new Spread(sorted.size(), rank(sorted, 0.5) / 1e6, rank(sorted, 0.9) / 1e6,
          sorted.get(sorted.size() - 1) / 1e6);
    }

    /** The smallest value with at least {@code p} of the sample at or below it. */
    private static long rank(List<Long> sorted, double p) {
      return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }
  }
}
