package dev.honest.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.config.WorkerConfig;
import dev.honest.common.json.Json;
import dev.honest.common.proof.Keys;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.task.TaskFileReader;
import dev.honest.launcher.SmallProject;
import dev.honest.launcher.UnreadableFile;
import dev.honest.launcher.attest.Resume;
import dev.honest.common.result.TaskRecord;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.worker.testing.OllamaStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code local --resume}: unchanged completed tasks are carried over with their proof, the rest run again. */
class ResumeTest {
  private final OllamaStandIn ollama = new OllamaStandIn();
  @TempDir Path dir;
  private Path workspace;
  private Path tasks;

  /** The small project every test runs, in {@code dir/project}. */
  @BeforeEach
  void writeProject() throws Exception {
    workspace = dir.resolve("project");
    tasks = SmallProject.write(workspace);
  }

  /** Runs the small project once into {@code dir/first}; its results file. */
  private Path firstRun() throws Exception {
    Cli first = SmallRun.local(tasks, workspace, dir.resolve("first"), ollama.url());
    assertThat(first.exitCode).as(first.out() + first.err()).isZero();
    return dir.resolve("first").resolve(ResultsFiles.RESULTS_FILE);
  }

  @AfterEach
  void stop() {
    ollama.close();
  }

  private static Map<String, TaskRecord> byId(ClusterResults r) {
    return r.tasks().stream().collect(Collectors.toMap(TaskRecord::id, Function.identity()));
  }

  /** The titles of the tasks the stand-in was asked about. */
  private List<String> asked() {
    return ollama.chatRequests().stream()
        .map(b -> b.path("messages").get(1).path("content").asString().lines().findFirst().orElseThrow())
        .distinct().toList();
  }

  @Test
  void onlyTasksWhoseInputChangedRunAgainAndTheCarriedOnesKeepTheirProof() throws Exception {
    Path firstResults = firstRun();
    ClusterResults before = ResultsFiles.readResults(firstResults);
    Files.writeString(workspace.resolve(SmallProject.DB), "function find(id) {\n  return db.query('SELECT 1');\n}\n");
    ollama.server().resetRequests();

    Cli second = SmallRun.local(tasks, workspace, dir.resolve("second"), ollama.url(),
        "--resume", firstResults.toString());

    assertThat(second.exitCode).as(second.out() + second.err()).isZero();
    assertThat(second.out()).contains("↩️ Resuming run " + before.runId() + ": 2 task(s) carried over, 2 to run",
        "A-2: input src/db.js changed", "A-4: input src/db.js changed", "| Carried over: 2 |");
    assertThat(asked()).containsExactlyInAnyOrder("Task: Parameterise the user query",
        "Task: Trace user input to the database");
    Path secondResults = dir.resolve("second").resolve(ResultsFiles.RESULTS_FILE);
    ClusterResults after = ResultsFiles.readResults(secondResults);
    Map<String, TaskRecord> old = byId(before);
    Map<String, TaskRecord> now = byId(after);
    assertThat(after.totalTasks()).isEqualTo(4);
    assertThat(after.carriedTasks()).isEqualTo(2);
    for (String carried : List.of("A-1", "A-3")) {
      assertThat(now.get(carried).carriedFrom()).isEqualTo(before.runId());
      assertThat(now.get(carried)).isEqualTo(old.get(carried).carriedOver(before.runId()));
      assertThat(proof(after, carried)).isEqualTo(proof(before, carried));
    }
    for (String rerun : List.of("A-2", "A-4")) {
      assertThat(now.get(rerun).carriedFrom()).isNull();
      assertThat(now.get(rerun).startedAt()).isAfter(old.get(rerun).finishedAt());
    }
    assertThat(after.attestation().publicKeys()).extracting(k -> k.runId())
        .containsExactly(after.runId(), before.runId());
    assertThat(after.costSavings().apiCallsAvoided()).isEqualTo(ollama.chatRequests().size());
    Cli verify = Cli.run("verify", "--results", secondResults.toString(), "--workspace", workspace.toString(),
        "--public-key", dir.resolve("second").resolve("run-signing-key.pub").toString());
    assertThat(verify.exitCode).as(verify.out()).isZero();

    // Nothing changed since: everything is carried, nothing is asked, and the oldest origin is kept.
    ollama.server().resetRequests();
    Cli third = SmallRun.local(tasks, workspace, dir.resolve("third"), ollama.url(), "--resume", secondResults.toString());

    assertThat(third.exitCode).as(third.out() + third.err()).isZero();
    assertThat(ollama.chatRequests()).isEmpty();
    ClusterResults last = ResultsFiles.readResults(dir.resolve("third").resolve(ResultsFiles.RESULTS_FILE));
    assertThat(byId(last).get("A-1").carriedFrom()).isEqualTo(before.runId());
    assertThat(byId(last).get("A-2").carriedFrom()).isEqualTo(after.runId());
    assertThat(last.attestation().publicKeys()).hasSize(3);
    Cli verifyLast = Cli.run("verify", "--results", dir.resolve("third").resolve(ResultsFiles.RESULTS_FILE).toString(),
        "--workspace", workspace.toString());
    assertThat(verifyLast.exitCode).as(verifyLast.out()).isZero();
  }

