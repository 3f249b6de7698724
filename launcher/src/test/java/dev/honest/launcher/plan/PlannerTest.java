package dev.honest.launcher.plan;

import static dev.honest.launcher.TestTasks.general;
import static dev.honest.launcher.TestTasks.mixed;
import static dev.honest.launcher.TestTasks.withFiles;
import static dev.honest.launcher.TestTasks.writeText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {
  private static final GenerationOptions OPTIONS = GenerationOptions.DEFAULTS;

  @TempDir Path workspace;

  private final Planner planner = new Planner();

  @Test
  void seventyOneTasksOnTwelveWorkersArePlannedExactlyOnceEach() {
    List<TaskSpec> tasks = mixed(workspace, 71, 7);

    Plan plan = planner.plan("run-1", tasks, workspace, 12, OPTIONS);

    assertThat(plan.workers()).hasSize(12);
    assertThat(plan.workers()).extracting(WorkerSlice::index).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertThat(plan.workers()).extracting(WorkerSlice::job).startsWith("k8s-worker-1").endsWith("k8s-worker-12");
    List<String> planned = plan.workers().stream().flatMap(w -> w.tasks().stream()).toList();
    assertThat(planned).hasSize(71).containsExactlyInAnyOrderElementsOf(ids(tasks));
    assertThat(plan.workers()).allSatisfy(w -> assertThat(w.tasks()).isNotEmpty());
    assertThat(Planner.workerNote(plan, 12)).isEmpty();
  }

  @Test
  void fewerTasksThanWorkersUseOneWorkerPerTaskAndSaySo() {
    List<TaskSpec> tasks = List.of(
        general("a", Priority.LOW, "docs", ""), general("b", Priority.HIGH, "", ""), general("c", Priority.MEDIUM, "", ""));

    Plan plan = planner.plan("run-1", tasks, workspace, 12, OPTIONS);

    assertThat(plan.workers()).hasSize(3);
    assertThat(plan.workers()).allSatisfy(w -> assertThat(w.tasks()).hasSize(1));
    assertThat(plan.taskCount()).isEqualTo(3);
    assertThat(Planner.workerNote(plan, 12)).isEqualTo("only 3 task(s) for 12 requested workers: using 3 worker(s)");
  }

  @Test
  void oneWorkerRunsEveryTaskByPriorityThenEstimateThenId() {
    writeText(workspace, "big.py", 30_000);
    writeText(workspace, "small.py", 1_000);
    List<TaskSpec> tasks = List.of(
        general("low-1", Priority.LOW, "", ""),
        withFiles("high-small", Priority.HIGH, "", "", "small.py"),
        general("crit-b", Priority.CRITICAL, "", ""),
        withFiles("high-big", Priority.HIGH, "", "", "big.py"),
        general("crit-a", Priority.CRITICAL, "", ""));

    Plan plan = planner.plan("run-1", tasks, workspace, 1, OPTIONS);

    assertThat(plan.workers()).singleElement().satisfies(w -> assertThat(w.tasks())
        .containsExactly("crit-a", "crit-b", "high-big", "high-small", "low-1"));
  }

  @Test
  void criticalTasksStartFirstOnEveryWorker() {
    List<TaskSpec> tasks = new ArrayList<>(mixed(workspace, 60, 11));
    for (int i = 1; i <= 12; i++) {
      tasks.add(general("urgent-" + i, Priority.CRITICAL, "security", "backend"));
    }
    Map<String, TaskSpec> byId = tasks.stream().collect(Collectors.toMap(TaskSpec::id, Function.identity()));

    Plan plan = planner.plan("run-1", tasks, workspace, 12, OPTIONS);

    for (WorkerSlice w : plan.workers()) {
      List<TaskSpec> slice = w.tasks().stream().map(byId::get).toList();
      assertThat(slice.get(0).priority()).as("first task of worker %d", w.index()).isEqualTo(Priority.CRITICAL);
      assertThat(slice).extracting(TaskSpec::priority).isSortedAccordingTo(Comparator.naturalOrder());
    }
  }

  @Test
  void theSameTasksInAnyOrderGiveTheSamePlan() {
    List<TaskSpec> tasks = mixed(workspace, 71, 3);
    List<TaskSpec> shuffled = new ArrayList<>(tasks);
    Collections.shuffle(shuffled, new Random(99));

    Plan first = planner.plan("run-1", tasks, workspace, 12, OPTIONS);
    Plan second = planner.plan("run-1", tasks, workspace, 12, OPTIONS);
    Plan reordered = planner.plan("run-1", shuffled, workspace, 12, OPTIONS);

    assertThat(second).isEqualTo(first);
    assertThat(reordered).isEqualTo(first);
  }

  @Test
  void slicesOfARealisticMixedRunAreWithinAQuarterOfTheIdealLoad() {
    for (long seed = 1; seed <= 5; seed++) {
      List<TaskSpec> tasks = mixed(workspace.resolve("ws" + seed), 71, seed);
      Plan plan = planner.plan("run-1", tasks, workspace.resolve("ws" + seed), 12, OPTIONS);

      long total = plan.workers().stream().mapToLong(WorkerSlice::estimatedTokens).sum();
      long max = plan.workers().stream().mapToLong(WorkerSlice::estimatedTokens).max().orElseThrow();
      WorkEstimate estimate = new WorkEstimate(workspace.resolve("ws" + seed), OPTIONS);
      assertThat(total).isEqualTo(tasks.stream().mapToLong(estimate::tokens).sum());
      assertThat((double) max).as("seed %d", seed).isLessThanOrEqualTo(1.25 * total / 12);
    }
  }

  @Test
  void aWorkerIsNamedAfterItsDominantPriorityCategoryAndArea() {
    writeText(workspace, "ui/login.ts", 20_000);
    List<TaskSpec> tasks = List.of(
        withFiles("t1", Priority.CRITICAL, "Security", "Frontend", "ui/login.ts"),
        general("t2", Priority.LOW, "performance", "backend"));

    Plan plan = planner.plan("run-1", tasks, workspace, 1, OPTIONS);

    assertThat(plan.workers().get(0).name()).isEqualTo("critical-security-frontend");
  }

  @Test
  void workerNamesAreShortDnsLabelsAndUniqueWithinTheRun() {
    List<TaskSpec> tasks = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      tasks.add(general("t" + i, Priority.HIGH, "Input Validation & Sanitisation (OWASP A03)", "Customer Facing Web Portal"));
    }
    tasks.addAll(mixed(workspace, 30, 5));

    Plan plan = planner.plan("run-1", tasks, workspace, 12, OPTIONS);

    List<String> names = plan.workers().stream().map(WorkerSlice::name).toList();
    assertThat(names).doesNotHaveDuplicates();
    assertThat(names).allSatisfy(n -> assertThat(n).hasSizeLessThanOrEqualTo(Planner.MAX_NAME_LENGTH)
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"));
  }

  @Test
  void equalNamesGetANumberSuffixWithinTheLengthLimit() {
    List<TaskSpec> tasks = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      tasks.add(general("t" + i, Priority.HIGH, "input validation and sanitisation", "customer portal"));
    }

    Plan plan = planner.plan("run-1", tasks, workspace, 3, OPTIONS);

    assertThat(plan.workers()).extracting(WorkerSlice::name).containsExactly(
        "high-input-validation-and-sanitisation-c",
        "high-input-validation-and-sanitisation-2",
        "high-input-validation-and-sanitisation-3");
  }

  @Test
  void aTaskFileMissingFromTheWorkspaceIsRejectedByName() {
    List<TaskSpec> tasks = List.of(withFiles("t1", Priority.HIGH, "", "", "src/gone.py"));

    assertThatThrownBy(() -> planner.plan("run-1", tasks, workspace, 2, OPTIONS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task t1").hasMessageContaining("src/gone.py");
  }

  @Test
  void aDuplicateTaskIdIsRejected() {
    List<TaskSpec> tasks = List.of(general("t1", Priority.HIGH, "", ""), general("t1", Priority.LOW, "", ""));

    assertThatThrownBy(() -> planner.plan("run-1", tasks, workspace, 2, OPTIONS))
        .hasMessage("task id t1 appears twice");
  }

  @Test
  void noTasksOrNoWorkersCannotBePlanned() {
    assertThatThrownBy(() -> planner.plan("run-1", List.of(), workspace, 2, OPTIONS)).hasMessage("no tasks to plan");
    assertThatThrownBy(() -> planner.plan("run-1", List.of(general("t", Priority.LOW, "", "")), workspace, 0, OPTIONS))
        .hasMessage("workers must be at least 1, got 0");
  }

  private static List<String> ids(List<TaskSpec> tasks) {
    return tasks.stream().map(TaskSpec::id).toList();
  }
}
