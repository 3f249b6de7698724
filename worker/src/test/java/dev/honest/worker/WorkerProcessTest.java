package dev.honest.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.json.Json;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.result.ResultLines;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import dev.honest.worker.testing.OllamaStandIn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker as a pod runs it: a JVM of its own, its stdout a pipe, stopped by SIGTERM. */
class WorkerProcessTest {
  @TempDir Path dir;

  private static final TaskSpec LONG = new TaskSpec("T-long", "Review the large file", "", Priority.LOW, "code", "",
      List.of("big.txt"), Action.ANALYZE, null);
  private static final TaskSpec NEXT = new TaskSpec("T-next", "Write a checklist", "", Priority.LOW, "docs", "",
      List.of(), Action.ANALYZE, null);

  @Test
  void sigtermWhileARecordIsBeingPrintedEndsTheLogWithTheWholeRecordAndItsStatement() throws Exception {
    try (OllamaStandIn ollama = new OllamaStandIn()) {
      // A large file, asked about chunk by chunk, each answer as long as num_predict lets a model write:
      // the task's record is far longer than a pipe (or the kubelet's reader) holds at once.
      StringBuilder big = new StringBuilder();
      for (int i = 0; i < 16_000; i++) {
        big.append("value_").append(i).append(" = compute(").append(i).append(") + 1;\n");
      }
      Files.createDirectories(dir.resolve("workspace"));
      Files.writeString(dir.resolve("workspace").resolve("big.txt"), big);
      String answer = Json.mapper().writeValueAsString(Map.of("findings", List.of(Map.of("file", "", "line", 0,
          "severity", "low", "title", "Review", "detail", "Check the sum. ".repeat(500), "suggestion", "Test it."))));
      ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).withRequestBody(containing("big.txt"))
          .willReturn(aResponse().withStatus(200).withHeader("Content-Type", OllamaStandIn.contentType(false))
              .withBody(OllamaStandIn.whole(OllamaStandIn.CODE_MODEL, answer, 4000, 1900, "stop"))));
      Process worker = start(ollama, List.of(LONG, NEXT));
      InputStream stdout = worker.getInputStream();
      ByteArrayOutputStream log = new ByteArrayOutputStream();

      // Read up to the start of the record, then stop reading: the worker blocks in the middle of the
      // line, as it does when it is stopped while printing a long line.
      readUntil(stdout, log, ResultLines.RESULT_PREFIX);
      Thread.sleep(500);
      worker.toHandle().destroy(); // SIGTERM, as the kubelet sends it (Process.destroy would close stdout too)
      stdout.transferTo(log);

      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
      List<String> lines = log.toString(UTF_8).lines().toList();
      List<String> machine = lines.stream().filter(l -> l.startsWith("HONEST-")).toList();
      assertThat(machine).as("the record and its statement, each whole").hasSize(2);
      assertThat(ResultLines.parseRecord(machine.get(0))).hasValueSatisfying(r -> {
        assertThat(r.id()).isEqualTo("T-long");
        assertThat(r.completed()).isTrue();
      });
      assertThat(ResultLines.parseAttestation(machine.get(1))).isPresent();
      assertThat(log.toString(UTF_8)).endsWith("\n");
      // Nothing after the statement but the worker's word that it stopped (in T-next, or before it, as the
      // signal found it): T-next has no record, and is the launcher's to report as lost.
      assertThat(lines.get(lines.size() - 1)).startsWith("[worker-1] stopped by a signal (SIGTERM")
          .contains("before its summary");
      // The signal's status: the Job's podFailurePolicy counts it and retries the pod (eviction is ignored).
      assertThat(worker.exitValue()).isEqualTo(143);
    }
  }

  private Process start(OllamaStandIn ollama, List<TaskSpec> tasks) throws IOException {
    Path config = Files.createDirectories(dir.resolve("config"));
    Path workspace = Files.createDirectories(dir.resolve("workspace"));
    ConfigLayout.write(config, WorkerConfig.defaults("run-1", List.of(ollama.url())), tasks,
        new Plan("run-1", List.of(new WorkerSlice(1, "a", "k8s-worker-1",
            tasks.stream().map(TaskSpec::id).toList(), 1))));
    Path key = dir.resolve("key.pem");
    SigningKey.generate().write(key);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
        "--config-dir", config.toString(), "--workspace", workspace.toString(), "--worker", "1",
        "--pod", "k8s-worker-1-abcde", "--signing-key", key.toString()));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("HONEST_CLAIMS_DIR");
    pb.environment().remove("HONEST_LEASE_CLAIMS");
    pb.redirectError(dir.resolve("stderr.txt").toFile());
    return pb.start();
  }

  /** Copies {@code in} to {@code log} up to and including the first occurrence of {@code text}. */
  private static void readUntil(InputStream in, ByteArrayOutputStream log, String text) throws IOException {
    byte[] wanted = text.getBytes(UTF_8);
    int matched = 0;
    while (matched < wanted.length) {
      int b = in.read();
      assertThat(b).as("the worker's output ended before " + text + ": " + log.toString(UTF_8)).isNotNegative();
      log.write(b);
      matched = b == wanted[matched] ? matched + 1 : b == wanted[0] ? 1 : 0;
    }
  }
}