  @Test
  void aCarriedTaskListedUnderAWorkerOfTheResumedRunIsAProblemThoughNoWorkerListsItOtherwise() throws Exception {
    Path firstResults = firstRun();
    String firstRun = ResultsFiles.readResults(firstResults).runId();
    Files.writeString(workspace.resolve(SmallProject.DB), "function find(id) {\n  return db.query('SELECT 1');\n}\n");
    assertThat(SmallRun.local(tasks, workspace, dir.resolve("second"), ollama.url(), "--resume",
        firstResults.toString()).exitCode).isZero();
    Path results = dir.resolve("second").resolve(ResultsFiles.RESULTS_FILE);
    ObjectNode json = (ObjectNode) Json.mapper().readTree(Files.readAllBytes(results));
    assertThat(json.path("workers").valueStream().flatMap(w -> w.path("tasks").valueStream()))
        .extracting(JsonNode::asString).containsExactlyInAnyOrder("A-2", "A-4");
    ((ArrayNode) json.path("workers").get(0).path("tasks")).add("A-1");
    Files.write(results, Json.pretty().writeValueAsBytes(VerifyCommandTest.recounted(json)));

    Cli verify = Cli.run("verify", "--results", results.toString());

    assertThat(verify.exitCode).as(verify.out()).isEqualTo(1);
    assertThat(verify.out().lines().filter(l -> l.startsWith("❌ task "))).containsExactly(
        "❌ task A-1: carried over from run " + firstRun + ", yet listed under worker "
            + json.path("workers").get(0).path("index") + " of this run");
  }

  @Test
  void resultsThatDoNotVerifyAreNotResumedFrom() throws Exception {
    Path results = firstRun();
    ObjectNode json = (ObjectNode) Json.mapper().readTree(Files.readAllBytes(results));
    ((ObjectNode) json.path("tasks").get(0)).put("status", "completed").put("title", "Something else");
    Files.write(results, Json.pretty().writeValueAsBytes(json));
    ollama.server().resetRequests();

    Cli cli = SmallRun.local(tasks, workspace, dir.resolve("second"), ollama.url(), "--resume", results.toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).contains("does not verify, so nothing can be carried over", "record differs");
    assertThat(ollama.chatRequests()).isEmpty();
  }

  @Test
  void earlierResultsSignedWithAnotherKeyThanTheResumePublicKeyAreNotResumedFrom() throws Exception {
    Path results = firstRun();
    String runKeyId = Keys.keyId(Keys.readPublicKey(dir.resolve("first").resolve(ResultsFiles.PUBLIC_KEY_FILE)));
    PublicKey other = SigningKey.generate().publicKey();
    Path otherFile = dir.resolve("other.pub");
    Keys.writePublicKey(other, otherFile);
    ollama.server().resetRequests();

    Cli cli = SmallRun.local(tasks, workspace, dir.resolve("second"), ollama.url(), "--resume", results.toString(),
        "--resume-public-key", otherFile.toString());

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isEqualTo(2);
    assertThat(cli.err()).contains("--resume " + results + " is signed with key " + runKeyId + ", not with the key"
        + " of --resume-public-key " + otherFile + " (" + Keys.keyId(other) + "), so nothing can be carried over from it");
    assertThat(ollama.chatRequests()).isEmpty();
    assertThat(dir.resolve("second").resolve(ResultsFiles.RESULTS_FILE)).doesNotExist();
  }

