package dev.honest.worker.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskSourceTest {
  @TempDir Path claims;

  private static final Plan PLAN = new Plan("run", List.of(
      new WorkerSlice(1, "a", "k8s-worker-1", List.of("A1", "A2"), 2),
      new WorkerSlice(2, "b", "k8s-worker-2", List.of("B1", "B2", "B3", "B4"), 4),
      new WorkerSlice(3, "c", "k8s-worker-3", List.of("C1", "C2", "C3"), 3)));

  private static final Map<String, TaskSpec> TASKS = tasks("A1", "A2", "B1", "B2", "B3", "B4", "C1", "C2", "C3");

  private static Map<String, TaskSpec> tasks(String... ids) {
    Map<String, TaskSpec> byId = new LinkedHashMap<>();
    for (String id : ids) {
      byId.put(id, new TaskSpec(id, "Task " + id, "", Priority.MEDIUM, "quality", "", List.of(), Action.ANALYZE, null));
    }
    return byId;
  }

  /** Why the claims failed, as each worker was told. */
  private final List<String> claimsFailed = new ArrayList<>();

  private TaskSource worker(int index) {
    return worker(index, claims);
  }

  private TaskSource worker(int index, Path claimsDir) {
    return TaskSource.claiming(PLAN, TASKS, index, new DirectoryClaims(claimsDir, index), claimsFailed::add);
  }

  private static List<String> drain(TaskSource source, int max) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < max; i++) {
      Optional<TaskSpec> next = source.next();
      if (next.isEmpty()) {
        break;
      }
      ids.add(next.get().id());
    }
    return ids;
  }

  @Test
  void aFixedSourceHandsOutExactlyItsSliceInOrder() {
    TaskSource fixed = TaskSource.fixed(List.of(TASKS.get("B2"), TASKS.get("A1")));

    assertThat(fixed.candidates()).extracting(TaskSpec::id).containsExactly("B2", "A1");
    assertThat(drain(fixed, 10)).containsExactly("B2", "A1");
  }

  @Test
  void aWorkerRunsItsOwnSliceFirstThenTakesTheEndOfTheSliceWithTheMostLeft() {
    TaskSource first = worker(1);

    // Own slice; then worker 2 has 4 unclaimed tasks (the most): its last; then 3 each, the lower index first.
    assertThat(drain(first, 4)).containsExactly("A1", "A2", "B4", "B3");
    assertThat(drain(first, 1)).containsExactly("C3");
  }

  @Test
  void noTaskIsHandedOutTwiceAmongWorkersSharingClaims() {
    TaskSource one = worker(1);
    TaskSource two = worker(2);
    TaskSource three = worker(3);
    List<String> handedOut = new ArrayList<>();
    boolean any = true;
    while (any) {
      any = false;
      for (TaskSource s : List.of(one, two, three)) {
        Optional<TaskSpec> next = s.next();
        next.ifPresent(t -> handedOut.add(t.id()));
        any |= next.isPresent();
      }
    }

    assertThat(handedOut).containsExactlyInAnyOrderElementsOf(TASKS.keySet());
  }

  @Test
  void aTaskAnotherWorkerTookOverIsSkippedInTheOwnSlice() {
    TaskSource thief = worker(1);
    assertThat(drain(thief, 3)).containsExactly("A1", "A2", "B4");

    assertThat(drain(worker(2), 10)).containsExactly("B1", "B2", "B3", "C3", "C2", "C1");
    assertThat(thief.next()).isEmpty();
  }

  @Test
  void afterOwnSliceOnlyAWorkerTakesNothingFromTheOthers() {
    TaskSource source = worker(3);
    assertThat(drain(source, 1)).containsExactly("C1");

    source.ownSliceOnly();

    assertThat(drain(source, 10)).containsExactly("C2", "C3");
    assertThat(drain(worker(2), 10)).containsExactly("B1", "B2", "B3", "B4", "A2", "A1");
  }

  @Test
  void aWorkerWhoseClaimsFailRunsTheTaskAnywayThenTheRestOfItsSliceOnlyAndIsToldWhyOnce() throws Exception {
    Path shared = Files.createDirectory(claims.resolve("shared"));
    TaskSource source = worker(2, shared);
    assertThat(drain(source, 1)).containsExactly("B1");

    Files.move(shared, claims.resolve("gone")); // the shared directory is gone: no claim can be made any more

    // B2's claim failed: it is run all the same (never lost), and so are B3 and B4; nothing of the others.
    assertThat(drain(source, 10)).containsExactly("B2", "B3", "B4");
    assertThat(claimsFailed).singleElement().asString().contains("cannot claim task B2 in " + shared);
  }

  @Test
  void aClaimingWorkerWaitsForTheModelsOfEveryTaskItMightTake() {
    assertThat(worker(2).candidates()).extracting(TaskSpec::id).containsExactlyElementsOf(TASKS.keySet());
  }

  @Test
  void aWorkerTakesOverOnlyTheTasksItHasTheSpecificationOf() {
    Plan plan = new Plan("run", List.of(new WorkerSlice(1, "a", "k8s-worker-1", List.of("A1"), 1),
        new WorkerSlice(2, "b", "k8s-worker-2", List.of("B1", "X9"), 2)));

    TaskSource source = TaskSource.claiming(plan, TASKS, 1, new DirectoryClaims(claims, 1), claimsFailed::add);

    assertThat(drain(source, 10)).containsExactly("A1", "B1");
  }

  @Test
  void aTaskOfTheWorkersOwnSliceThatItWasNotGivenIsRefusedNamingIt() {
    Plan plan = new Plan("run", List.of(new WorkerSlice(1, "a", "k8s-worker-1", List.of("A1", "X9"), 2)));

    assertThatThrownBy(() -> TaskSource.claiming(plan, TASKS, 1, new DirectoryClaims(claims, 1), claimsFailed::add))
        .hasMessageContaining("worker 1").hasMessageContaining("X9");
  }
}
