package dev.honest.worker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.proof.Dsse;
import dev.honest.common.proof.Keys;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.result.AttestationLine;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import dev.honest.worker.claim.TaskSource;
import dev.honest.worker.testing.OllamaStandIn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerMainTest {
  @TempDir Path config;
  @TempDir Path workspace;
  @TempDir Path secrets;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeEach
  void capture() {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, UTF_8));
    System.setErr(new PrintStream(err, true, UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  private static final List<TaskSpec> TASKS = List.of(
      new TaskSpec("T-1", "Check SQL", "", Priority.CRITICAL, "security", "api", List.of("db.js"), Action.ANALYZE, null),
      new TaskSpec("T-2", "Write a checklist", "", Priority.LOW, "docs", "", List.of(), Action.ANALYZE, null));

  @Test
  void theWorkerRunsItsSliceFromTheConfigDirectory() throws Exception {
    Files.writeString(workspace.resolve("db.js"), "query('x' + y);\n");
    try (OllamaStandIn ollama = new OllamaStandIn()) {
      ConfigLayout.write(config, WorkerConfig.defaults("run-1", List.of(ollama.url())), TASKS,
          new Plan("run-1", List.of(new WorkerSlice(1, "a", "k8s-worker-1", List.of("T-2"), 1),
              new WorkerSlice(2, "b", "k8s-worker-2", List.of("T-1"), 1))));

      SigningKey key = SigningKey.generate();
      key.write(secrets.resolve("key.pem"));

      int code = WorkerMain.execute("--config-dir", config.toString(), "--workspace", workspace.toString(),
          "--worker", "2", "--pod", "k8s-worker-2-abcde", "--signing-key", secrets.resolve("key.pem").toString());

      assertThat(code).as(err.toString(UTF_8)).isZero();
      List<AttestationLine> attestations = out.toString(UTF_8).lines().map(ResultLines::parseAttestation)
          .flatMap(Optional::stream).toList();
      assertThat(attestations).hasSize(2);
      for (AttestationLine a : attestations) {
        assertThat(Dsse.verify(Dsse.Envelope.fromJson(a.envelope()), key.publicKey())).isTrue();
      }
      List<TaskRecord> records = out.toString(UTF_8).lines().map(ResultLines::parseRecord)
          .flatMap(Optional::stream).toList();
      assertThat(records).singleElement().satisfies(r -> {
        assertThat(r.id()).isEqualTo("T-1");
        assertThat(r.worker()).isEqualTo(2);
        assertThat(r.pod()).isEqualTo("k8s-worker-2-abcde");
        assertThat(r.completed()).isTrue();
      });
    }
  }

  @Test
  void aWorkerThatCanNoLongerClaimSaysSoOnItsOwnOutputNotThisProcesssStandardError() throws Exception {
    Path claims = Files.createDirectory(secrets.resolve("claims"));
    Plan plan = new Plan("run-1", List.of(new WorkerSlice(1, "a", "k8s-worker-1", List.of("T-1", "T-2"), 2)));
    ByteArrayOutputStream own = new ByteArrayOutputStream();
    TaskSource source = WorkerMain.taskSource(plan, TASKS, 1, claims, new PrintStream(own, true, UTF_8));
    Files.delete(claims);

    assertThat(source.next()).map(TaskSpec::id).contains("T-1");

    assertThat(own.toString(UTF_8)).contains("[worker-1] cannot claim tasks in " + claims + " any more");
    assertThat(err.toString(UTF_8)).isEmpty();
  }

  @Test
  void withoutASigningKeyTheWorkerRefusesToRunAndAsksOllamaNothing() throws Exception {
    try (OllamaStandIn ollama = new OllamaStandIn()) {
      ConfigLayout.write(config, WorkerConfig.defaults("run-1", List.of(ollama.url())), TASKS,
          new Plan("run-1", List.of(new WorkerSlice(1, "a", "k8s-worker-1", List.of("T-2"), 1))));
      Path missing = secrets.resolve("key.pem");

      int code = WorkerMain.execute("--config-dir", config.toString(), "--workspace", workspace.toString(),
          "--signing-key", missing.toString());

      assertThat(code).isEqualTo(2);
      assertThat(err.toString(UTF_8).strip().lines()).singleElement().asString()
          .contains("no usable signing key at " + missing + ": no such file", "honest-signing-key");
      assertThat(out.toString(UTF_8)).doesNotContain("HONEST-RESULT");
      assertThat(ollama.server().getAllServeEvents()).isEmpty();
    }
  }

  @Test
  void aKeyFileThatHoldsNoPrivateKeyIsRefusedWithoutShowingItsContent() throws Exception {
    SigningKey key = SigningKey.generate();
    Path file = secrets.resolve("key.pem");
    Files.writeString(file, Keys.toPem(key.publicKey()));
    ConfigLayout.write(config, WorkerConfig.defaults("run-1", List.of("http://localhost:1")), TASKS,
        new Plan("run-1", List.of(new WorkerSlice(1, "a", "k8s-worker-1", List.of("T-2"), 1))));

    int code = WorkerMain.execute("--config-dir", config.toString(), "--signing-key", file.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("no usable signing key at " + file + ": holds a PEM 'PUBLIC KEY', expected"
        + " a 'PRIVATE KEY'").doesNotContain(Keys.toPem(key.publicKey()).lines().skip(1).findFirst().orElseThrow());
  }

  @Test
  void aMissingConfigurationExitsWith2AndNamesTheFile() {
    int code = WorkerMain.execute("--config-dir", config.toString(), "--workspace", workspace.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("invalid configuration", "config.json: missing")
        .doesNotContain("Exception");
  }

  @Test
  void aWorkerIndexThePlanDoesNotHaveExitsWith2() throws Exception {
    ConfigLayout.write(config, WorkerConfig.defaults("run-1", List.of("http://localhost:1")), TASKS,
        new Plan("run-1", List.of(new WorkerSlice(1, "a", "k8s-worker-1", List.of("T-1", "T-2"), 1))));

    int code = WorkerMain.execute("--config-dir", config.toString(), "--worker", "7");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("plan.json: no slice for worker 7 (the plan has 1 workers)");
  }

  @Test
  void aWorkerIndexThatIsNotANumberIsInvalidInputNamingTheOption() {
    int code = WorkerMain.execute("--worker", "abc");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("--worker", "'abc'");
  }

  @Test
  void anUnknownOptionIsInvalidInputNamingIt() {
    int code = WorkerMain.execute("--no-such-option");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("--no-such-option");
  }

  /** As the launcher: one line naming the option, the suggestions, and where the options are listed; not the whole usage. */
  @Test
  void aUsageErrorIsOneLineWithTheHintAsTheLaunchersAreNotTheWholeUsage() {
    int unknown = WorkerMain.execute("--workers", "2");
    String unknownErr = err.toString(UTF_8);
    err.reset();
    int notANumber = WorkerMain.execute("--worker", "abc");

    assertThat(unknown).isEqualTo(2);
    assertThat(unknownErr).startsWith("error: Unknown options: '--workers', '2'").contains("Possible solutions:", "--worker" + System.lineSeparator())
        .endsWith("Run 'worker --help' for the options." + System.lineSeparator()).doesNotContain("Usage:");
    assertThat(notANumber).isEqualTo(2);
    assertThat(err.toString(UTF_8)).isEqualTo("error: Invalid value for option '--worker': 'abc' is not an int"
        + System.lineSeparator() + "Run 'worker --help' for the options." + System.lineSeparator());
  }

  @Test
  void aWorkerIndexBelowOneIsInvalidInputNamingTheOption() throws Exception {
    ConfigLayout.write(config, WorkerConfig.defaults("run-1", List.of("http://localhost:1")), TASKS,
        new Plan("run-1", List.of(new WorkerSlice(1, "a", "k8s-worker-1", List.of("T-1", "T-2"), 1))));
    for (String index : List.of("0", "-1")) {
      err.reset();
      int code = WorkerMain.execute("--config-dir", config.toString(), "--worker", index);

      assertThat(code).isEqualTo(2);
      assertThat(err.toString(UTF_8)).isEqualTo("error: --worker (env HONEST_WORKER_INDEX) must be 1 or more, got "
          + index + System.lineSeparator() + "Run 'worker --help' for the options." + System.lineSeparator());
    }
  }

  @Test
  void versionNamesTheVersionAsTheLaunchersDoes() {
    int code = WorkerMain.execute("--version");

    assertThat(code).isZero();
    assertThat(out.toString(UTF_8))
        .isEqualTo("honest-orchestration worker " + System.getProperty("project.version") + System.lineSeparator());
  }

  @Test
  void aConfigurationThatBreaksAFieldRuleNamesTheField() throws Exception {
    Files.writeString(config.resolve("config.json"), "{\"run_id\":\"r\",\"llm_urls\":[\"ftp://x\"],"
        + "\"request_timeout_seconds\":5,\"max_attempts\":1,\"ready_timeout_seconds\":1,\"zero_simulation\":true}");

    int code = WorkerMain.execute("--config-dir", config.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("config.json", "llm_urls: expected http(s)://host:port, got ftp://x");
  }

  @Test
  void helpExplainsTheEnvironmentAndTheExitCodes() {
    int code = WorkerMain.execute("--help");

    assertThat(code).isZero();
    assertThat(out.toString(UTF_8)).contains("HONEST_CONFIG_DIR", "HONEST_WORKER_INDEX", "3   Ollama unavailable");
  }
}
