package dev.honest.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.json.Json;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLayoutTest {
  @TempDir Path dir;

  private static TaskSpec task(String id) {
    return new TaskSpec(id, "Task " + id, "", Priority.MEDIUM, "", "", List.of(), null, null);
  }

  private void shard(int worker, int part, int parts, String... ids) throws IOException {
    List<TaskSpec> tasks = Arrays.stream(ids).map(ConfigLayoutTest::task).toList();
    Files.writeString(dir.resolve(ConfigLayout.shardFile(worker, part, parts)), Json.mapper().writeValueAsString(tasks));
  }

  @Test
  void theThreeFilesWrittenAreReadBack() throws Exception {
    WorkerConfig config = WorkerConfig.defaults("run-1", List.of("http://ollama:11434"));
    Plan plan = new Plan("run-1", List.of(new WorkerSlice(1, "w", "k8s-worker-1", List.of("b", "a"), 10)));
    ConfigLayout.write(dir, config, List.of(task("a"), task("b")), plan);

    assertThat(ConfigLayout.readConfig(dir)).isEqualTo(config);
    assertThat(ConfigLayout.readPlan(dir)).isEqualTo(plan);
    assertThat(ConfigLayout.readTasks(dir)).containsExactly(task("a"), task("b"));
  }

  @Test
  void renderedFilesAreWrittenWithTheTextsAndNamesOfTheDirectWrite() throws Exception {
    WorkerConfig config = WorkerConfig.defaults("run-1", List.of("http://ollama:11434"));
    Plan plan = new Plan("run-1", List.of(new WorkerSlice(1, "w", "k8s-worker-1", List.of("a"), 10)));
    Path direct = dir.resolve("direct");
    Path rendered = dir.resolve("rendered");
    ConfigLayout.write(direct, config, List.of(task("a")), plan);

    Map<String, String> files = ConfigLayout.render(config, List.of(task("a")), plan);
    ConfigLayout.write(rendered, files);

    assertThat(files).containsOnlyKeys("config.json", "tasks.json", "plan.json");
    assertThat(files.get("plan.json")).isEqualTo(ConfigLayout.toJson(plan));
    for (String name : files.keySet()) {
      assertThat(Files.readString(rendered.resolve(name))).as(name).isEqualTo(Files.readString(direct.resolve(name)));
    }
    try (var written = Files.list(rendered)) {
      assertThat(written).hasSize(3);
    }
  }

  @Test
  void withoutTasksJsonTheShardsAreReadWorkerByWorkerAndPartByPart() throws Exception {
    shard(10, 1, 1, "j");
    shard(2, 2, 2, "d");
    shard(2, 1, 2, "b", "c");
    shard(1, 1, 1, "a");
    Files.writeString(dir.resolve("config.json"), "{}");

    assertThat(ConfigLayout.readTasks(dir)).extracting(TaskSpec::id).containsExactly("a", "b", "c", "d", "j");
  }

  @Test
  void aMissingPartOfAWorkersShardsIsAnErrorNamingTheFile() throws Exception {
    shard(3, 1, 3, "a");
    shard(3, 3, 3, "c");

    assertThatThrownBy(() -> ConfigLayout.readTasks(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessage(dir.resolve("tasks-worker-3-part-2-of-3.json") + ": missing (part 2 of the 3 task shards of worker 3)");
  }

  @Test
  void theLastPartMissingIsFoundByTheCountTheOtherPartsCarry() throws Exception {
    shard(1, 1, 2, "a");

    assertThatThrownBy(() -> ConfigLayout.readTasks(dir))
        .hasMessageContaining("tasks-worker-1-part-2-of-2.json: missing");
  }

  @Test
  void partsDisagreeingOnTheirCountAreAnError() throws Exception {
    shard(1, 1, 2, "a");
    shard(1, 2, 3, "b");

    assertThatThrownBy(() -> ConfigLayout.readTasks(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("worker 1's task shards disagree on their number of parts (2 and 3)");
  }

  @Test
  void aTaskInTwoShardsIsAnErrorNamingItAndBothFiles() throws Exception {
    shard(1, 1, 1, "a", "b");
    shard(2, 1, 1, "b");

    assertThatThrownBy(() -> ConfigLayout.readTasks(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessage(dir.resolve("tasks-worker-2-part-1-of-1.json") + ": task b appears twice (also in "
            + "tasks-worker-1-part-1-of-1.json)");
  }

  @Test
  void tasksJsonBesideShardsIsAmbiguous() throws Exception {
    Files.writeString(dir.resolve(ConfigLayout.TASKS_FILE), "[]");
    shard(1, 1, 1, "a");

    assertThatThrownBy(() -> ConfigLayout.readTasks(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tasks.json: present beside task shards");
  }

  @Test
  void neitherTasksJsonNorShardsIsAnErrorNamingTasksJson() {
    assertThatThrownBy(() -> ConfigLayout.readTasks(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessage(dir.resolve("tasks.json") + ": missing (and no task shards tasks-worker-W-part-P-of-N.json)");
    assertThatThrownBy(() -> ConfigLayout.readTasks(dir.resolve("nowhere")))
        .hasMessage(dir.resolve("nowhere") + ": missing");
  }

  @Test
  void aBrokenShardIsAnErrorNamingIt() throws Exception {
    Files.writeString(dir.resolve(ConfigLayout.shardFile(1, 1, 1)), "[{\"id\": \"a\"}]");

    assertThatThrownBy(() -> ConfigLayout.readTasks(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(dir.resolve("tasks-worker-1-part-1-of-1.json") + ": ")
        .hasMessageContaining("title");
  }

  @Test
  void configMapDataIsReadByTheSameRulesNamingItsSource() throws Exception {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(ConfigLayout.shardFile(2, 1, 1), Json.mapper().writeValueAsString(List.of(task("b"))));
    data.put(ConfigLayout.shardFile(1, 1, 1), Json.mapper().writeValueAsString(List.of(task("a"))));
    data.put(ConfigLayout.PLAN_FILE, "{}");

    assertThat(ConfigLayout.readTasks(data, "ConfigMaps x")).extracting(TaskSpec::id).containsExactly("a", "b");
    data.put(ConfigLayout.shardFile(3, 2, 2), "[]");
    assertThatThrownBy(() -> ConfigLayout.readTasks(data, "ConfigMaps x"))
        .hasMessage("ConfigMaps x: tasks-worker-3-part-1-of-2.json: missing (part 1 of the 2 task shards of worker 3)");
  }

  @Test
  void shardNamesAreValidConfigMapKeysAndRefuseImpossibleParts() {
    assertThat(ConfigLayout.shardFile(7, 2, 3)).isEqualTo("tasks-worker-7-part-2-of-3.json")
        .matches("[-._a-zA-Z0-9]+");
    assertThatThrownBy(() -> ConfigLayout.shardFile(7, 4, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigLayout.shardFile(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
