package dev.honest.launcher.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.TestTasks;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the init container's script from the Deployment template under {@code /bin/sh}, against a
 * stand-in {@code ollama} command that serves, lists, shows and pulls from a state directory.
 */
@EnabledOnOs(OS.LINUX)
class PullModelsScriptTest {
  /** Fails a pull as often as the file {@code fails-<model>} says, then "downloads" the model. */
  private static final String FAKE_OLLAMA = """
      #!/bin/sh
      case "$1" in
        serve) exec sleep 300 ;;
        list) exit 0 ;;
        show) test -f "$FAKE_STATE/model-$2" ;;
        pull)
          echo "pull $2" >> "$FAKE_STATE/calls"
          if [ -f "$FAKE_STATE/missing-$2" ]; then
            echo "pulling manifest"
            echo "Error: pull model manifest: file does not exist" >&2
            exit 1
          fi
          left=$(cat "$FAKE_STATE/fails-$2" 2>/dev/null || echo 0)
          if [ "$left" -gt 0 ]; then
            echo $((left - 1)) > "$FAKE_STATE/fails-$2"
            echo "Error: pull model manifest: i/o timeout" >&2
            exit 1
          fi
          touch "$FAKE_STATE/model-$2" ;;
        *) exit 2 ;;
      esac
      """;

  @TempDir Path dir;

  private Container pull;
  private Path state;

  @BeforeEach
  void setUp() throws IOException {
    pull = Manifests.ollamaDeployment().getSpec().getTemplate().getSpec().getInitContainers().get(0);
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path ollama = bin.resolve("ollama");
    Files.writeString(ollama, FAKE_OLLAMA);
    Files.setPosixFilePermissions(ollama, PosixFilePermissions.fromString("rwxr-xr-x"));
    state = Files.createDirectories(dir.resolve("state"));
    Files.createDirectories(dir.resolve("tmp"));
  }

  @Test
  void bothModelsArePulledAndTheScriptSucceeds() throws Exception {
    Result result = run();

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(calls()).containsExactly("pull codellama:7b", "pull llama3.1:8b");
    assertThat(result.output()).contains("codellama:7b and llama3.1:8b are present");
  }

  @Test
  void aModelAlreadyInTheCacheIsNotPulledAgain() throws Exception {
    Files.createFile(state.resolve("model-codellama:7b"));

    Result result = run();

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(calls()).containsExactly("pull llama3.1:8b");
    assertThat(result.output()).contains("codellama:7b is already in the model cache");
  }

  @Test
  void aFailedPullIsRetried() throws Exception {
    Files.writeString(state.resolve("fails-llama3.1:8b"), "2");

    Result result = run();

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(calls()).containsExactly("pull codellama:7b", "pull llama3.1:8b", "pull llama3.1:8b", "pull llama3.1:8b");
  }

  @Test
  void aPullFailingEveryAttemptFailsTheInitContainerNamingTheModel() throws Exception {
    Files.writeString(state.resolve("fails-codellama:7b"), "99");

    Result result = run();

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(calls()).containsExactly("pull codellama:7b", "pull codellama:7b", "pull codellama:7b");
    assertThat(lastLine(result)).isEqualTo("pull-models: pulling codellama:7b failed 3 times, the last time with:"
        + " pull model manifest: i/o timeout");
  }

  /**
   * The registry has no such model or tag: no retry would change that, so the init container fails
   * at once, and its last line (what Kubernetes keeps as its termination message) says why.
   */
  @Test
  void aModelTheRegistryDoesNotHaveFailsAtOnceSayingWhyInTheLastLine() throws Exception {
    Files.createFile(state.resolve("missing-llama3.1:8b"));

    Result result = run();

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(calls()).containsExactly("pull codellama:7b", "pull llama3.1:8b");
    assertThat(lastLine(result)).isEqualTo("pull-models: cannot pull llama3.1:8b: pull model manifest: file does not exist"
        + " (no such model or tag in the registry: check the name)");
  }

  /**
   * A task may name its own model (`model` in the task file); every worker waits for the models of
   * the tasks it may run, so a model no replica has would fail them all.
   */
  @Test
  void aModelATaskNamesIsPulledTooAndAReplicaWithoutItIsNotReady() throws Exception {
    Path workspace = Files.createDirectories(dir.resolve("workspace"));
    List<TaskSpec> tasks = List.of(
        TestTasks.general("T-1", Priority.HIGH, "security", "backend"),
        new TaskSpec("T-2", "Task T-2", "", Priority.LOW, "", "", List.of(), null, "qwen2.5-coder:14b"));
    PodSpec pod = new Renderer().render(RunSettings.builder("run-1", "w.example/worker:1").build(), tasks, workspace)
        .deployment().getSpec().getTemplate().getSpec();
    pull = pod.getInitContainers().get(0);
    Container server = pod.getContainers().get(0);

    Result pulled = run();

    assertThat(pulled.exitCode()).as(pulled.output()).isZero();
    assertThat(calls()).containsExactly("pull codellama:7b", "pull llama3.1:8b", "pull qwen2.5-coder:14b");
    assertThat(ready(server)).isZero();
    Files.delete(state.resolve("model-qwen2.5-coder:14b"));
    assertThat(ready(server)).isNotZero();
  }

  /** Runs the server container's readiness probe against the stand-in; its exit code. */
  private int ready(Container server) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(server.getReadinessProbe().getExec().getCommand()).redirectErrorStream(true);
    server.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> pb.environment().put(e.getName(), e.getValue()));
    pb.environment().put("FAKE_STATE", state.toString());
    pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
    Process process = pb.start();
    process.getInputStream().readAllBytes();
    return process.waitFor();
  }

  private static String lastLine(Result result) {
    List<String> lines = result.output().lines().filter(l -> !l.isBlank()).toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  private List<String> calls() throws IOException {
    Path calls = state.resolve("calls");
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  private Result run() throws IOException, InterruptedException {
    // The template's command, with /tmp moved into the test directory.
    List<String> command = pull.getCommand().stream().map(s -> s.replace("/tmp/", dir.resolve("tmp") + "/")).toList();
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    for (EnvVar e : pull.getEnv()) {
      env.put(e.getName(), e.getValue());
    }
    env.put("HONEST_PULL_ATTEMPTS", "3");
    env.put("HONEST_PULL_RETRY_SECONDS", "0");
    env.put("FAKE_STATE", state.toString());
    env.put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
    Process process = pb.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    return new Result(process.exitValue(), output);
  }

  private record Result(int exitCode, String output) {}
}
