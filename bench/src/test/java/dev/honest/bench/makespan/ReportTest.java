package dev.honest.bench.makespan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static Report.Row row(String mode, double wall, double bound, int completed) {
    Figures f = new Figures(wall, bound, bound / 10, bound, 1, wall - 1, 0, 10, List.of(), 0, 0);
    return new Report.Row(mode, 0, completed, 71, f, 1);
  }

  @Test
  void theJudgedModeOverTheTargetIsMissedAndFailsTheBenchmarkWhileTheModesForComparisonDoNot() {
    Map<MakespanBench.Mode, List<Report.Row>> rows = new EnumMap<>(MakespanBench.Mode.class);
    rows.put(MakespanBench.Mode.STICKY, List.of(row("sticky", 50, 20, 71)));
    rows.put(MakespanBench.Mode.CLAIMS, List.of(row("claims", 28, 20, 71)));
    rows.put(MakespanBench.Mode.INPROC, List.of(row("inproc", 21, 20, 71)));
    assertThat(Report.met(rows, MakespanBench.TARGET_RATIO)).isTrue();
    assertThat(Report.verdict("71 tasks", rows, MakespanBench.TARGET_RATIO)).doesNotContain("MISSED")
        .contains("claims  1.40                       (for comparison");

    rows.put(MakespanBench.Mode.INPROC, List.of(row("inproc", 21, 20, 71), row("inproc", 24, 20, 71)));

    assertThat(Report.verdict("71 tasks", rows, MakespanBench.TARGET_RATIO)).contains("inproc  1.05, 1.20")
        .contains("MISSED");
    assertThat(Report.met(rows, MakespanBench.TARGET_RATIO)).isFalse();
  }

  @Test
  void aMeasuredModeThatDidNotCompleteEveryTaskIsMissedWhateverItsRatio() {
    Map<MakespanBench.Mode, List<Report.Row>> rows = new EnumMap<>(MakespanBench.Mode.class);
    rows.put(MakespanBench.Mode.INPROC, List.of(row("inproc", 20, 20, 70)));

    assertThat(Report.met(rows, MakespanBench.TARGET_RATIO)).isFalse();
  }
}
