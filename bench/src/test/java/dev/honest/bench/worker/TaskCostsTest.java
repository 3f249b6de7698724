package dev.honest.bench.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.bench.worker.RecordingOllama.Exchange;
import dev.honest.bench.worker.TaskCosts.Spread;
import dev.honest.bench.worker.TaskCosts.TaskCost;
import dev.honest.bench.worker.TimedProcess.Line;
import dev.honest.common.json.Json;
import dev.honest.common.result.AttestationLine;
import dev.honest.common.result.ResultLines;
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
        new Line(101, 2_100, "HONEST-RESULT {}"),
        statement(200, 2_500, AttestationLine.TASK, "T-2"),
        statement(210, 2_600, AttestationLine.WORKER_SUMMARY, null));
    List<Exchange> exchanges = List.of(
        exchange(RecordingOllama.TAGS, 0, 10),
        exchange(RecordingOllama.CHAT, 20, 50),
        exchange(RecordingOllama.CHAT, 60, 70),
        exchange(RecordingOllama.CHAT, 120, 150));

    List<TaskCost> costs = TaskCosts.of(lines, exchanges);

    assertThat(costs).containsExactly(
        new TaskCost("T-1", 90, 40, 2, -1),
        new TaskCost("T-2", 100, 30, 1, 500));
    assertThat(costs).extracting(TaskCost::overheadNanos).containsExactly(50L, 70L);
  }

  @Test
  void theFirstWindowStartsWhenTheLastModelListBeforeItWasAnswered() {
    List<Line> lines = List.of(statement(100, 0, AttestationLine.TASK, "T-1"));
    List<Exchange> exchanges = List.of(exchange(RecordingOllama.TAGS, 0, 10), exchange(RecordingOllama.TAGS, 30, 40),
        exchange(RecordingOllama.CHAT, 50, 60));

    assertThat(TaskCosts.of(lines, exchanges)).containsExactly(new TaskCost("T-1", 60, 10, 1, -1));
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
