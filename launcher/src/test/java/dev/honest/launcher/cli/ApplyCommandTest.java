package dev.honest.launcher.cli;

import static dev.honest.launcher.TestRecords.call;
import static dev.honest.launcher.TestRecords.completed;
import static dev.honest.launcher.TestRecords.fix;
import static dev.honest.launcher.TestRecords.results;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.hash.Hashes;
import dev.honest.common.result.Change;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.task.Action;
import dev.honest.launcher.TestTasks;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.worker.edit.Edit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplyCommandTest {
  private static final String DB = "const db = require('db');\nfunction find(id) {\n"
      + "  return db.query('SELECT * FROM users WHERE id = ' + id);\n}\nmodule.exports = find;\n";

  @TempDir Path workspace;
  @TempDir Path out;

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
    Path file = ResultsFiles.writeResults(out, results(tasks));
    List<String> args = new ArrayList<>(List.of("apply", "--results", file.toString(), "--workspace",
        workspace.toString()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
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
  void aMissingOrBrokenResultsFileOrWorkspaceIsInvalidInput() throws Exception {
    Path broken = out.resolve("broken.json");
    Files.writeString(broken, "{\"tasks\": [{\"id\": \"T-1\"");

    Cli missing = Cli.run("apply", "--results", out.resolve("none.json").toString(), "--workspace", workspace.toString());
    Cli notJson = Cli.run("apply", "--results", broken.toString(), "--workspace", workspace.toString());
    Path results = ResultsFiles.writeResults(out, results(List.of(fixTask("T-1", t1))));
    Cli noWorkspace = Cli.run("apply", "--results", results.toString(), "--workspace", out.resolve("nowhere").toString());

    assertThat(missing.exitCode).isEqualTo(2);
    assertThat(missing.err()).contains("cannot read results file", "none.json");
    assertThat(notJson.exitCode).isEqualTo(2);
    assertThat(notJson.err()).contains("broken.json is not a valid k8s-cluster-results.json");
    assertThat(noWorkspace.exitCode).isEqualTo(2);
    assertThat(noWorkspace.err()).contains("nowhere", "not a directory");
    assertThat(sha256("src/db.js")).isEqualTo(t1.get(0).sha256Before());
  }

  @Test
  void aResultsFileWithoutTasksOrWithANullTaskIsInvalidInputNamingTheMember() throws Exception {
    Path empty = Files.writeString(out.resolve("empty.json"), "{}");
    Path nullTask = Files.writeString(out.resolve("null-task.json"), "{\"workers\": [], \"tasks\": [null]}");

    Cli noTasks = Cli.run("apply", "--results", empty.toString(), "--workspace", workspace.toString());
    Cli withNull = Cli.run("apply", "--results", nullTask.toString(), "--workspace", workspace.toString());

    assertThat(noTasks.exitCode).isEqualTo(2);
    assertThat(noTasks.err()).contains("empty.json is not a valid k8s-cluster-results.json", "workers is missing");
    assertThat(withNull.exitCode).isEqualTo(2);
    assertThat(withNull.err()).contains("null-task.json is not a valid k8s-cluster-results.json", "tasks[0] is null");
  }

  @Test
  void aResultsFileHoldingJsonNullIsInvalidInputSayingSo() throws Exception {
    Path nothing = Files.writeString(out.resolve("null.json"), "null");

    Cli cli = Cli.run("apply", "--results", nothing.toString(), "--workspace", workspace.toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).isEqualTo("error: results file " + nothing
        + " holds JSON null, not a k8s-cluster-results.json" + System.lineSeparator());
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
