package dev.honest.launcher.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.honest.launcher.cli.CommandLineTest.EXAMPLE_TASKS;
import static dev.honest.launcher.cli.CommandLineTest.EXAMPLE_WORKSPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.honest.common.hash.Hashes;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.InputFile;
import dev.honest.common.result.TaskRecord;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.worker.testing.OllamaStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole pipeline without a cluster: plan, real workers (processes or threads), logs, aggregation. */
class LocalCommandTest {
  private final OllamaStandIn ollama = new OllamaStandIn();
  @TempDir Path out;

  @AfterEach
  void stop() {
    ollama.close();
  }

  private final String url = ollama.url();

  private Cli local(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("local", "--tasks", EXAMPLE_TASKS.toString(),
        "--workspace", EXAMPLE_WORKSPACE.toString(), "--output", out.toString(), "--ollama-url", url));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  /** The same arguments, with {@code --in-process} added when {@code inProcess}. */
  private Cli local(boolean inProcess, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of(extra));
    if (inProcess) {
      args.add("--in-process");
    }
    return local(args.toArray(String[]::new));
  }

  @ParameterizedTest(name = "in process: {0}")
  @ValueSource(booleans = {false, true})
  void everyExampleTaskEndsCompletedWithProofThatMatchesWhatTheServerSent(boolean inProcess) throws Exception {
    Cli cli = local(inProcess, "--workers", "4");

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    ClusterResults r = ResultsFiles.readResults(out.resolve("k8s-cluster-results.json"));
    assertThat(r.totalTasks()).isEqualTo(71);
    assertThat(r.completedTasks()).isEqualTo(71);
    assertThat(r.tasks()).extracting(TaskRecord::id).doesNotHaveDuplicates().hasSize(71);
    IntStream.rangeClosed(1, 4).forEach(i -> assertThat(out.resolve("k8s-worker-" + i + "-log.txt")).isNotEmptyFile());
    assertThat(cli.out()).contains("📊 Active:", "| Tasks: 71/71");

    for (TaskRecord t : r.tasks()) {
      for (InputFile in : t.inputs()) {
        assertThat(in.sha256()).as(in.path()).isEqualTo(Hashes.sha256Hex(Files.readAllBytes(
            EXAMPLE_WORKSPACE.resolve(in.path()))));
      }
    }
    Set<String> served = new HashSet<>();
    long prompt = 0;
    for (ServeEvent e : ollama.server().getAllServeEvents()) {
      if (e.getRequest().getUrl().equals("/api/chat")) {
        served.add(Hashes.sha256Hex(e.getResponse().getBody()));
      }
    }
    List<CallRecord> calls = r.tasks().stream().flatMap(t -> t.calls().stream()).toList();
    assertThat(calls).allSatisfy(c -> assertThat(served).contains(c.responseSha256()));
    assertThat(calls).hasSize(ollama.chatRequests().size());
    for (CallRecord c : calls) {
      prompt += c.promptTokens();
    }
    assertThat(r.costSavings().promptTokens()).isEqualTo(prompt);
    assertThat(r.costSavings().apiCallsAvoided()).isEqualTo(calls.size());
    TaskRecord big = r.tasks().stream().filter(t -> t.id().equals("T-033")).findFirst().orElseThrow();
    assertThat(big.calls().size()).as("the 76 KB file is sent in chunks").isGreaterThan(3);
    assertThat(r.tasks().stream().filter(t -> !t.changes().isEmpty()).count()).isPositive();
    assertThat(r.tasks()).allSatisfy(t -> assertThat(t.pod()).startsWith("local-worker-" + t.worker()));
  }

  @ParameterizedTest(name = "in process: {0}")
  @ValueSource(booleans = {false, true})
  void aTaskOllamaRefusesIsFailedWithTheReasonAndTheRunExits1(boolean inProcess) throws Exception {
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).withRequestBody(containing("Draft a secure coding checklist for the team"))
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody("{\"error\":\"invalid options\"}")));

    Cli cli = local(inProcess, "--workers", "3");

    assertThat(cli.exitCode).as(cli.err()).isEqualTo(1);
    ClusterResults r = ResultsFiles.readResults(out.resolve("k8s-cluster-results.json"));
    assertThat(r.failedTasks()).isEqualTo(1);
    TaskRecord failed = r.tasks().stream().filter(t -> !t.completed()).findFirst().orElseThrow();
    assertThat(failed.id()).isEqualTo("T-060");
    assertThat(failed.error().errorClass()).isEqualTo("bad_request");
    assertThat(cli.out()).contains("failed T-060 [bad_request]");
  }

  @Test
  void inProcessWorkersStoppedByTheTimeoutLeaveTheirUnfinishedTasksLost() throws Exception {
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1)
        .willReturn(aResponse().withFixedDelay(60_000).withStatus(500)));

    Cli cli = local(true, "--workers", "2", "--timeout", "3s");

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isEqualTo(1);
    assertThat(cli.out()).contains("Timeout of 3s reached");
    ClusterResults r = ResultsFiles.readResults(out.resolve("k8s-cluster-results.json"));
    assertThat(r.completedTasks()).isZero();
    assertThat(r.tasks()).allSatisfy(t -> {
      assertThat(t.error().errorClass()).isEqualTo("worker_lost");
      assertThat(t.error().message()).contains("DeadlineExceeded");
    });
    assertThat(r.workers()).allSatisfy(w -> assertThat(w.reason()).isEqualTo("DeadlineExceeded"));
  }

  @Test
  void noOllamaIsOneLineWithTheFixAndExitCode3() {
    ollama.close();

    Cli cli = local();

    assertThat(cli.exitCode).isEqualTo(3);
    assertThat(cli.err().strip().lines()).hasSize(1);
    assertThat(cli.err()).contains("Ollama is not ready", "ollama serve");
    assertThat(out.resolve("k8s-cluster-results.json")).doesNotExist();
  }
}
