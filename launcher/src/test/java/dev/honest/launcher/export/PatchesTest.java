package dev.honest.launcher.export;

import static dev.honest.launcher.TestRecords.call;
import static dev.honest.launcher.TestRecords.completed;
import static dev.honest.launcher.TestRecords.failed;
import static dev.honest.launcher.TestRecords.fix;
import static dev.honest.launcher.TestRecords.results;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.hash.Hashes;
import dev.honest.common.result.Change;
import dev.honest.common.task.Action;
import dev.honest.launcher.Git;
import dev.honest.launcher.TestTasks;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.worker.edit.Edit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatchesTest {
  @TempDir Path workspace;
  @TempDir Path out;
  @TempDir Path scratch;

  private List<Change> t1;
  private List<Change> t2;
  private ClusterResults results;

  @BeforeEach
  void aRunWithFixTasks() {
    TestTasks.write(workspace, "src/db.js", "const db = require('db');\nfunction find(id) {\n"
        .concat("  return db.query('SELECT * FROM users WHERE id = ' + id);\n}\nmodule.exports = find;\n")
        .getBytes(UTF_8));
    TestTasks.write(workspace, "config/app.ini", "[server]\r\nport=80\r\ndebug=true\r\n".getBytes(UTF_8));
    TestTasks.write(workspace, "docs/my notes.txt", "first line\nlast line".getBytes(UTF_8));
    TestTasks.write(workspace, "src/other.js", "let a = 1;\n".getBytes(UTF_8));
    t1 = fix(workspace, "T-1", new Edit("src/db.js", "' + id);", "?', [id]);"),
        new Edit("config/app.ini", "debug=true", "debug=false"));
    t2 = fix(workspace, "T/2", new Edit("docs/my notes.txt", "last line", "final line"));
    List<Change> lost = fix(workspace, "T-3", new Edit("src/other.js", "1", "2"));
    results = results(List.of(
        completed("T-1", Action.FIX, "security", List.of(), List.of(), t1, call(100, 50)),
        completed("T/2", Action.FIX, "quality", List.of(), List.of(), t2, call(100, 50)),
        failed("T-3", Action.FIX, lost, call(100, 50)),
        completed("T-4", Action.ANALYZE, "quality", List.of(), List.of(), List.of(), call(100, 50)),
        completed("T-5", Action.FIX, "quality", List.of(), List.of(), List.of(), call(100, 50))));
  }

  @Test
  void onlyCompletedFixTasksThatChangedFilesGetAPatchOfAllTheirDiffs() throws Exception {
    List<Path> written = Patches.write(out, results);

    Path dir = out.resolve("patches");
    assertThat(written).containsExactly(dir.resolve("T-1.patch"), dir.resolve("T_2.patch"));
    try (var files = Files.list(dir)) {
      assertThat(files).hasSize(2);
    }
    assertThat(Files.readString(dir.resolve("T-1.patch"))).isEqualTo(t1.get(0).diff() + t1.get(1).diff());
    assertThat(Files.readString(dir.resolve("T_2.patch"))).isEqualTo(t2.get(0).diff());
  }

  @Test
  void gitAppliesEveryPatchToTheOriginalFilesAndGetsTheRecordedContent() throws Exception {
    Path repo = Files.createDirectories(scratch.resolve("repo"));
    Git.run(repo, scratch, "init", "-q");
    for (String path : List.of("src/db.js", "config/app.ini", "docs/my notes.txt")) {
      TestTasks.write(repo, path, Files.readAllBytes(workspace.resolve(path)));
    }

    for (Path patch : Patches.write(out, results)) {
      Git.run(repo, scratch, "apply", "--check", "-p1", patch.toString());
      Git.run(repo, scratch, "apply", "-p1", patch.toString());
    }

    for (Change c : List.of(t1.get(0), t1.get(1), t2.get(0))) {
      assertThat(Hashes.sha256Hex(Files.readAllBytes(repo.resolve(c.path())))).as(c.path()).isEqualTo(c.sha256After());
    }
  }

  @Test
  void aPatchAnEarlierRunLeftIsRemoved() throws Exception {
    TestTasks.write(out, "patches/T-9.patch", "old".getBytes(UTF_8));
    TestTasks.write(out, "patches/README", "kept".getBytes(UTF_8));

    Patches.write(out, results);

    assertThat(out.resolve("patches/T-9.patch")).doesNotExist();
    assertThat(out.resolve("patches/README")).hasContent("kept");
  }
}
