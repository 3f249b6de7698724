package dev.honest.worker.run;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.honest.common.attest.RecordDigest;
import dev.honest.common.attest.TaskPredicate;
import dev.honest.common.attest.WorkerSummaryPredicate;
import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.exit.ExitCode;
import dev.honest.common.hash.Hashes;
import dev.honest.common.json.Json;
import dev.honest.common.proof.Dsse;
import dev.honest.common.proof.HashChain;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.proof.Statement;
import dev.honest.common.result.AttestationLine;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.result.WorkerSummary;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import dev.honest.worker.claim.DirectoryClaims;
import dev.honest.worker.claim.TaskSource;
import dev.honest.worker.ollama.OllamaClient;
import dev.honest.worker.prompt.Prompts;
import dev.honest.worker.testing.OllamaStandIn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
class SliceRunnerTest {
  private final OllamaStandIn ollama = new OllamaStandIn();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final SigningKey key = SigningKey.generate();
  @TempDir Path workspace;
  private GenerationOptions options = new GenerationOptions(0.0, 42, 4096, 512, null);

  @AfterEach
  void stop() {
    ollama.close();
  }

  private ExitCode run(TaskSpec... tasks) {
    return run(TaskSource.fixed(List.of(tasks)));
  }

  private ExitCode run(TaskSource source) {
    return run(source, null);
  }

  private ExitCode run(TaskSource source, ExecutorService chunkPool) {
    return run(source, chunkPool, Clock.systemUTC());
  }

  private ExitCode run(TaskSource source, ExecutorService chunkPool, Clock clock) {
    WorkerConfig config = new WorkerConfig("run-1", List.of(ollama.url()), null, null, options, "30m", 10, 2, 0, true);
    return new SliceRunner(config, workspace, OllamaClient.create(config), new WorkerIdentity(3, "pod-a", "node-1"),
        key, new PrintStream(bytes, true, UTF_8), clock, chunkPool).run(source);
  }

  /** Worker 3 of a plan whose worker 1 holds T-31 and T-32, sharing claims in {@code claims}. */
  private TaskSource claimingWorker3(Path claims) {
    Map<String, TaskSpec> tasks = new LinkedHashMap<>();
    for (String id : List.of("T-31", "T-32", "T-33")) {
      tasks.put(id, task(id, Action.ANALYZE));
    }
    Plan plan = new Plan("run-1", List.of(new WorkerSlice(1, "a", "k8s-worker-1", List.of("T-31", "T-32"), 2),
        new WorkerSlice(3, "c", "k8s-worker-3", List.of("T-33"), 1)));
    return TaskSource.claiming(plan, tasks, 3, new DirectoryClaims(claims, 3), reason -> {
      throw new AssertionError("the claims failed: " + reason);
    });
  }

  /** The attestation lines printed, in order. */
  private List<AttestationLine> attestations() {
    return bytes.toString(UTF_8).lines().map(ResultLines::parseAttestation).flatMap(Optional::stream).toList();
  }

  /** The statement of an attestation line, once its signature by the run's key verifies. */
  private Statement verified(AttestationLine line) throws Exception {
    return Dsse.verifiedStatement(Dsse.Envelope.fromJson(line.envelope()), key.publicKey());
  }

  private List<TaskRecord> records() {
    List<TaskRecord> out = new ArrayList<>();
    for (String line : bytes.toString(UTF_8).split("\n")) {
      ResultLines.parseRecord(line).ifPresent(out::add);
    }
    return out;
  }

  private WorkerSummary summary() {
    return bytes.toString(UTF_8).lines().map(ResultLines::parseSummary).flatMap(Optional::stream)
        .findFirst().orElseThrow();
  }

  private static TaskSpec task(String id, Action action, String... files) {
    return new TaskSpec(id, "Review " + id, "Look for injection.", Priority.HIGH, "security", "api",
        List.of(files), action, null);
  }

  private Path write(String path, String content) throws Exception {
    Path file = workspace.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  @Test
  void aTaskWithAFileIsAnsweredByTheCodeModelWithProofThatCanBeRecomputed() throws Exception {
    Path file = write("api/users.js", "const q = 'SELECT * FROM users WHERE id=' + id;\nrun(q);\n");

    ExitCode code = run(task("T-1", Action.ANALYZE, "api/users.js"));

    assertThat(code).isEqualTo(ExitCode.OK);
    TaskRecord r = records().get(0);
    assertThat(r.completed()).isTrue();
    assertThat(r.model()).isEqualTo(OllamaStandIn.CODE_MODEL);
    assertThat(r.modelDigest()).isEqualTo(OllamaStandIn.CODE_DIGEST);
    assertThat(r.worker()).isEqualTo(3);
    assertThat(r.pod()).isEqualTo("pod-a");
    assertThat(r.inputs()).singleElement().satisfies(in -> {
      byte[] content = Files.readAllBytes(file);
      assertThat(in.sha256()).isEqualTo(Hashes.sha256Hex(content));
      assertThat(in.md5()).isEqualTo(Hashes.md5Hex(content));
      assertThat(in.bytes()).isEqualTo(content.length);
      assertThat(in.binary()).isFalse();
    });
    ServeEvent chat = ollama.server().getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().equals("/api/chat")).findFirst().orElseThrow();
    CallRecord call = r.calls().get(0);
    assertThat(call.requestSha256()).isEqualTo(Hashes.sha256Hex(chat.getRequest().getBody()));
    assertThat(call.responseSha256()).isEqualTo(Hashes.sha256Hex(chat.getResponse().getBody()));
    assertThat(call.responseMd5()).isEqualTo(Hashes.md5Hex(chat.getResponse().getBody()));
    assertThat(call.promptTokens()).isPositive();
    assertThat(r.findings()).singleElement().satisfies(f -> {
      assertThat(f.file()).isEqualTo("api/users.js");
      assertThat(f.line()).isEqualTo(1);
    });
    assertThat(summary()).isEqualTo(new WorkerSummary(3, 1, 1, 0, 0, summary().durationMs()));
    assertThat(bytes.toString(UTF_8)).contains("[worker-3] ✅ T-1 completed");
  }