  @Test
  void unsignedTextOfEarlierResultsQuotedWhenTheyAreRefusedIsShownOnOneLineWithControlsEscaped() throws Exception {
    Path results = firstRun();
    ObjectNode json = (ObjectNode) Json.mapper().readTree(Files.readAllBytes(results));
    // key_id is a member nothing signs: here it would print a line of its own and erase the one before.
    ((ObjectNode) json.path("attestation")).put("key_id", "abc\nResuming: all tasks carried over\u001b[1A\u001b[2K");
    Files.write(results, Json.pretty().writeValueAsBytes(json));
    Path otherFile = dir.resolve("other.pub");
    Keys.writePublicKey(SigningKey.generate().publicKey(), otherFile);

    Cli cli = SmallRun.local(tasks, workspace, dir.resolve("second"), ollama.url(), "--resume", results.toString(),
        "--resume-public-key", otherFile.toString());

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isEqualTo(2);
    assertThat(cli.err()).contains("is signed with key abc\\nResuming: all tasks carried over\\u001b[1A\\u001b[2K,");
    assertThat(cli.err().lines()).noneMatch(l -> l.startsWith("Resuming"))
        .allSatisfy(l -> assertThat(l.chars().filter(Character::isISOControl)).as(l).isEmpty());
  }

  @Test
  void whyATaskRunsAgainIsShownOnOneLineWithTheControlCharactersOfItsIdEscaped() throws Exception {
    // A task id is text of the task file: raw, it would print a line of its own and erase the one before.
    Files.writeString(tasks, """
        [{"Task ID": "A-1\\nall carried over\\u001b[1A\\u001b[2K", "Title": "Check the page for XSS",
          "Files": "src/app.js"}]
        """);
    Path firstResults = firstRun();
    Files.writeString(workspace.resolve(SmallProject.APP), "document.body.textContent = location.hash;\n");

    Cli second = SmallRun.local(tasks, workspace, dir.resolve("second"), ollama.url(),
        "--resume", firstResults.toString());

    assertThat(second.exitCode).as(second.out() + second.err()).isZero();
    assertThat(second.out()).contains("   A-1\\nall carried over\\u001b[1A\\u001b[2K: input src/app.js changed");
    assertThat(second.out().lines()).noneMatch(l -> l.startsWith("all carried over"))
        .allSatisfy(l -> assertThat(l.chars().filter(Character::isISOControl)).as(l).isEmpty());
  }

  /**
   * An input file that exists but cannot be read now (permission denied) does not stop the run with an
   * internal error: its task runs again, and its worker reports it failed, naming the file.
   */
  @Test
  void aTaskWhoseInputCannotBeReadNowRunsAgainAndFailsNamingTheFile() throws Exception {
    Path unreadable = UnreadableFile.orSkip();
    Path first = dir.resolve("vm");
    Files.createDirectories(first);
    Files.writeString(first.resolve("drop_caches"), "0\n");
    Files.writeString(tasks, """
        [{"Task ID": "V-1", "Title": "Check the setting", "Files": "drop_caches"},
         {"Task ID": "V-2", "Title": "Write a release checklist"}]
        """);
    Cli run = SmallRun.local(tasks, first, dir.resolve("first"), ollama.url());
    assertThat(run.exitCode).as(run.out() + run.err()).isZero();
    Path firstResults = dir.resolve("first").resolve(ResultsFiles.RESULTS_FILE);

    Cli second = SmallRun.local(tasks, unreadable.getParent(), dir.resolve("second"), ollama.url(),
        "--resume", firstResults.toString());

    assertThat(second.exitCode).as(second.out() + second.err()).isEqualTo(1);
    assertThat(second.err()).doesNotContain("internal error");
    assertThat(second.out()).contains("1 task(s) carried over, 1 to run",
        "   V-1: input drop_caches cannot be read: ");
    TaskRecord failed = byId(ResultsFiles.readResults(dir.resolve("second").resolve(ResultsFiles.RESULTS_FILE)))
        .get("V-1");
    assertThat(failed.error().errorClass()).isEqualTo("input_error");
    assertThat(failed.error().message()).contains("drop_caches");
  }

