package dev.honest.launcher.plan;

import static dev.honest.launcher.TestTasks.general;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTableTest {
  private final List<TaskSpec> tasks = List.of(
      general("a", Priority.CRITICAL, "", ""), general("b", Priority.HIGH, "", ""),
      general("c", Priority.HIGH, "", ""), general("d", Priority.LOW, "", ""));
  private final Plan plan = new Plan("run-1", List.of(
      new WorkerSlice(1, "critical-security-frontend", "k8s-worker-1", List.of("a", "b", "d"), 9000),
      new WorkerSlice(2, "high", "k8s-worker-2", List.of("c"), 2560)));

  @Test
  void eachWorkerIsOneAlignedRowFollowedByTheTotal() {
    String table = PlanTable.render(plan, tasks, 2);

    assertThat(table.lines()).containsExactly(
        "WORKER  JOB           NAME                        TASKS  EST. TOKENS  PRIORITIES",
        "1       k8s-worker-1  critical-security-frontend  3      9000         critical 1, high 1, low 1",
        "2       k8s-worker-2  high                        1      2560         high 1",
        "total                                             4      11560");
  }

  @Test
  void fewerWorkersThanRequestedAreExplainedBelowTheTable() {
    String table = PlanTable.render(plan, tasks, 12);

    assertThat(table.lines()).last()
        .isEqualTo("note: only 4 task(s) for 12 requested workers: using 2 worker(s)");
  }
}