  @Test
  void everyRecordIsFollowedByItsSignedStatementAndTheChainEndsWithTheSignedSummary() throws Exception {
    write("api/users.js", "const q = 'SELECT * FROM users WHERE id=' + id;\n");
    TaskSpec withFile = task("T-1", Action.ANALYZE, "api/users.js");
    TaskSpec general = task("T-2", Action.ANALYZE);

    run(withFile, general);

    List<AttestationLine> lines = attestations();
    assertThat(lines).extracting(AttestationLine::kind)
        .containsExactly(AttestationLine.TASK, AttestationLine.TASK, AttestationLine.WORKER_SUMMARY);
    assertThat(lines).extracting(AttestationLine::task).containsExactly("T-1", "T-2", null);
    List<Statement> statements = new ArrayList<>();
    for (AttestationLine line : lines) {
      statements.add(verified(line));
    }
    List<TaskRecord> records = records();
    for (int i = 0; i < 2; i++) {
      TaskRecord record = records.get(i);
      Statement statement = statements.get(i);
      assertThat(statement.subject()).first().isEqualTo(
          Statement.Subject.sha256("task-record/" + record.id(), RecordDigest.sha256(record)));
      TaskPredicate p = TaskPredicate.from(statement);
      assertThat(p.runId()).isEqualTo("run-1");
      assertThat(p.attestedBy()).isEqualTo("worker");
      assertThat(p.task()).isEqualTo(i == 0 ? withFile : general);
      assertThat(p.inputs()).isEqualTo(record.inputs());
      assertThat(p.model()).isEqualTo(record.model());
      assertThat(p.modelDigest()).isEqualTo(record.modelDigest()).isNotNull();
      assertThat(p.options()).isEqualTo(options);
      assertThat(p.promptVersion()).isEqualTo(Prompts.PROMPT_VERSION);
      assertThat(p.calls()).isEqualTo(record.calls()).allSatisfy(c -> assertThat(c.requestSha256()).isNotNull());
      assertThat(List.of(p.worker(), p.pod(), p.node())).containsExactly(3, "pod-a", "node-1");
      assertThat(List.of(p.startedAt(), p.finishedAt())).containsExactly(record.startedAt(), record.finishedAt());
      assertThat(p.status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(p.chain().sequence()).isEqualTo(i);
    }
    List<byte[]> payloads = statements.stream().map(Statement::canonicalBytes).toList();
    assertThat(HashChain.verify(payloads, payload -> Json.mapper().readTree(payload)
        .path("predicate").path("chain").path("previous").asString())).isEmpty();
    WorkerSummaryPredicate end = WorkerSummaryPredicate.from(statements.get(2));
    assertThat(List.of(end.taskStatements(), end.assigned(), end.completed(), end.failed(), end.exitCode()))
        .containsExactly(2L, 2, 2, 0, 0);
    assertThat(end.chain().previous()).isEqualTo(HashChain.hash(payloads.get(1)));
  }

  @Test
  void tasksThatFailBecauseOllamaLacksTheirModelAreSignedToo() throws Exception {
    ollama.server().stubFor(get(urlEqualTo("/api/tags")).atPriority(1).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json; charset=utf-8").withBody("{\"models\":[]}")));

    run(task("T-13", Action.ANALYZE));

    assertThat(attestations()).hasSize(2);
    TaskPredicate p = TaskPredicate.from(verified(attestations().get(0)));
    assertThat(p.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(p.error().errorClass()).isEqualTo("model_not_found");
    assertThat(WorkerSummaryPredicate.from(verified(attestations().get(1))).failed()).isEqualTo(1);
  }

  @Test
  void aTaskWithoutFilesGoesToTheGeneralModel() {
    ExitCode code = run(task("T-2", Action.ANALYZE));

    assertThat(code).isEqualTo(ExitCode.OK);
    assertThat(records().get(0).model()).isEqualTo(OllamaStandIn.GENERAL_MODEL);
    assertThat(records().get(0).modelDigest()).isEqualTo(OllamaStandIn.GENERAL_DIGEST);
    JsonNode sent = ollama.chatRequests().get(0);
    assertThat(sent.path("model").asString()).isEqualTo(OllamaStandIn.GENERAL_MODEL);
    assertThat(sent.path("stream").isBoolean()).isTrue();
    assertThat(sent.path("stream").asBoolean()).isFalse();
    assertThat(sent.path("options").path("num_ctx").asInt()).isEqualTo(4096);
    assertThat(sent.path("options").path("temperature").asDouble()).isEqualTo(0.0);
    assertThat(sent.path("options").path("seed").asInt()).isEqualTo(42);
  }

  @Test
  void aFixTaskRecordsTheChangeAndADiffOfAPrivateCopy() throws Exception {
    Path file = write("api/db.js", "function find(id) {\n  return db.query('SELECT * FROM t WHERE id=' + id);\n}\n");
    byte[] before = Files.readAllBytes(file);

    ExitCode code = run(task("T-3", Action.FIX, "api/db.js"));

    assertThat(code).isEqualTo(ExitCode.OK);
    TaskRecord r = records().get(0);
    assertThat(r.changes()).singleElement().satisfies(c -> {
      String expected = "function find(id) { // reviewed\n  return db.query('SELECT * FROM t WHERE id=' + id);\n}\n";
      assertThat(c.sha256Before()).isEqualTo(Hashes.sha256Hex(before));
      assertThat(c.sha256After()).isEqualTo(Hashes.sha256Hex(expected.getBytes(UTF_8)));
      assertThat(c.diff()).contains("--- a/api/db.js", "+++ b/api/db.js", "+function find(id) { // reviewed");
    });
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    Statement statement = verified(attestations().get(0));
    assertThat(statement.subject()).hasSize(2).last().isEqualTo(new Statement.Subject("api/db.js",
        Map.of("sha256", r.changes().get(0).sha256After(), "md5", r.changes().get(0).md5After())));
  }

  @Test
  void anEditThatDoesNotApplyFailsTheTaskButKeepsItsFindings() throws Exception {
    write("api/db.js", "a();\nb();\n");
    String answer = "{\"findings\":[{\"file\":\"api/db.js\",\"line\":1,\"severity\":\"high\",\"title\":\"t\","
        + "\"detail\":\"d\",\"suggestion\":\"s\"}],\"edits\":[{\"file\":\"api/db.js\",\"search\":\"zzz\",\"replace\":\"y\"}]}";
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).willReturn(wholeAnswer(answer, "stop")));

