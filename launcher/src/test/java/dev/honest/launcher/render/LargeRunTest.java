package dev.honest.launcher.render;

import static dev.honest.launcher.TestTasks.writeText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.PodVolumes;
import dev.honest.worker.WorkerMain;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs whose tasks do not fit one ConfigMap: rendered with every object under the API server's
 * limits, and each worker's pod, rebuilt from its Job's volumes, holding exactly its own tasks.
 */
class LargeRunTest {
  private static final int MIB = 1024 * 1024;
  /** Nothing of a run should come near the 1.5 MiB the API server takes for any object. */
  private static final int JOB_BYTES = 64 * 1024;

  @TempDir Path workspace;
  @TempDir Path pods;

  private final Renderer renderer = new Renderer();

  /** {@code count} tasks, descriptions of 100 to 2,500 characters, one in ten naming a small file. */
  private List<TaskSpec> tasks(int count) {
    Random random = new Random(count);
    List<TaskSpec> tasks = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String id = String.format("T-%05d", i);
      List<String> files = List.of();
      if (i % 10 == 0) {
        files = List.of("src/f" + i + ".py");
        writeText(workspace, files.get(0), 200);
      }
      tasks.add(new TaskSpec(id, "Review part " + i, "Look closely. ".repeat(7 + random.nextInt(172)),
          Priority.values()[random.nextInt(4)], "security", "backend", files, null, null));
    }
    return tasks;
  }

  private RenderedRun render(List<TaskSpec> tasks, int workers) throws RenderException {
    return renderer.render(RunSettings.builder("big-1", "registry.example/worker:1").workers(workers).build(),
        tasks, workspace);
  }

  @Test
  void twoThousandTasksOverSevenWorkersAreShardedAndEachWorkerMountsExactlyItsOwn() throws Exception {
    List<TaskSpec> tasks = tasks(2000);
    RenderedRun run = render(tasks, 7);

    assertThat(shardConfigMaps(run)).hasSizeGreaterThan(1);
    assertEveryObjectFitsAndEveryTaskIsMountedOnce(run, tasks);
  }

  @Test
  void oneWorkerWithTwoThousandTasksGetsItsShardsFromSeveralConfigMaps() throws Exception {
    List<TaskSpec> tasks = tasks(2000);
    RenderedRun run = render(tasks, 1);

    List<ConfigMap> shards = shardConfigMaps(run);
    assertThat(shards).hasSizeGreaterThan(2);
    assertThat(shards).flatExtracting(c -> c.getData().keySet()).allMatch(k -> k.startsWith("tasks-worker-1-part-"));
    assertEveryObjectFitsAndEveryTaskIsMountedOnce(run, tasks);
  }

  @Test
  void aRunThatFitsKeepsEveryTaskInOrchestratorConfig() throws Exception {
    RenderedRun run = render(tasks(200), 7);

    assertThat(run.configMaps().get(0).getData()).containsOnlyKeys("config.json", "tasks.json", "plan.json");
    assertThat(shardConfigMaps(run)).isEmpty();
    assertThat(run.jobs()).allSatisfy(j -> assertThat(volume(j).getConfigMap().getName()).isEqualTo("orchestrator-config"));
  }

  @Test
  void aTaskTooLargeForAConfigMapOnItsOwnIsARenderErrorNamingIt() {
    List<TaskSpec> tasks = new ArrayList<>(tasks(10));
    tasks.add(new TaskSpec("huge", "Huge", "x".repeat(1_100_000), Priority.LOW, "", "", List.of(), null, null));

    assertThatThrownBy(() -> render(tasks, 2))
        .isInstanceOf(RenderException.class)
        .hasMessageContaining("task huge is 1100")
        .hasMessageContaining("larger than one ConfigMap can hold");
  }

  @Test
  void aPlanTooLargeForOrchestratorConfigIsARenderErrorNamingPlanJson() {
    // The plan lists every task id: 1,100 ids of 1,000 characters are more than a ConfigMap holds.
    List<TaskSpec> tasks = Stream.iterate(1, i -> i + 1).limit(1100)
        .map(i -> new TaskSpec(String.format("%01000d", i), "t", "", Priority.LOW, "", "", List.of(), null, null))
        .toList();

    assertThatThrownBy(() -> render(tasks, 4))
        .isInstanceOf(RenderException.class)
        .hasMessageContaining("orchestrator-config")
        .hasMessageContaining("plan.json")
        .hasMessageContaining("1 MiB");
  }

  private void assertEveryObjectFitsAndEveryTaskIsMountedOnce(RenderedRun run, List<TaskSpec> tasks) throws Exception {
    for (ConfigMap c : run.configMaps()) {
      assertThat(bytes(c)).as(c.getMetadata().getName()).isLessThan(MIB);
      assertThat(Manifests.SERIALIZATION.asYaml(c).getBytes(StandardCharsets.UTF_8).length)
          .as(c.getMetadata().getName() + " as YAML").isLessThan(MIB);
    }
    run.jobs().forEach(j -> assertThat(bytes(j)).as(j.getMetadata().getName()).isLessThan(JOB_BYTES));
    assertThat(run.configMaps().get(0).getData()).containsOnlyKeys("config.json", "plan.json");

    Map<String, ConfigMap> byName = run.configMaps().stream()
        .collect(Collectors.toMap(c -> c.getMetadata().getName(), Function.identity()));
    Secret key = new SecretBuilder().withNewMetadata().withName("honest-signing-key").endMetadata()
        .addToData("key.pem", "a2V5").build();
    List<TaskSpec> mountedEverywhere = new ArrayList<>();
    for (int i = 0; i < run.jobs().size(); i++) {
      Job job = run.jobs().get(i);
      WorkerSlice slice = run.plan().workers().get(i);
      Path pod = pods.resolve(job.getMetadata().getName());
      PodVolumes.mount(job, byName::get, name -> name.equals("honest-signing-key") ? key : null, pod);
      Path config = pod.resolve("etc/honest/config");
      List<TaskSpec> mounted = ConfigLayout.readTasks(config);

      assertThat(mounted).extracting(TaskSpec::id).as(job.getMetadata().getName()).containsExactlyElementsOf(slice.tasks());
      assertThat(WorkerMain.sliceTasks(ConfigLayout.readPlan(config), mounted, slice.index())).isEqualTo(mounted);
      mountedEverywhere.addAll(mounted);
    }
    assertThat(mountedEverywhere).hasSameSizeAs(tasks).containsExactlyInAnyOrderElementsOf(tasks);

    // What `collect` reads: the data of every configuration ConfigMap together.
    Map<String, String> data = new HashMap<>();
    run.configMaps().stream().filter(c -> c.getMetadata().getName().startsWith("orchestrator-config"))
        .forEach(c -> data.putAll(c.getData()));
    assertThat(ConfigLayout.readTasks(data, "ConfigMaps")).containsExactlyElementsOf(mountedEverywhere);
  }

  private static List<ConfigMap> shardConfigMaps(RenderedRun run) {
    return run.configMaps().stream().filter(c -> c.getMetadata().getName().startsWith("orchestrator-config-tasks-"))
        .toList();
  }

  private static int bytes(HasMetadata object) {
    return Manifests.SERIALIZATION.asJson(object).getBytes(StandardCharsets.UTF_8).length;
  }

  private static Volume volume(Job job) {
    return job.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("config")).findFirst().orElseThrow();
  }
}
