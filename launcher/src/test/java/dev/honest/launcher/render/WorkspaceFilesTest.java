package dev.honest.launcher.render;

import static dev.honest.launcher.TestTasks.withFiles;
import static dev.honest.launcher.TestTasks.write;
import static dev.honest.launcher.TestTasks.writeText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceFilesTest {
  private static final long ONE_MIB = 1024 * 1024;

  @TempDir Path workspace;
  @TempDir Path mounted;

  private final Renderer renderer = new Renderer();

  private RenderedRun render(List<TaskSpec> tasks, int workers) throws RenderException {
    return renderer.render(RunSettings.builder("run-1", "w.example/worker:1").workers(workers).build(), tasks, workspace);
  }

  @Test
  void manyFilesAreSplitSoThatNoConfigMapExceedsOneMebibyte() throws RenderException {
    List<String> files = new ArrayList<>();
    Random random = new Random(1);
    for (int i = 0; i < 60; i++) {
      String path = "src/pkg" + (i % 4) + "/File" + i + ".java";
      // Quotes and backslashes grow when escaped; non-ASCII takes several bytes per character.
      String line = i % 3 == 0 ? "s = \"a\\\\b\" + 'ü€';\n" : "int x = " + random.nextInt() + ";\n";
      write(workspace, path, line.repeat(60_000 / line.length()).getBytes(StandardCharsets.UTF_8));
      files.add(path);
    }
    List<TaskSpec> tasks = List.of(withFiles("big", Priority.HIGH, "", "", files.toArray(String[]::new)));

    RenderedRun run = render(tasks, 1);

    List<ConfigMap> fileMaps = run.configMaps().subList(1, run.configMaps().size());
    assertThat(fileMaps).hasSizeGreaterThan(2);
    assertThat(fileMaps).extracting(c -> c.getMetadata().getName())
        .startsWith("k8s-worker-1-files-1", "k8s-worker-1-files-2");
    assertThat(run.configMaps()).allSatisfy(c -> {
      assertThat((long) Manifests.SERIALIZATION.asJson(c).getBytes(StandardCharsets.UTF_8).length)
          .as(c.getMetadata().getName()).isLessThanOrEqualTo(ONE_MIB);
      assertThat(Manifests.SERIALIZATION.asYaml(c).getBytes(StandardCharsets.UTF_8).length)
          .as(c.getMetadata().getName()).isLessThanOrEqualTo((int) ONE_MIB);
    });
    assertThat(fileMaps.stream().mapToInt(c -> c.getData().size()).sum()).isEqualTo(60);
  }

  @Test
  void aSingleFileTooLargeForAConfigMapIsRejectedNamingItAndItsSize() {
    write(workspace, "data/huge dump.sql", "x".repeat(1_100_000).getBytes(StandardCharsets.UTF_8));
    List<TaskSpec> tasks = List.of(withFiles("t", Priority.LOW, "", "", "data/huge dump.sql"));

    assertThatThrownBy(() -> render(tasks, 1))
        .isInstanceOf(RenderException.class)
        .hasMessageContaining("'data/huge dump.sql'")
        .hasMessageContaining("1100000 bytes")
        .hasMessageContaining("1 MiB");
  }

  @Test
  void aBinaryFileTooLargeAsBase64IsRejectedThoughItsRawSizeWouldFit() {
    write(workspace, "img/logo.png", new byte[800_000]);
    List<TaskSpec> tasks = List.of(withFiles("t", Priority.LOW, "", "", "img/logo.png"));

    assertThatThrownBy(() -> render(tasks, 1))
        .isInstanceOf(RenderException.class)
        .hasMessageContaining("'img/logo.png' is 800000 bytes")
        .hasMessageContaining("base64");
  }

  @Test
  void aBinaryFileGoesToBinaryDataAndTextToData() throws RenderException {
    byte[] binary = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
    write(workspace, "img/logo.png", binary);
    write(workspace, "src/app.py", "print('héllo')\r\n\tx = 1\n".getBytes(StandardCharsets.UTF_8));
    List<TaskSpec> tasks = List.of(withFiles("t", Priority.LOW, "", "", "img/logo.png", "src/app.py"));

    ConfigMap files = render(tasks, 1).configMaps().get(1);

    assertThat(files.getBinaryData()).containsOnlyKeys("f0001");
    assertThat(Base64.getDecoder().decode(files.getBinaryData().get("f0001"))).isEqualTo(binary);
    assertThat(files.getData()).containsOnly(Map.entry("f0002", "print('héllo')\r\n\tx = 1\n"));
  }

  @Test
  void keysAreConfigMapSafeAndItemsMountEveryFileAtItsWorkspacePath() throws RenderException, IOException {
    writeText(workspace, "src/main.py", 500);
    writeText(workspace, "My Documents/read me (final).md", 700);
    writeText(workspace, "a/b/c/d/deep.ts", 900);
    write(workspace, "assets/icon.bin", new byte[] {0, 1, 2, 3, (byte) 0xfe});
    writeText(workspace, "other/unrelated.txt", 100);
    List<TaskSpec> tasks = List.of(
        withFiles("t1", Priority.HIGH, "", "", "src/main.py", "My Documents/read me (final).md"),
        withFiles("t2", Priority.LOW, "", "", "a/b/c/d/deep.ts", "assets/icon.bin", "src/main.py"));

    RenderedRun run = render(tasks, 1);
    Map<String, ConfigMap> maps = run.configMaps().stream()
        .collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c));
    Job job = run.jobs().get(0);
    List<VolumeProjection> sources = job.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("workspace")).findFirst().orElseThrow().getProjected().getSources();

    // Do what the kubelet does: write each item's value at its path under the mount.
    for (VolumeProjection source : sources) {
      ConfigMap cm = maps.get(source.getConfigMap().getName());
      for (KeyToPath item : source.getConfigMap().getItems()) {
        assertThat(item.getKey()).matches("[-._a-zA-Z0-9]+");
        String text = cm.getData().get(item.getKey());
        byte[] bytes = text != null ? text.getBytes(StandardCharsets.UTF_8)
            : Base64.getDecoder().decode(cm.getBinaryData().get(item.getKey()));
        write(mounted, item.getPath(), bytes);
      }
    }

    assertThat(tree(mounted)).containsExactlyInAnyOrder(
        "My Documents/read me (final).md", "a/b/c/d/deep.ts", "assets/icon.bin", "src/main.py");
    for (String path : tree(mounted)) {
      assertThat(mounted.resolve(path)).as(path).hasSameBinaryContentAs(workspace.resolve(path));
    }
  }

  @Test
  void eachWorkerGetsOnlyTheFilesOfItsOwnTasks() throws RenderException {
    writeText(workspace, "one.py", 10);
    writeText(workspace, "two.py", 10);
    List<TaskSpec> tasks = List.of(
        withFiles("t1", Priority.HIGH, "", "", "one.py"), withFiles("t2", Priority.HIGH, "", "", "two.py"));

    RenderedRun run = render(tasks, 2);

    for (int n = 1; n <= 2; n++) {
      String expected = run.plan().workers().get(n - 1).tasks().get(0).equals("t1") ? "one.py" : "two.py";
      Job job = run.jobs().get(n - 1);
      assertThat(job.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(v -> v.getName().equals("workspace"))
          .flatExtracting(v -> v.getProjected().getSources())
          .flatExtracting(s -> s.getConfigMap().getItems())
          .extracting(KeyToPath::getPath)
          .containsExactly(expected);
    }
  }

  @Test
  void aPathKubernetesCannotMountIsRejected() {
    writeText(workspace, "x.py", 10);
    List<TaskSpec> tasks = List.of(withFiles("t", Priority.LOW, "", "", "./x.py"),
        withFiles("u", Priority.LOW, "", "", "./x.py"));

    // The task file is what the user edits: the tasks that name the file are named too.
    assertThatThrownBy(() -> render(tasks, 1))
        .isInstanceOf(RenderException.class)
        .hasMessageContaining("'./x.py' cannot be mounted")
        .hasMessageEndingWith("; named by task t, u");
  }

  @Test
  void aTopLevelNameStartingWithTwoDotsIsRejectedAsTheApiServerWouldRejectTheJob() {
    // The API server refuses an item path starting with '..' (the kubelet keeps ..data there).
    writeText(workspace, "..env.example", 10);
    List<TaskSpec> tasks = List.of(withFiles("t", Priority.LOW, "", "", "..env.example"));

    assertThatThrownBy(() -> render(tasks, 1))
        .isInstanceOf(RenderException.class)
        .hasMessageContaining("'..env.example' cannot be mounted");
  }

  private static List<String> tree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).toList();
    }
  }
}