    ExitCode code = run(task("T-4", Action.FIX, "api/db.js"));

    assertThat(code).isEqualTo(ExitCode.TASKS_FAILED);
    TaskRecord r = records().get(0);
    assertThat(r.error().errorClass()).isEqualTo("edit_not_applicable");
    assertThat(r.findings()).hasSize(1);
    assertThat(r.changes()).isEmpty();
  }

  @Test
  void aFixTasksChangeStartsFromTheBytesTheModelWasShownEvenWhenTheFileChangesDuringTheCall() throws Exception {
    Path file = write("api/db.js", "a();\nb();\n");
    byte[] shown = Files.readAllBytes(file);
    String answer = "{\"findings\":[],\"edits\":[{\"file\":\"api/db.js\",\"search\":\"a();\",\"replace\":\"A();\"}]}";
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).willReturn(wholeAnswer(answer, "stop")));
    // Someone saves the file while the model is thinking: the request has been received, the answer not yet sent.
    ollama.server().addMockServiceRequestListener((request, response) -> {
      try {
        if (request.getUrl().equals("/api/chat")) {
          Files.writeString(file, "a();\nb();\nsaved();\n");
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    run(task("T-4", Action.FIX, "api/db.js"));

    TaskRecord r = records().get(0);
    assertThat(r.inputs().get(0).sha256()).isEqualTo(Hashes.sha256Hex(shown));
    assertThat(r.changes()).singleElement().satisfies(c -> {
      assertThat(c.sha256Before()).isEqualTo(Hashes.sha256Hex(shown));
      assertThat(c.sha256After()).isEqualTo(Hashes.sha256Hex("A();\nb();\n".getBytes(UTF_8)));
      assertThat(c.diff()).doesNotContain("saved();");
    });
  }

  @Test
  void anEditOfABinaryFileTheModelWasNotShownFailsTheTask() throws Exception {
    write("a.js", "x();\n");
    // Valid UTF-8, but the NUL makes it binary: hashed, never sent to the model.
    Files.write(workspace.resolve("settings.cfg"), "debug = true\n\0\n".getBytes(UTF_8));
    String answer = "{\"findings\":[],\"edits\":[{\"file\":\"settings.cfg\",\"search\":\"debug = true\","
        + "\"replace\":\"debug = false\"}]}";
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).willReturn(wholeAnswer(answer, "stop")));

    ExitCode code = run(task("T-4", Action.FIX, "a.js", "settings.cfg"));

    assertThat(code).isEqualTo(ExitCode.TASKS_FAILED);
    TaskRecord r = records().get(0);
    assertThat(r.error().errorClass()).isEqualTo("edit_not_applicable");
    assertThat(r.error().message()).contains("settings.cfg", "binary");
    assertThat(r.changes()).isEmpty();
  }

  @Test
  void anInvalidAnswerIsAskedAgainOnceWithTheReason() throws Exception {
    write("a.js", "x();\n");
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).inScenario("s")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("asked")
        .willReturn(wholeAnswer("I found nothing wrong.", "stop")));

    run(task("T-5", Action.ANALYZE, "a.js"));

    TaskRecord r = records().get(0);
    assertThat(r.completed()).isTrue();
    assertThat(r.calls()).hasSize(2);
    assertThat(ollama.chatRequests().get(1).path("messages").get(1).path("content").asString())
        .contains("Your previous answer was rejected");
  }

  @Test
  void twoInvalidAnswersFailTheTask() throws Exception {
    write("a.js", "x();\n");
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1)
        .willReturn(wholeAnswer("{\"findings\": \"none\"}", "stop")));

    ExitCode code = run(task("T-6", Action.ANALYZE, "a.js"));

    assertThat(code).isEqualTo(ExitCode.TASKS_FAILED);
    assertThat(records().get(0).error().errorClass()).isEqualTo("invalid_model_output");
    assertThat(records().get(0).calls()).hasSize(2);
  }

  @Test
  void aLoneSurrogateInTheModelsAnswerIsAskedAgainThenFailsOnlyItsTask() throws Exception {
    // Valid JSON, but "\\ud83d" is half of an emoji's pair: no record could hold the title.
    TaskRecord r = failsOnlyTheFirstOfTwoTasks(wholeAnswer("{\"findings\":[{\"file\":\"a.js\",\"line\":1,"
        + "\"severity\":\"low\",\"title\":\"Broken emoji \\ud83d here\",\"detail\":\"d\",\"suggestion\":\"s\"}]}", "stop"));
    assertThat(r.error().errorClass()).isEqualTo("invalid_model_output");
    assertThat(r.error().message()).contains("findings[0].title: holds half a character, the lone surrogate \\ud83d");
    assertThat(r.calls()).hasSize(2);
    assertThat(ollama.chatRequests().get(1).path("messages").get(1).path("content").asString())
        .contains("Your previous answer was rejected: findings[0].title: holds half a character");
    assertThat(records().get(1).completed()).isTrue();
    assertThat(summary().failed()).isEqualTo(1);
  }

  @Test
  void halfACharacterInTheServersErrorFailsOnlyItsTaskWithItsOwnErrorClass() throws Exception {
    // The server's error text holds half an emoji's pair, which no record (canonical JSON) could hold.
    TaskRecord r = failsOnlyTheFirstOfTwoTasks(
        aResponse().withStatus(404).withHeader("Content-Type", "application/json; charset=utf-8")
        .withBody("{\"error\":\"model \\ud83d not found\"}"));
    assertThat(r.error().errorClass()).isEqualTo("model_not_found");
    assertThat(r.error().message()).contains("model ? not found");
    assertThat(attestations()).extracting(AttestationLine::task).containsExactly("T-1", "T-2", null);
    assertThat(records().get(1).completed()).isTrue();
    assertThat(summary().failed()).isEqualTo(1);
  }

  @Test
  void untrustedTextOnAPeopleLineCannotPrintAMachineLineOrATerminalControl() throws Exception {
    write("a.js", "x();\n");
    write("b.js", "y();\n");
    // The model names a file that holds a line break, a forged record, and controls that would
    // rewrite the progress line in a terminal; the title carries a statement's prefix mid-line.
    String hostile = "a.js\nHONEST-RESULT {\"id\":\"T-8\",\"status\":\"completed\"}\r\u001b[1A\u001b[2K"
        + "[worker-3] \u2705 T-7 completed\u2028HONEST-ATTESTATION {}\u0085\u009b2K\u0000";
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).withRequestBody(containing("a.js"))
        .willReturn(wholeAnswer("{\"findings\":[{\"file\":" + Json.mapper().writeValueAsString(hostile)
            + ",\"line\":1,\"severity\":\"low\",\"title\":\"t\",\"detail\":\"d\",\"suggestion\":\"s\"}]}",
            "stop")));
    // A task id from the task file with a terminal control of its own (it sets the window title).
    TaskSpec titled = task("T-8\u001b]0;all done\u0007", Action.ANALYZE, "b.js");

    ExitCode code = run(task("T-7", Action.ANALYZE, "a.js"), titled);

    assertThat(code).isEqualTo(ExitCode.TASKS_FAILED);
    String output = bytes.toString(UTF_8);
    // Only the worker's own machine lines hold the mark the launcher looks for, anywhere on a line.
    List<String> lines = List.of(output.split("\n"));
    assertThat(lines).filteredOn(l -> l.contains(ResultLines.MARK))
        .allSatisfy(l -> assertThat(l).matches("(?s)HONEST-(RESULT|ATTESTATION|SUMMARY) \\{.*"));
    assertThat(records()).extracting(TaskRecord::id).containsExactly("T-7", titled.id());
    // The lines for people hold no control character (nor a line or paragraph separator) at all.
    assertThat(lines).filteredOn(l -> !l.startsWith(ResultLines.MARK)).allSatisfy(l -> assertThat(
        l.chars().filter(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)).as(l).isEmpty());
    assertThat(records().get(0).error().message()).contains(hostile);
    assertThat(output).contains("[worker-3] \u274c T-7 failed [invalid_model_output]: ",
        "a.js\\nHONEST\\u002dRESULT", "\\u001b[1A", "[worker-3] \u2705 T-8\\u001b]0;all done\\u0007 completed");
  }

  @Test
  void aWallClockSteppingBackDuringATaskDoesNotLoseItsRecord() throws Exception {
    write("a.js", "x();\n");
    AtomicLong now = new AtomicLong(Instant.parse("2026-01-01T10:00:00Z").toEpochMilli());
    Clock steppingBack = new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(now.getAndAdd(-1_000)); // each reading a second earlier (NTP)
      }
    };

    ExitCode code = run(TaskSource.fixed(List.of(task("T-1", Action.ANALYZE, "a.js"))), null, steppingBack);

    assertThat(code).isEqualTo(ExitCode.OK);
    TaskRecord r = records().get(0);
    assertThat(r.completed()).isTrue();
    assertThat(r.finishedAt()).isEqualTo(r.startedAt());
  }

  /** Cut at num_predict, an answer is not taken, even one that parses (a cut list of findings can). */
  @Test
  void anAnswerCutByTheOutputLimitIsNotASuccess() throws Exception {
    write("a.js", "x();\n");
    write("b.js", "y();\n");
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).withRequestBody(containing("x();"))
        .willReturn(wholeAnswer("{\"findings\":[{\"file\":\"a.js\",\"line\":1,\"sev", "length")));
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).withRequestBody(containing("y();"))
        .willReturn(wholeAnswer("{\"findings\":[]}", "length")));

    run(task("T-7", Action.ANALYZE, "a.js"), task("T-8", Action.ANALYZE, "b.js"));

    assertThat(records()).hasSize(2).allSatisfy(r -> {
      assertThat(r.error().errorClass()).isEqualTo("output_truncated");
      assertThat(r.calls()).hasSize(2).allSatisfy(c -> assertThat(c.doneReason()).isEqualTo("length"));
    });
  }

  @Test
  void aFileLargerThanTheContextIsSentInChunksThatEachFit() throws Exception {
    String big = IntStream.rangeClosed(1, 600).mapToObj(i -> "const value" + i + " = compute(" + i + ");")
        .collect(Collectors.joining("\n", "", "\n"));
    write("big.js", big);

    run(task("T-8", Action.ANALYZE, "big.js"));

    TaskRecord r = records().get(0);
    assertThat(r.completed()).isTrue();
    assertThat(r.calls().size()).isGreaterThan(1);
    assertThat(r.calls()).extracting(CallRecord::part).allMatch(p -> p.startsWith("big.js#"));
    assertThat(r.calls()).allMatch(c -> c.promptTokens() < options.numCtx());
    assertThat(r.findings()).extracting(f -> f.line()).doesNotHaveDuplicates().contains(1);
  }

  @Test
  void withAChunkPoolTheChunksOfAFileAreAskedAtOnceAndRecordedInChunkOrder() throws Exception {
    String big = IntStream.rangeClosed(1, 600).mapToObj(i -> "const value" + i + " = compute(" + i + ");")
        .collect(Collectors.joining("\n", "", "\n"));
    write("big.js", big);
    int delay = 2_000;
    ollama.slowDown("big.js", delay);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      run(TaskSource.fixed(List.of(task("T-8", Action.ANALYZE, "big.js"))), pool);
    } finally {
      pool.shutdownNow();
    }

    TaskRecord r = records().get(0);
    assertThat(r.completed()).isTrue();
    int n = r.calls().size();
    assertThat(n).isGreaterThan(1);
    assertThat(r.calls()).extracting(CallRecord::part)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, n).mapToObj(i -> "big.js#" + i + "/" + n).toList());
    // Asked at once: every chunk reached the server before the first answer (held for 2 s) could leave it.
    List<Long> arrivals = ollama.server().getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().equals("/api/chat"))
        .map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
    assertThat(arrivals).hasSize(n);
    assertThat(arrivals.get(n - 1) - arrivals.get(0)).isLessThan(delay);
  }

  @Test
  void withAChunkPoolTheFilesOfATaskAreAskedAtOnceAndRecordedInFileOrder() throws Exception {
    write("a.js", "a();\n");
    write("b.js", "b();\n");
    write("c.js", "c();\n");
    int delay = 2_000;
    ollama.slowDown("a();", delay);
    ollama.slowDown("b();", delay);
    ollama.slowDown("c();", delay);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      run(TaskSource.fixed(List.of(task("T-10", Action.ANALYZE, "a.js", "b.js", "c.js"))), pool);
    } finally {
      pool.shutdownNow();
    }

    TaskRecord r = records().get(0);
    assertThat(r.completed()).isTrue();
    assertThat(r.calls()).extracting(CallRecord::part).containsExactly("a.js#1/1", "b.js#1/1", "c.js#1/1");
    assertThat(r.findings()).extracting(f -> f.file()).containsExactly("a.js", "b.js", "c.js");
    // Asked at once: every file reached the server before the first answer (held for 2 s) could leave it.
    List<Long> arrivals = ollama.server().getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().equals("/api/chat"))
        .map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
    assertThat(arrivals).hasSize(3);
    assertThat(arrivals.get(2) - arrivals.get(0)).isLessThan(delay);
  }

  @Test
  void withAChunkPoolAFileThatFailsFailsTheTaskAndEveryFilesCallsAreRecorded() throws Exception {
    write("a.js", "a();\n");
    write("b.js", "b();\n");
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).withRequestBody(containing("a();"))
        .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody("{\"error\":\"llama runner process has terminated: signal: killed\"}")));
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      run(TaskSource.fixed(List.of(task("T-11", Action.ANALYZE, "a.js", "b.js"))), pool);
    } finally {
      pool.shutdownNow();
    }

    TaskRecord r = records().get(0);
    assertThat(r.completed()).isFalse();
    assertThat(r.error().message()).contains("llama runner process has terminated");
    assertThat(r.findings()).isEmpty();
    // b.js was asked, and answered, while a.js failed: its call is in the record, after a.js's.
    assertThat(r.calls()).extracting(CallRecord::part).last().isEqualTo("b.js#1/1");
    assertThat(r.calls()).extracting(CallRecord::part).first().isEqualTo("a.js#1/1");
  }

  @Test
  void aPromptThatFilledTheContextIsSplitFurtherAndItsAnswerDiscarded() throws Exception {
    write("a.js", IntStream.rangeClosed(1, 40).mapToObj(i -> "call" + i + "();").collect(Collectors.joining("\n")));
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).inScenario("ctx")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("split")
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", OllamaStandIn.contentType(false))
            .withBody(OllamaStandIn.whole("codellama:7b", "{\"findings\":[]}", 4096, 5, "stop"))));

    run(task("T-9", Action.ANALYZE, "a.js"));

    TaskRecord r = records().get(0);
    assertThat(r.completed()).isTrue();
    assertThat(r.calls().get(0).promptTokens()).isEqualTo(4096);
    assertThat(r.calls().size()).isGreaterThanOrEqualTo(2);
    assertThat(r.findings()).isNotEmpty();
  }

  @Test
  void aPromptThatFilledTheContextIsSplitFurtherEvenWhenItsAnswerRanToTheOutputLimit() throws Exception {
    write("a.js", IntStream.rangeClosed(1, 40).mapToObj(i -> "call" + i + "();").collect(Collectors.joining("\n")));
    // Twice, Ollama dropped the start of the prompt, then the answer ran to num_predict: asking the same prompt
    // again cannot help (the second time, it would fail the task as output_truncated).
    var cut = aResponse().withStatus(200).withHeader("Content-Type", OllamaStandIn.contentType(false))
        .withBody(OllamaStandIn.whole("codellama:7b", "{\"findings\":[{\"file\":\"a.js\",\"li", 4096, 20, "length"));
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).inScenario("ctx")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("once").willReturn(cut));
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).inScenario("ctx")
        .whenScenarioStateIs("once").willSetStateTo("split").willReturn(cut));

    run(task("T-9", Action.ANALYZE, "a.js"));

    TaskRecord r = records().get(0);
    assertThat(r.completed()).as(String.valueOf(r.error())).isTrue();
    assertThat(r.calls()).extracting(CallRecord::promptTokens).startsWith(4096L, 4096L)
        .element(2).isNotEqualTo(4096L);
    assertThat(r.findings()).isNotEmpty();
  }

  @Test
  void aBinaryFileIsHashedButNotSentToTheModel() throws Exception {
    write("a.js", "x();\n");
    Files.write(workspace.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});

    run(task("T-10", Action.ANALYZE, "a.js", "logo.png"));

    TaskRecord r = records().get(0);
    assertThat(r.inputs()).extracting(in -> in.binary()).containsExactly(false, true);
    assertThat(ollama.chatRequests()).allMatch(b -> !b.toString().contains("logo.png#"));
    assertThat(r.calls()).hasSize(1);
  }

  @Test
  void aTaskWhoseEveryFileIsBinaryFailsNamingEachFileAndWhy() throws Exception {
    // A Windows-1252 source (é as the single byte 0xE9) is not UTF-8, so it counts as binary.
    Files.write(workspace.resolve("Legacy.java"), new byte[] {'c', 'a', 'f', (byte) 0xE9, ';', '\n'});
    Files.write(workspace.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});

    run(task("T-13", Action.ANALYZE, "Legacy.java", "logo.png"));

    TaskRecord r = records().get(0);
    assertThat(r.completed()).isFalse();
    assertThat(r.error().errorClass()).isEqualTo("input_error");
    assertThat(r.error().message()).contains("Legacy.java", "logo.png", "not UTF-8", "NUL");
    assertThat(r.calls()).isEmpty();
  }

  @Test
  void aMissingInputFileFailsOnlyItsTask() throws Exception {
    write("a.js", "x();\n");

    ExitCode code = run(task("T-11", Action.ANALYZE, "gone.js"), task("T-12", Action.ANALYZE, "a.js"));

    assertThat(code).isEqualTo(ExitCode.TASKS_FAILED);
    assertThat(records()).extracting(TaskRecord::id).containsExactly("T-11", "T-12");
    assertThat(records().get(0).error().errorClass()).isEqualTo("input_error");
    assertThat(records().get(0).error().message()).contains("gone.js");
    assertThat(records().get(1).completed()).isTrue();
  }

  @Test
  void aModelTheServerDoesNotHaveFailsEveryTaskWithTheReasonAndExitCode3() throws Exception {
    ollama.server().stubFor(get(urlEqualTo("/api/tags")).atPriority(1).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json; charset=utf-8").withBody("{\"models\":[]}")));

    ExitCode code = run(task("T-13", Action.ANALYZE), task("T-14", Action.ANALYZE));

    assertThat(code).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(records()).extracting(TaskRecord::id).containsExactly("T-13", "T-14");
    assertThat(records()).allSatisfy(r -> assertThat(r.error().errorClass()).isEqualTo("model_not_found"));
    assertThat(summary().exitCode()).isEqualTo(3);
  }

  @Test
  void aWorkerSharingClaimsTakesOverUnclaimedTasksAndCountsThemInItsSummary(@TempDir Path claims) throws Exception {
    new DirectoryClaims(claims, 1).claim("T-31");

    ExitCode code = run(claimingWorker3(claims));

    assertThat(code).isEqualTo(ExitCode.OK);
    assertThat(records()).extracting(TaskRecord::id).containsExactly("T-33", "T-32");
    assertThat(records()).allSatisfy(r -> assertThat(r.worker()).isEqualTo(3));
    assertThat(summary().assigned()).isEqualTo(2);
    assertThat(DirectoryClaims.ledger(claims, List.of("T-31", "T-32", "T-33")))
        .containsEntry("T-31", 1).containsEntry("T-32", 3).containsEntry("T-33", 3);
  }

  @Test
  void aWorkerThatCannotReachItsModelsFailsOnlyItsOwnSliceAndLeavesTheRestToOthers(@TempDir Path claims)
      throws Exception {
    ollama.server().stubFor(get(urlEqualTo("/api/tags")).atPriority(1).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json; charset=utf-8").withBody("{\"models\":[]}")));

    ExitCode code = run(claimingWorker3(claims));

    assertThat(code).isEqualTo(ExitCode.UNAVAILABLE);
    assertThat(records()).extracting(TaskRecord::id).containsExactly("T-33");
    assertThat(new DirectoryClaims(claims, 1).claim("T-31")).isTrue();
    assertThat(new DirectoryClaims(claims, 1).claim("T-32")).isTrue();
  }

  @Test
  void aChat404FailsTheTaskWithoutRetrying() throws Exception {
    write("a.js", "x();\n");
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1)
        .withRequestBody(containing("T-15")).willReturn(aResponse().withStatus(404)
            .withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody("{\"error\":\"model 'codellama:7b' not found\"}")));

    run(new TaskSpec("T-15", "Review T-15", "", Priority.LOW, "", "", List.of("a.js"), Action.ANALYZE, null));

    TaskRecord r = records().get(0);
    assertThat(r.error().errorClass()).isEqualTo("model_not_found");
    assertThat(r.calls()).singleElement().satisfies(c -> assertThat(c.httpStatus()).isEqualTo(404));
  }

  @Test
  void aPromptOllamaCutToHalfTheContextIsSplitFurtherAndItsAnswerDiscarded() throws Exception {
    write("a.js", IntStream.rangeClosed(1, 40).mapToObj(i -> "call" + i + "();").collect(Collectors.joining("\n")));
    // Ollama's llama-server runner cuts a prompt over num_ctx - 1 tokens to its first num_keep (4) tokens and its
    // tail, num_ctx - (num_ctx - 4) / 2 = 2050 tokens of a 4096 context, says so only in its own log, and reports
    // the 2050 tokens it evaluated: the answer is to a prompt whose start the model never saw.
    long cut = 4096 - (4096 - 4) / 2;
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).inScenario("ctx")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("split")
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", OllamaStandIn.contentType(false))
            .withBody(OllamaStandIn.whole("codellama:7b", "{\"findings\":[{\"file\":\"a.js\",\"line\":39,"
                + "\"severity\":\"low\",\"title\":\"Seen only the tail\",\"detail\":\"d\",\"suggestion\":\"s\"}]}",
                cut, 30, "stop"))));

    run(task("T-9", Action.ANALYZE, "a.js"));

    TaskRecord r = records().get(0);
    assertThat(r.calls().get(0).promptTokens()).isEqualTo(cut);
    assertThat(r.findings()).extracting(f -> f.title()).doesNotContain("Seen only the tail");
    assertThat(r.calls().size()).isGreaterThanOrEqualTo(2);
    assertThat(r.completed()).as(String.valueOf(r.error())).isTrue();
  }

  /**
   * The worker asks Ollama not to cut a prompt ({@code "truncate": false}); a prompt over the context is
   * then refused with Ollama's own words, and the file is split further, as for a prompt Ollama cut.
   */
  @Test
  void aPromptOllamaRefusesAsLongerThanTheContextIsSplitFurtherNotAFailedRequest() throws Exception {
    write("a.js", IntStream.rangeClosed(1, 40).mapToObj(i -> "call" + i + "();").collect(Collectors.joining("\n")));
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).inScenario("refused")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("split")
        .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json; charset=utf-8")
            .withBody("{\"error\":\"the prompt is longer than the context length currently available to the model\"}")));

    run(task("T-9", Action.ANALYZE, "a.js"));

    TaskRecord r = records().get(0);
    assertThat(r.completed()).as(String.valueOf(r.error())).isTrue();
    assertThat(r.calls().get(0).httpStatus()).isEqualTo(400);
    assertThat(r.calls().size()).isGreaterThanOrEqualTo(2);
    ollama.server().getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals("/api/chat"))
        .forEach(e -> assertThat(e.getRequest().getBodyAsString()).contains("\"truncate\":false"));
  }

  @Test
  void aReplyInWhichOllamaOnlyLoadedTheModelIsNotTakenForAnEmptyAnswerOfTheModel() throws Exception {
    // Ollama's answer to a chat without messages: the model was loaded, nothing was generated.
    TaskRecord r = failsOnlyTheFirstOfTwoTasks(
        aResponse().withStatus(200).withHeader("Content-Type", OllamaStandIn.contentType(false))
        .withBody("{\"model\":\"codellama:7b\",\"created_at\":\"2026-11-26T10:59:59.99318Z\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"load\",\"done\":true}"));
    assertThat(r.completed()).isFalse();
    assertThat(r.error().errorClass()).isEqualTo("invalid_response");
    assertThat(r.error().message()).contains("done_reason load");
    assertThat(r.calls()).isNotEmpty().noneMatch(CallRecord::succeeded);
    assertThat(records().get(1).completed()).isTrue();
  }

  @Test
  void aServerOutOfMemoryFailsOnlyItsTaskAfterEveryAttemptWithOllamasReason() throws Exception {
    TaskRecord r = failsOnlyTheFirstOfTwoTasks(
        aResponse().withStatus(500).withHeader("Content-Type", "application/json; charset=utf-8")
        .withBody("{\"error\":\"model requires more system memory (9.2 GiB) than is available (7.1 GiB)\"}"));
    assertThat(r.error().errorClass()).isEqualTo("server_error");
    assertThat(r.error().message()).contains("after 2 attempt(s)", "model requires more system memory");
    assertThat(r.calls()).hasSize(2).allSatisfy(c -> assertThat(c.httpStatus()).isEqualTo(500));
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(records().get(1).completed()).isTrue();
  }

  @Test
  void aWholeAnswerFromAnotherModelFailsTheTaskAsAModelMismatch() throws Exception {
    write("a.js", "x();\n");
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1)
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", OllamaStandIn.contentType(false))
            .withBody(OllamaStandIn.whole("llama3.1:8b", "{\"findings\":[]}", 50, 5, "stop"))));

    run(task("T-1", Action.ANALYZE, "a.js"));

    TaskRecord r = records().get(0);
    assertThat(r.error().errorClass()).isEqualTo("model_mismatch");
    assertThat(r.error().message()).contains("llama3.1:8b", "codellama:7b");
    assertThat(r.calls()).hasSize(2).noneMatch(CallRecord::succeeded);
  }

  @Test
  void aNonJsonBodyOfAnyCharactersFailsOnlyItsTask() throws Exception {
    // U+1D800 (a SignWriting character): a parser that keeps only the low 16 bits of it quotes a lone surrogate.
    TaskRecord r = failsOnlyTheFirstOfTwoTasks(
        aResponse().withStatus(200).withHeader("Content-Type", "text/plain; charset=utf-8")
        .withBody("abc\uD836\uDC00def".getBytes(UTF_8)));
    assertThat(r.error().errorClass()).isEqualTo("invalid_response");
  }

  /**
   * Runs T-1 (a.js) and T-2 (b.js) with Ollama giving {@code answer} to T-1's chats: T-2 completes all the
   * same, the worker exits 1, and T-1's record is returned.
   */
  private TaskRecord failsOnlyTheFirstOfTwoTasks(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer)
      throws Exception {
    write("a.js", "x();\n");
    write("b.js", "y();\n");
    ollama.server().stubFor(post(urlEqualTo("/api/chat")).atPriority(1).withRequestBody(containing("x();"))
        .willReturn(answer));

    ExitCode code = run(task("T-1", Action.ANALYZE, "a.js"), task("T-2", Action.ANALYZE, "b.js"));

    assertThat(code).isEqualTo(ExitCode.TASKS_FAILED);
    assertThat(records()).extracting(TaskRecord::id).containsExactly("T-1", "T-2");
    assertThat(records().get(1).completed()).isTrue();
    return records().get(0);
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder wholeAnswer(String content, String reason) {
    return aResponse().withStatus(200).withHeader("Content-Type", OllamaStandIn.contentType(false))
        .withBody(OllamaStandIn.whole("codellama:7b", content, 50, 20, reason));
  }
}