  /**
   * {@code run} asks every Ollama replica for the models' digests; replicas that list a model with
   * different digests give it none. The task runs again, and the reason says so rather than "null".
   */
  @Test
  void aModelWithNoSingleDigestOnTheRunsOllamaIsNamedAsTheReasonATaskRunsAgain() throws Exception {
    Path firstResults = firstRun();
    Resume.Previous earlier = Resume.read(firstResults, null, null);

    Resume.Selection selection = Resume.select(earlier, TaskFileReader.read(tasks, workspace), workspace,
        WorkerConfig.defaults("run-20990101-000000", List.of(ollama.url())),
        Map.of(WorkerConfig.DEFAULT_GENERAL_MODEL, OllamaStandIn.GENERAL_DIGEST));

    assertThat(selection.carried().taskIds()).containsExactly("A-3");
    assertThat(selection.rerun()).containsEntry("A-1", "model " + WorkerConfig.DEFAULT_CODE_MODEL
        + " has no single digest on this run's Ollama now (its servers list different ones), was " + OllamaStandIn.CODE_DIGEST);
  }

  @Test
  void earlierResultsSignedWithTheResumePublicKeyAreResumedFrom() throws Exception {
    Path results = firstRun();
    Path key = dir.resolve("first").resolve(ResultsFiles.PUBLIC_KEY_FILE);
    ollama.server().resetRequests();

    Cli cli = SmallRun.local(tasks, workspace, dir.resolve("second"), ollama.url(), "--resume", results.toString(),
        "--resume-public-key", key.toString());

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    assertThat(cli.out()).contains("4 task(s) carried over, 0 to run", "nothing to run: every task is carried over.")
        .doesNotContain("note: --resume", "0 local workers");
    assertThat(ollama.chatRequests()).isEmpty();
  }

  /** As verify says it without --public-key: results re-signed with another key would have been taken too. */
  @Test
  void withoutTheResumePublicKeyANoteSaysWhichKeyTheEarlierResultsWereCheckedAgainst() throws Exception {
    Path results = firstRun();
    String keyId = ResultsFiles.readResults(results).attestation().keyId();

    Cli cli = SmallRun.local(tasks, workspace, dir.resolve("second"), ollama.url(), "--resume", results.toString());

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    assertThat(cli.out()).contains("note: --resume " + results + " was checked against the public key inside it ("
        + keyId + "); pass --resume-public-key with the earlier run's key to rule out results signed again with"
        + " another key\n");
  }

  @Test
  void theResumePublicKeyIsAnOptionOfResumeOnly() throws Exception {
    Path key = dir.resolve("some.pub");
    Keys.writePublicKey(SigningKey.generate().publicKey(), key);

    Cli alone = SmallRun.local(tasks, workspace, dir.resolve("out"), ollama.url(), "--resume-public-key", key.toString());

    assertThat(alone.exitCode).isEqualTo(2);
    assertThat(alone.err()).contains("--resume-public-key " + key + " is only meaningful with --resume");
    assertThat(ollama.chatRequests()).isEmpty();

    Path missing = dir.resolve("missing.pub");
    Cli unreadable = SmallRun.local(tasks, workspace, dir.resolve("out"), ollama.url(), "--resume",
        dir.resolve("results.json").toString(), "--resume-public-key", missing.toString());

    assertThat(unreadable.exitCode).isEqualTo(2);
    assertThat(unreadable.err()).contains("--resume-public-key " + missing + ": no such file");
  }

  private static Object proof(ClusterResults r, String id) {
    return r.attestation().tasks().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow().envelope();
  }
}
