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
import dev.honest.common.result.TaskRecord;
import dev.honest.common.task.Action;
import dev.honest.launcher.Git;
import dev.honest.launcher.TestTasks;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.worker.edit.Edit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
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
    assertThat(written).containsExactly(dir.resolve("T-1.patch"), dir.resolve(Patches.fileName("T/2")));
    try (var files = Files.list(dir)) {
      assertThat(files).hasSize(2);
    }
    assertThat(Files.readString(dir.resolve("T-1.patch"))).isEqualTo(t1.get(0).diff() + t1.get(1).diff());
    assertThat(Files.readString(written.get(1))).isEqualTo(t2.get(0).diff());
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

  /**
   * GNU patch ends an unquoted name at its first space unless a tab ends the header line, as git
   * writes it for such names: without it, {@code patch -p1} asks which file to patch and skips it.
   */
  @Test
  void gnuPatchAlsoAppliesEveryPatchIncludingThatOfAFileWithASpaceInItsName() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/patch")), "GNU patch is installed");
    Path repo = Files.createDirectories(scratch.resolve("plain"));
    for (String path : List.of("src/db.js", "config/app.ini", "docs/my notes.txt")) {
      TestTasks.write(repo, path, Files.readAllBytes(workspace.resolve(path)));
    }

    for (Path patch : Patches.write(out, results)) {
      Process check = new ProcessBuilder("patch", "-p1", "--batch", "--dry-run", "-i", patch.toString())
          .directory(repo.toFile()).redirectErrorStream(true).start();
      String said = new String(check.getInputStream().readAllBytes(), UTF_8);
      assertThat(check.waitFor()).as("patch --dry-run %s: %s", patch.getFileName(), said).isZero();
      Process apply = new ProcessBuilder("patch", "-p1", "--batch", "-i", patch.toString())
          .directory(repo.toFile()).redirectErrorStream(true).start();
      said = new String(apply.getInputStream().readAllBytes(), UTF_8);
      assertThat(apply.waitFor()).as("patch %s: %s", patch.getFileName(), said).isZero();
    }

    for (Change c : List.of(t1.get(0), t1.get(1), t2.get(0))) {
      assertThat(Hashes.sha256Hex(Files.readAllBytes(repo.resolve(c.path())))).as(c.path()).isEqualTo(c.sha256After());
    }
  }

  @Test
  void idsThatDifferOnlyInCharactersAFileNameCannotHoldEachGetTheirOwnPatch() throws Exception {
    List<Change> spaced = fix(workspace, "T 1", new Edit("src/db.js", "' + id);", "?', [id]);"));
    List<Change> underscored = fix(workspace, "T_1", new Edit("src/other.js", "1", "2"));
    List<Change> slashed = fix(workspace, "T/1", new Edit("config/app.ini", "debug=true", "debug=false"));
    ClusterResults three = results(List.of(
        completed("T 1", Action.FIX, "security", List.of(), List.of(), spaced, call(100, 50)),
        completed("T_1", Action.FIX, "security", List.of(), List.of(), underscored, call(100, 50)),
        completed("T/1", Action.FIX, "security", List.of(), List.of(), slashed, call(100, 50))));

    List<Path> written = Patches.write(out, three);

    assertThat(written).doesNotHaveDuplicates().hasSize(3);
    assertThat(written.get(1).getFileName()).hasToString("T_1.patch");
    assertThat(written.get(0).getFileName().toString()).startsWith("T_1-").endsWith(".patch");
    assertThat(Files.readString(written.get(0))).isEqualTo(spaced.get(0).diff());
    assertThat(Files.readString(written.get(1))).isEqualTo(underscored.get(0).diff());
    assertThat(Files.readString(written.get(2))).isEqualTo(slashed.get(0).diff());
    assertThat(Patches.write(out, three)).as("the same names on every run").isEqualTo(written);
  }

  @Test
  void aSafeIdThatLooksLikeAnotherIdsHashedNameStillGetsItsOwnPatch() throws Exception {
    String spacedName = Patches.fileName("T 1");
    String lookalike = spacedName.substring(0, spacedName.length() - ".patch".length());
    List<Change> spaced = fix(workspace, "T 1", new Edit("src/db.js", "' + id);", "?', [id]);"));
    List<Change> other = fix(workspace, lookalike, new Edit("src/other.js", "1", "2"));
    ClusterResults two = results(List.of(
        completed("T 1", Action.FIX, "security", List.of(), List.of(), spaced, call(100, 50)),
        completed(lookalike, Action.FIX, "security", List.of(), List.of(), other, call(100, 50))));

    List<Path> written = Patches.write(out, two);

    assertThat(written).doesNotHaveDuplicates().hasSize(2);
    assertThat(Files.readString(written.get(0))).isEqualTo(spaced.get(0).diff());
    assertThat(Files.readString(written.get(1))).isEqualTo(other.get(0).diff());
  }

  @Test
  void twoIdsWhoseShortHashesCollideStillGetTheirOwnPatches() throws Exception {
    Map<String, String> idByName = new HashMap<>();
    String first = null;
    String second = null;
    String same = "T " + "x".repeat(Patches.MAX_PREFIX);
    for (int i = 0; second == null; i++) {
      String id = same + i;
      String earlier = idByName.putIfAbsent(Patches.fileName(id), id);
      if (earlier != null) {
        first = earlier;
        second = id;
      }
    }
    List<Change> a = fix(workspace, first, new Edit("src/db.js", "' + id);", "?', [id]);"));
    List<Change> b = fix(workspace, second, new Edit("src/other.js", "1", "2"));
    ClusterResults two = results(List.of(
        completed(first, Action.FIX, "security", List.of(), List.of(), a, call(100, 50)),
        completed(second, Action.FIX, "security", List.of(), List.of(), b, call(100, 50))));

    List<Path> written = Patches.write(out, two);

    assertThat(written).doesNotHaveDuplicates().hasSize(2);
    assertThat(Files.readString(written.get(0))).isEqualTo(a.get(0).diff());
    assertThat(Files.readString(written.get(1))).isEqualTo(b.get(0).diff());
  }

  @Test
  void idsDifferingOnlyInCaseGetDifferentFilesEvenOnACaseInsensitiveFileSystem() throws Exception {
    ClusterResults two = fixes("SEC-1", "sec-1");

    List<Path> written = Patches.write(out, two);

    assertThat(lowerCased(written)).doesNotHaveDuplicates().hasSize(2);
    assertThat(written.get(0).getFileName().toString()).startsWith("SEC-1-").endsWith(".patch");
    assertThat(written.get(1).getFileName().toString()).startsWith("sec-1-").endsWith(".patch");
    assertEachPatchHoldsItsOwnTasksDiff(two, written);
    assertThat(Patches.write(out, two)).as("the same names on every run").isEqualTo(written);
  }

  @Test
  void aTasksPatchNameDependsNeitherOnTheOrderOfTheTasksNorOnWhichOthersHaveAPatch() throws Exception {
    Map<String, String> names = names(Patches.write(out, fixes("SEC-1", "sec-1")), "SEC-1", "sec-1");
    Map<String, String> reversed = names(Patches.write(out, fixes("sec-1", "SEC-1")), "sec-1", "SEC-1");
    List<Change> lower = fix(workspace, "sec-1", new Edit("src/other.js", "1", "3"));
    List<Path> alone = Patches.write(out, results(List.of(
        failed("SEC-1", Action.FIX, lower, call(100, 50)),
        completed("sec-1", Action.FIX, "security", List.of(), List.of(), lower, call(100, 50)))));

    assertThat(reversed).isEqualTo(names);
    assertThat(alone).singleElement().satisfies(f -> assertThat(f.getFileName()).hasToString(names.get("sec-1")));
  }

  /** The file name written for each id, {@code written} being in the order of {@code ids}. */
  private static Map<String, String> names(List<Path> written, String... ids) {
    Map<String, String> names = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      names.put(ids[i], written.get(i).getFileName().toString());
    }
    return names;
  }

  @Test
  void hashedNamesThatDifferOnlyInCaseStillGetTheirOwnPatches() throws Exception {
    Map<String, String> idByName = new HashMap<>();
    String first = null;
    String second = null;
    for (int i = 0; second == null; i++) {
      String id = (i % 2 == 0 ? "T " : "t ") + "x".repeat(Patches.MAX_PREFIX) + i;
      String earlier = idByName.putIfAbsent(Patches.fileName(id).toLowerCase(Locale.ROOT), id);
      if (earlier != null && !Patches.fileName(earlier).equals(Patches.fileName(id))) {
        first = earlier;
        second = id;
      }
    }
    ClusterResults two = fixes(first, second);

    List<Path> written = Patches.write(out, two);

    assertThat(lowerCased(written)).doesNotHaveDuplicates().hasSize(2);
    assertEachPatchHoldsItsOwnTasksDiff(two, written);
  }

  @Test
  void anIdEndingInHexDigitsOfEitherCaseIsNotKeptAsAPlainName() throws Exception {
    // Such a name could be another id's hashed name, ignoring case.
    assertThat(Patches.fileName("FIX-DEADBEEF")).startsWith("FIX-DEADBEEF-").isNotEqualTo("FIX-DEADBEEF.patch");
    assertThat(Patches.fileName("fix-deadbeef")).startsWith("fix-deadbeef-");
    assertThat(Patches.fileName("FIX-DEADBEE")).isEqualTo("FIX-DEADBEE.patch");
    String hashed = Patches.fileName("T 1");
    String upper = hashed.substring(0, hashed.length() - ".patch".length()).toUpperCase(Locale.ROOT);
    ClusterResults two = fixes("T 1", upper);

    List<Path> written = Patches.write(out, two);

    assertThat(lowerCased(written)).doesNotHaveDuplicates().hasSize(2);
    assertEachPatchHoldsItsOwnTasksDiff(two, written);
  }

  @Test
  void aWindowsDeviceNameIsNotUsedAsAFileName() {
    for (String id : List.of("CON", "prn", "Aux", "NUL", "com1", "COM9", "lpt1", "LPT9", "CON.x", "nul.patch",
        "Com3.tar.gz", "AUX.x y", "nul.")) {
      String stem = Patches.fileName(id).split("\\.")[0].toUpperCase(Locale.ROOT);
      assertThat(stem).as(id).doesNotMatch("CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9]");
    }
    assertThat(Patches.fileName("CONSOLE")).isEqualTo("CONSOLE.patch");
    assertThat(Patches.fileName("COM10")).isEqualTo("COM10.patch");
    assertThat(Patches.fileName("NUL-1")).isEqualTo("NUL-1.patch");
  }

  @Test
  void aWindowsDeviceNameIdStillGetsItsPatch() throws Exception {
    ClusterResults two = fixes("CON", "nul.x");

    List<Path> written = Patches.write(out, two);

    assertThat(written.get(0).getFileName().toString()).startsWith("CON-").endsWith(".patch");
    assertThat(written.get(1).getFileName().toString()).startsWith("_nul.x-").endsWith(".patch");
    assertEachPatchHoldsItsOwnTasksDiff(two, written);
  }

  /** Completed fix tasks with these ids, each changing {@code src/other.js} in its own way. */
  private ClusterResults fixes(String... ids) {
    List<TaskRecord> tasks = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      List<Change> changes = fix(workspace, ids[i], new Edit("src/other.js", "1", String.valueOf(i + 2)));
      tasks.add(completed(ids[i], Action.FIX, "security", List.of(), List.of(), changes, call(100, 50)));
    }
    return results(tasks);
  }

  private static void assertEachPatchHoldsItsOwnTasksDiff(ClusterResults run, List<Path> written) throws Exception {
    assertThat(written).hasSameSizeAs(run.tasks());
    for (int i = 0; i < written.size(); i++) {
      assertThat(Files.readString(written.get(i))).as(run.tasks().get(i).id())
          .isEqualTo(run.tasks().get(i).changes().get(0).diff());
    }
  }

  private static List<String> lowerCased(List<Path> files) {
    return files.stream().map(f -> f.getFileName().toString().toLowerCase(Locale.ROOT)).toList();
  }

  @Test
  void aTaskIdOfThreeHundredCharactersGetsItsPatchWritten() throws Exception {
    String longId = "SEC-".concat("x".repeat(296));
    List<Change> changes = fix(workspace, longId, new Edit("src/other.js", "1", "2"));
    ClusterResults one = results(List.of(
        completed(longId, Action.FIX, "security", List.of(), List.of(), changes, call(100, 50))));

    List<Path> written = Patches.write(out, one);

    assertThat(written).hasSize(1);
    assertThat(written.get(0).getFileName().toString()).startsWith("SEC-xxx").hasSizeLessThan(100);
    assertThat(Files.readString(written.get(0))).isEqualTo(changes.get(0).diff());
  }

  @Test
  void anOrdinaryIdKeepsItsPlainName() {
    assertThat(Patches.fileName("SEC-001")).isEqualTo("SEC-001.patch");
    assertThat(Patches.fileName("7")).isEqualTo("7.patch");
    assertThat(Patches.fileName("fix_login.v2")).isEqualTo("fix_login.v2.patch");
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
