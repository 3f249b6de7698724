package dev.honest.launcher.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.honest.launcher.cli.CommandLineTest.EXAMPLE_TASKS;
import static dev.honest.launcher.cli.CommandLineTest.EXAMPLE_WORKSPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.honest.common.json.Json;
import dev.honest.common.hash.Hashes;
import dev.honest.common.result.AttestationLine;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.Change;
import dev.honest.common.result.InputFile;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.task.Action;
import dev.honest.launcher.export.SarifSchema;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.worker.testing.OllamaStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.honest.common.task.TaskSpec;
import java.util.HashMap;
import java.util.Map;
import dev.honest.launcher.results.WorkerResult;
import dev.honest.launcher.plan.Planner;
import dev.honest.common.task.TaskFileReader;
import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.Plan;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
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

  private static List<Path> signingKeyDirs() throws Exception {
    try (var dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("honest-signing-")).toList();
    }
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
    List<Path> keyDirsBefore = signingKeyDirs();
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

    // Signed, checkable offline, and the private key gone with the workers.
    assertThat(r.attestation().treeSize()).isEqualTo(71);
    assertThat(r.attestation().chains()).hasSize(4);
    assertThat(cli.out()).contains("🔏 Signed with the run's Ed25519 key " + r.attestation().keyId());
    Cli verify = Cli.run("verify", "--results", out.resolve("k8s-cluster-results.json").toString(),
        "--workspace", EXAMPLE_WORKSPACE.toString(), "--public-key", out.resolve("run-signing-key.pub").toString());
    assertThat(verify.exitCode).as(verify.out()).isZero();
    assertThat(signingKeyDirs()).isEqualTo(keyDirsBefore);
    try (var files = Files.walk(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain("PRIVATE KEY");
      }
    }
    assertThat(cli.out() + cli.err()).doesNotContain("PRIVATE KEY");

    assertSarifAndPatchesAndApply(r);
  }

  /** The SARIF file holds every finding and is valid; each fix with changes has its patch; apply replays them. */
  private void assertSarifAndPatchesAndApply(ClusterResults r) throws Exception {
    JsonNode sarif = Json.mapper().readTree(out.resolve("k8s-cluster-results.sarif").toFile());
    assertThat(SarifSchema.problems(sarif)).isEmpty();
    assertThat(sarif.path("runs").get(0).path("results"))
        .hasSize(r.tasks().stream().mapToInt(t -> t.findings().size()).sum());

    List<TaskRecord> fixes = r.tasks().stream()
        .filter(t -> t.completed() && t.action() == Action.FIX && !t.changes().isEmpty()).toList();
    try (Stream<Path> patches = Files.list(out.resolve("patches"))) {
      assertThat(patches.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(fixes.stream().map(t -> t.id() + ".patch").toList());
    }

    Path copy = out.resolve("workspace-copy");
    try (Stream<Path> files = Files.walk(EXAMPLE_WORKSPACE)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path target = copy.resolve(EXAMPLE_WORKSPACE.relativize(f).toString());
        Files.createDirectories(target.getParent());
        Files.copy(f, target);
      }
    }
    Cli apply = Cli.run("apply", "--results", out.resolve("k8s-cluster-results.json").toString(), "--workspace",
        copy.toString());
    // A file two fix tasks changed is refused for the second: it no longer has its sha256_before.
    Set<String> touched = new HashSet<>();
    for (TaskRecord t : fixes) {
      for (Change c : t.changes()) {
        if (touched.add(c.path())) {
          assertThat(apply.out()).contains("applied " + t.id() + " " + c.path() + " ");
        } else {
          assertThat(apply.out()).contains("refused " + t.id() + " " + c.path() + ": changed since the run");
        }
      }
    }
    assertThat(apply.exitCode).isEqualTo(apply.out().lines().anyMatch(l -> l.startsWith("refused ")) ? 1 : 0);
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

  @ParameterizedTest(name = "in process: {0}")
  @ValueSource(booleans = {false, true})
  void stoppedLikeCtrlCTheRunStillWritesItsResultsWithTheFinishedTasksAndTheRestLost(boolean inProcess)
      throws Exception {
    Path workspace = out.resolve("project");
    Path tasks = dev.honest.launcher.SmallProject.write(workspace);
    ollama.slowDown("Task: Write a release checklist", 120_000);
    Path output = out.resolve("run");
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        "dev.honest.launcher.LauncherMain", "local", "--tasks", tasks.toString(), "--workspace", workspace.toString(),
        "--output", output.toString(), "--ollama-url", url, "--workers", "2", "--fixed-slices"));
    if (inProcess) {
      command.add("--in-process");
    }
    Process launcher = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(out.resolve("launcher.txt").toFile()).start();
    try {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (signedTasks(output) < 3 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(signedTasks(output)).as(Files.readString(out.resolve("launcher.txt"))).isEqualTo(3);

      launcher.destroy(); // SIGTERM: the launcher's shutdown runs as on Ctrl-C

      assertThat(launcher.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(launcher.exitValue()).as("the exit-code table's 'some tasks failed', not the signal's").isEqualTo(1);
    } finally {
      launcher.destroyForcibly();
    }
    String printed = Files.readString(out.resolve("launcher.txt"));
    assertThat(output.resolve("k8s-cluster-results.json")).as(printed).exists();
    ClusterResults r = ResultsFiles.readResults(output.resolve("k8s-cluster-results.json"));
    assertThat(r.completedTasks()).isEqualTo(3);
    TaskRecord lost = r.tasks().stream().filter(t -> t.id().equals("A-3")).findFirst().orElseThrow();
    assertThat(lost.error().errorClass()).isEqualTo("worker_lost");
    assertThat(lost.error().message()).contains("Interrupted");
    Cli verify = Cli.run("verify", "--results", output.resolve("k8s-cluster-results.json").toString(),
        "--workspace", workspace.toString());
    assertThat(verify.exitCode).as(verify.out()).isZero();
  }

  /**
   * The tasks whose signed statement the workers printed (after its record): a task whose record
   * alone was printed when the run stopped is lost, as it should be.
   */
  private static long signedTasks(Path output) throws Exception {
    long n = 0;
    for (int i = 1; i <= 2; i++) {
      Path log = output.resolve(ResultsFiles.logFileName(i));
      if (Files.exists(log)) {
        // Looked at as text: the file is read while it is written, so its last line may be cut.
        n += Files.readAllLines(log).stream().filter(l -> l.startsWith(ResultLines.ATTESTATION_PREFIX)
            && l.contains("\"kind\":\"" + AttestationLine.TASK + "\"")).count();
      }
    }
    return n;
  }

  /** Which worker the run's own plan ({@code plan.json} in the output) gave each task. */
  private Map<String, Integer> plannedWorkers() throws Exception {
    Plan plan = Json.mapper().readValue(out.resolve("plan.json").toFile(), Plan.class);
    Map<String, Integer> planned = new HashMap<>();
    plan.workers().forEach(w -> w.tasks().forEach(id -> planned.put(id, w.index())));
    return planned;
  }

  @ParameterizedTest(name = "in process: {0}")
  @ValueSource(booleans = {false, true})
  void workersThatFinishTheirSliceTakeOverTheUnstartedTasksOfASlowOne(boolean inProcess) throws Exception {
    List<TaskSpec> specs = TaskFileReader.read(EXAMPLE_TASKS, EXAMPLE_WORKSPACE);
    Plan expected = new Planner().plan("any", specs, EXAMPLE_WORKSPACE, 4, GenerationOptions.DEFAULTS);
    List<String> slow = expected.worker(1).orElseThrow().tasks();
    for (TaskSpec t : specs) {
      if (slow.contains(t.id())) {
        // The prompt's "Task: <title>" line, as it appears inside the JSON request body.
        String line = Json.mapper().writeValueAsString("Task: " + t.title() + "\n");
        ollama.slowDown(line.substring(1, line.length() - 1), 400);
      }
    }

    // In process, four slots on the one URL: the slow chats must not hold up the others' (one slot would).
    Cli cli = local(inProcess, "--workers", "4", "--ollama-parallel", "4");

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    Map<String, Integer> planned = plannedWorkers();
    assertThat(planned.entrySet().stream().filter(e -> e.getValue() == 1).map(Map.Entry::getKey))
        .as("the run planned as the test did").containsExactlyInAnyOrderElementsOf(slow);
    ClusterResults r = ResultsFiles.readResults(out.resolve("k8s-cluster-results.json"));
    assertThat(r.completedTasks()).isEqualTo(71);
    assertThat(r.tasks()).extracting(TaskRecord::id).doesNotHaveDuplicates();
    List<TaskRecord> takenOver = r.tasks().stream().filter(t -> t.worker() != planned.get(t.id())).toList();
    assertThat(takenOver).as("tasks of the slow slice run by another worker")
        .anySatisfy(t -> assertThat(planned.get(t.id())).isEqualTo(1));
    WorkerResult first = r.workers().get(0);
    assertThat(first.tasks()).hasSizeLessThan(slow.size());
    assertThat(r.workers()).allSatisfy(w -> assertThat(w.tasks())
        .containsExactlyInAnyOrderElementsOf(r.tasks().stream().filter(t -> t.worker() == w.index())
            .map(TaskRecord::id).toList()));
    Cli verify = Cli.run("verify", "--results", out.resolve("k8s-cluster-results.json").toString(),
        "--workspace", EXAMPLE_WORKSPACE.toString());
    assertThat(verify.exitCode).as(verify.out()).isZero();
    try (var dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertThat(dirs.map(d -> d.getFileName().toString())).noneMatch(n -> n.startsWith("honest-claims-"));
    }
  }

  @Test
  void theLogsAnEarlierRunLeftForWorkersThisRunDoesNotHaveAreRemoved() throws Exception {
    Files.createDirectories(out);
    Files.writeString(out.resolve("k8s-worker-9-log.txt"), "an earlier run's worker 9\n");
    Files.writeString(out.resolve("k8s-worker-12-log.txt"), "an earlier run's worker 12\n");
    Files.writeString(out.resolve("k8s-worker-2-notes.txt"), "the user's own file\n");

    Cli cli = local(true, "--workers", "3");

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("k8s-worker-")))
          .containsExactlyInAnyOrder("k8s-worker-1-log.txt", "k8s-worker-2-log.txt", "k8s-worker-3-log.txt",
              "k8s-worker-2-notes.txt");
    }
  }

  @Test
  void withFixedSlicesEveryTaskRunsOnTheWorkerThePlanGaveItToAsInACluster() throws Exception {
    Cli cli = local(false, "--workers", "3", "--fixed-slices");

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    Map<String, Integer> planned = plannedWorkers();
    ClusterResults r = ResultsFiles.readResults(out.resolve("k8s-cluster-results.json"));
    assertThat(r.completedTasks()).isEqualTo(71);
    assertThat(r.tasks()).allSatisfy(t -> assertThat(t.worker()).as(t.id()).isEqualTo(planned.get(t.id())));
  }

  /** A --timeout too long to count in nanoseconds was taken, and the run ended in an internal error. */
  @Test
  void aTimeoutTooLongToCountIsAUsageErrorNamingTheOptionBeforeAnythingRuns() {
    Cli cli = local(true, "--timeout", "3000000h");

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isEqualTo(2);
    assertThat(cli.err()).startsWith("error: Invalid value for option '--timeout': '3000000h' is longer than")
        .doesNotContain("internal error", "Exception");
    assertThat(out.resolve("k8s-cluster-results.json")).doesNotExist();
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
