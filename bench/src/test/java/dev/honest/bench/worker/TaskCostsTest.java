package dev.honest.bench.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.bench.worker.RecordingOllama.Exchange;
import dev.honest.bench.worker.TaskCosts.Spread;
import dev.honest.bench.worker.TaskCosts.TaskCost;
import dev.honest.bench.worker.TimedProcess.Line;
import dev.honest.common.json.Json;
import dev.honest.common.result.AttestationLine;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskCostsTest {
  private static Line statement(long at, long cpu, String kind, String task) {
    return new Line(at, cpu, ResultLines.format(
        new AttestationLine(kind, task, 1, Json.mapper().createObjectNode().put("payload", "e30="))));
  }

  private static Exchange exchange(String path, long from, long to) {
    return new Exchange(path, from, to, -1);
  }

  @Test
  void aTasksOverheadIsItsWindowMinusTheTimeTheStandInHeldItsChats() {
    List<Line> lines = List.of(
        new Line(15, 1_000, "[worker-1] models ready"),
        statement(100, 2_000, AttestationLine.TASK, "T-1"),
        new Line(101, 2_100, "HONEST-SUMMARY {}"),
        statement(200, 2_500, AttestationLine.TASK, "T-2"),
        statement(210, 2_600, AttestationLine.WORKER_SUMMARY, null));
    List<Exchange> exchanges = List.of(
        exchange(RecordingOllama.TAGS, 0, 10),
        exchange(RecordingOllama.CHAT, 20, 50),
        exchange(RecordingOllama.CHAT, 60, 70),
        exchange(RecordingOllama.CHAT, 120, 150));

    List<TaskCost> costs = TaskCosts.of(lines, exchanges);

    assertThat(costs).containsExactly(
        new TaskCost("T-1", 90, 40, 2, -1, -1),
        new TaskCost("T-2", 100, 30, 1, 500, -1));
    assertThat(costs).extracting(TaskCost::overheadNanos).containsExactly(50L, 70L);
  }

  @Test
  void outsideTheCallsIsTheWindowMinusTheCallsAsTheWorkerTimedThemInItsRecord() {
    long ms = 1_000_000;
    List<Line> lines = List.of(
        new Line(150 * ms, 0, "[worker-1] " + ResultLines.format(record("T-1", 25, 10))),
        statement(151 * ms, 0, AttestationLine.TASK, "T-1"),
        statement(200 * ms, 0, AttestationLine.TASK, "T-2"));
    List<Exchange> exchanges = List.of(exchange(RecordingOllama.TAGS, 0, 100 * ms),
        exchange(RecordingOllama.CHAT, 110 * ms, 130 * ms), exchange(RecordingOllama.CHAT, 132 * ms, 140 * ms));

    List<TaskCost> costs = TaskCosts.of(lines, exchanges);

    // The stand-in held the chats 28 ms of the 51 ms window; the worker timed them at 35 ms (its
    // HTTP client's part included).
    assertThat(costs.get(0)).isEqualTo(new TaskCost("T-1", 51 * ms, 28 * ms, 2, -1, 35 * ms));
    assertThat(costs.get(0).overheadNanos()).isEqualTo(23 * ms);
    assertThat(costs.get(0).outsideCallsNanos()).isEqualTo(16 * ms);
    assertThat(costs.get(1).callsNanos()).isEqualTo(-1);
    assertThatThrownBy(() -> costs.get(1).outsideCallsNanos()).hasMessageContaining("T-2");
  }

  /** A completed record of an analysis task whose calls took {@code callMillis} each, as the worker timed them. */
  private static TaskRecord record(String id, long... callMillis) {
    List<CallRecord> calls = new ArrayList<>();
    for (long d : callMillis) {
      calls.add(new CallRecord("codellama:7b", "http://ollama:11434", "task", 200, 10, 5, d * 900_000, d, "stop",
          "a".repeat(64), "b".repeat(32), "c".repeat(64), null));
    }
    return new TaskRecord(id, "Review", Priority.HIGH, "security", "api", Action.ANALYZE, 1, "pod-1", "node-1",
        TaskStatus.COMPLETED, null, "codellama:7b", null, 1, Instant.parse("2026-11-27T00:00:00Z"),
        Instant.parse("2026-11-27T00:00:01Z"), List.of(), calls, List.of(), List.of());
  }

  @Test
  void theFirstWindowStartsWhenTheLastModelListBeforeItWasAnswered() {
    List<Line> lines = List.of(statement(100, 0, AttestationLine.TASK, "T-1"));
    List<Exchange> exchanges = List.of(exchange(RecordingOllama.TAGS, 0, 10), exchange(RecordingOllama.TAGS, 30, 40),
        exchange(RecordingOllama.CHAT, 50, 60));

    assertThat(TaskCosts.of(lines, exchanges)).containsExactly(new TaskCost("T-1", 60, 10, 1, -1, -1));
  }

  @Test
  void aTaskStatementBeforeAnyModelListIsNotMeasured() {
    List<Line> lines = List.of(statement(5, 0, AttestationLine.TASK, "T-1"));

    assertThatThrownBy(() -> TaskCosts.of(lines, List.of(exchange(RecordingOllama.TAGS, 0, 10))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("T-1");
  }

  @Test
  void theMedianAndNinetiethPercentileAreNearestRanks() {
    Spread s = Spread.ofNanos(List.of(10_000_000L, 1_000_000L, 2_000_000L, 3_000_000L, 4_000_000L, 5_000_000L,
        6_000_000L, 7_000_000L, 8_000_000L, 9_000_000L));

    assertThat(s).isEqualTo(new Spread(10, 5.0, 9.0, 10.0));
  }
}
