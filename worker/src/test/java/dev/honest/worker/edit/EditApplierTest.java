package dev.honest.worker.edit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.result.Change;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EditApplierTest {
  private static final String APP = """
      import db from './db.js';

      export function find(id) {
        const sql = 'SELECT * FROM users WHERE id = ' + id;
        return db.query(sql);
      }

      export function remove(id) {
        return db.query('DELETE FROM users WHERE id = ' + id);
      }
      """;

  @TempDir Path workspace;
  @TempDir Path scratch;

  @Test
  void anEditThatMatchesOnceGivesHashesAndADiffThatGitApplies() throws Exception {
    write("src/app.js", APP);
    TaskSpec task = task("src/app.js");

    List<ChangedFile> changed = applier().apply(task, List.of(new Edit("src/app.js",
        "  const sql = 'SELECT * FROM users WHERE id = ' + id;\n  return db.query(sql);",
        "  return db.query('SELECT * FROM users WHERE id = ?', [id]);")));

    byte[] expected = APP.replace("  const sql = 'SELECT * FROM users WHERE id = ' + id;\n  return db.query(sql);",
        "  return db.query('SELECT * FROM users WHERE id = ?', [id]);").getBytes(UTF_8);
    assertThat(changed).hasSize(1);
    Change change = changed.get(0).change();
    assertThat(change.path()).isEqualTo("src/app.js");
    assertThat(change.md5Before()).isEqualTo(DigestUtils.md5Hex(APP.getBytes(UTF_8)));
    assertThat(change.sha256Before()).isEqualTo(DigestUtils.sha256Hex(APP.getBytes(UTF_8)));
    assertThat(change.md5After()).isEqualTo(DigestUtils.md5Hex(expected));
    assertThat(change.sha256After()).isEqualTo(DigestUtils.sha256Hex(expected));
    assertThat(changed.get(0).after()).isEqualTo(expected);
    assertThat(change.diff()).startsWith("diff --git a/src/app.js b/src/app.js\n--- a/src/app.js\n+++ b/src/app.js\n@@ ");
    assertGitApplies("src/app.js", APP.getBytes(UTF_8), changed.get(0));
  }

  @Test
  void theWorkspaceIsNeverWritten() throws Exception {
    write("src/app.js", APP);

    applier().apply(task("src/app.js"), List.of(new Edit("src/app.js", "remove(id)", "erase(id)")));

    assertThat(Files.readString(workspace.resolve("src/app.js"))).isEqualTo(APP);
  }

  @Test
  void anEditWhoseSearchIsAbsentIsNotApplicable() throws Exception {
    write("src/app.js", APP);

    assertNotApplicable(task("src/app.js"), List.of(new Edit("src/app.js", "db.exec(sql)", "x")),
        "edits[0] on src/app.js: search text found 0 times, expected exactly once");
  }

  @Test
  void anEditWhoseSearchOccursTwiceIsNotApplicable() throws Exception {
    write("src/app.js", APP);

    assertNotApplicable(task("src/app.js"), List.of(
            new Edit("src/app.js", "remove(id)", "erase(id)"),
            new Edit("src/app.js", "return db.query(", "return db.run(")),
        "edits[1] on src/app.js: search text found 2 times, expected exactly once");
  }

  @Test
  void overlappingOccurrencesCountAsAmbiguous() throws Exception {
    write("a.txt", "aaa\n");

    assertNotApplicable(task("a.txt"), List.of(new Edit("a.txt", "aa", "b")),
        "edits[0] on a.txt: search text found 2 times, expected exactly once");
  }

  @Test
  void anEditOfAFileOutsideTheTaskIsNotApplicable() throws Exception {
    write("src/app.js", APP);
    write("src/db.js", "export default {};\n");

    assertNotApplicable(task("src/app.js"), List.of(new Edit("src/db.js", "{}", "null")),
        "edits[0]: src/db.js is not one of the files of task t-1");
  }

  @Test
  void aTaskPathThatEscapesTheWorkspaceIsNotApplicable() throws Exception {
    assertNotApplicable(task("../secret.txt"), List.of(new Edit("../secret.txt", "a", "b")),
        "edits[0]: ../secret.txt is outside the workspace");
  }

  @Test
  void aFileThatIsNotUtf8IsNotApplicable() throws Exception {
    Files.write(workspace.resolve("blob.bin"), new byte[] {'a', (byte) 0xC3, (byte) 0x28, '\n'});

    assertNotApplicable(task("blob.bin"), List.of(new Edit("blob.bin", "a", "b")),
        "edits[0] on blob.bin: the file is binary (a NUL byte, or not UTF-8), so it was not shown to the model"
            + " and cannot be edited");
  }

  @Test
  void editsApplyInOrderEachToTheResultOfTheOnesBefore() throws Exception {
    write("src/app.js", APP);

    List<ChangedFile> changed = applier().apply(task("src/app.js"), List.of(
        new Edit("src/app.js", "export function remove(id)", "export function removeUser(id)"),
        new Edit("src/app.js", "removeUser(id) {\n  return db.query('DELETE FROM users WHERE id = ' + id);",
            "removeUser(id) {\n  return db.query('DELETE FROM users WHERE id = ?', [id]);"),
        new Edit("src/app.js", "import db", "import database")));

    String expected = APP.replace("export function remove(id) {\n  return db.query('DELETE FROM users WHERE id = ' + id);",
        "export function removeUser(id) {\n  return db.query('DELETE FROM users WHERE id = ?', [id]);")
        .replace("import db", "import database");
    assertThat(new String(changed.get(0).after(), UTF_8)).isEqualTo(expected);
    assertGitApplies("src/app.js", APP.getBytes(UTF_8), changed.get(0));
  }

  @Test
  void anEditCannotMatchTextAnEarlierEditRemoved() throws Exception {
    write("src/app.js", APP);

    assertNotApplicable(task("src/app.js"), List.of(
            new Edit("src/app.js", "export function remove(id)", "export function removeUser(id)"),
            new Edit("src/app.js", "export function remove(id)", "export function drop(id)")),
        "edits[1] on src/app.js: search text found 0 times, expected exactly once");
  }

  @Test
  void aFileWithoutTrailingNewlineKeepsItAndGitAppliesTheMarker() throws Exception {
    String original = "one\ntwo\nthree\nfour\nlast line";
    write("notes.txt", original);

    ChangedFile changed = single(applier().apply(task("notes.txt"), List.of(new Edit("notes.txt", "last line", "final line"))));

    assertThat(changed.after()).isEqualTo("one\ntwo\nthree\nfour\nfinal line".getBytes(UTF_8));
    assertThat(changed.change().diff()).endsWith(
        "-last line\n\\ No newline at end of file\n+final line\n\\ No newline at end of file\n");
    assertGitApplies("notes.txt", original.getBytes(UTF_8), changed);
  }

  @Test
  void anEditCanAddTheMissingTrailingNewline() throws Exception {
    String original = "one\ntwo";
    write("notes.txt", original);

    ChangedFile changed = single(applier().apply(task("notes.txt"), List.of(new Edit("notes.txt", "two", "two\n"))));

    assertThat(changed.after()).isEqualTo("one\ntwo\n".getBytes(UTF_8));
    assertGitApplies("notes.txt", original.getBytes(UTF_8), changed);
  }

  @Test
  void aContextLineWithoutTrailingNewlineIsMarkedToo() throws Exception {
    String original = "alpha\nbeta\ngamma";
    write("notes.txt", original);

    ChangedFile changed = single(applier().apply(task("notes.txt"), List.of(new Edit("notes.txt", "alpha", "ALPHA"))));

    assertThat(changed.change().diff()).endsWith(" gamma\n\\ No newline at end of file\n");
    assertGitApplies("notes.txt", original.getBytes(UTF_8), changed);
  }

  @Test
  void aCrlfFileIsMatchedWithLineFeedsAndKeepsItsCrlf() throws Exception {
    String original = "[core]\r\n\teditor = vi\r\n\tpager = less\r\n";
    write("conf/app.ini", original);

    ChangedFile changed = single(applier().apply(task("conf/app.ini"), List.of(
        new Edit("conf/app.ini", "\teditor = vi\n\tpager = less", "\teditor = vim\n\tpager = less -R"))));

    assertThat(changed.after()).isEqualTo("[core]\r\n\teditor = vim\r\n\tpager = less -R\r\n".getBytes(UTF_8));
    assertGitApplies("conf/app.ini", original.getBytes(UTF_8), changed);
  }

  @Test
  void inAFileWithMixedLineEndsASearchAsTheListingShowsItMatchesAndEachLineKeepsItsLineEnd() throws Exception {
    String original = "[core]\r\n\teditor = vi\r\n\tpager = less\r\n[user]\n\tname = me\n";
    write("conf/app.ini", original);

    ChangedFile changed = single(applier().apply(task("conf/app.ini"), List.of(
        new Edit("conf/app.ini", "\tpager = less\n[user]\n\tname = me", "\tpager = less -R\n[user]\n\tname = you"),
        new Edit("conf/app.ini", "\teditor = vi", "\teditor = vim\n\tcolor = auto"))));

    assertThat(new String(changed.after(), UTF_8)).isEqualTo(
        "[core]\r\n\teditor = vim\r\n\tcolor = auto\r\n\tpager = less -R\r\n[user]\n\tname = you\n");
    assertGitApplies("conf/app.ini", original.getBytes(UTF_8), changed);
  }

  @Test
  void aLineFeedOfTheSearchMatchesACrlfAsOneLineBreak() throws Exception {
    write("a.txt", "a\r\nb\nc\n");

    ChangedFile changed = single(applier().apply(task("a.txt"), List.of(new Edit("a.txt", "\nb", "\nB"))));

    assertThat(new String(changed.after(), UTF_8)).isEqualTo("a\r\nB\nc\n");
  }

  @Test
  void aSearchThatBeginsWithACarriageReturnIsMatchedExactlyAsGiven() throws Exception {
    write("a.txt", "a\r\nb\r\n");

    ChangedFile changed = single(applier().apply(task("a.txt"), List.of(new Edit("a.txt", "\r\nb", "\r\nB"))));

    assertThat(new String(changed.after(), UTF_8)).isEqualTo("a\r\nB\r\n");
  }

  @Test
  void anEditAtTheStartOfAFileThatBeginsWithAnEmptyLineGivesADiffGitApplies() throws Exception {
    String original = "\nb\r\nc\n";
    write("a.txt", original);

    ChangedFile changed = single(applier().apply(task("a.txt"), List.of(new Edit("a.txt", "\nb\nc", "\nB\nc"))));

    assertThat(new String(changed.after(), UTF_8)).isEqualTo("\nB\r\nc\n");
    assertThat(changed.change().diff()).endsWith("@@ -1,3 +1,3 @@\n \n-b\r\n+B\r\n c\n");
    assertGitApplies("a.txt", original.getBytes(UTF_8), changed);
  }

  @Test
  void aReplaceWithMoreLineBreaksThanItsSearchWritesTheFurtherOnesAsTheSearchsLast() throws Exception {
    write("a.txt", "a\nb\r\nc\r\nd\n");

    ChangedFile changed = single(applier().apply(task("a.txt"),
        List.of(new Edit("a.txt", "a\nb\nc", "A\nB\nC\nD\nE"))));

    assertThat(new String(changed.after(), UTF_8)).isEqualTo("A\nB\r\nC\r\nD\r\nE\r\nd\n");
  }

  @Test
  void aLineBreakAddedOnALastLineWithoutOneIsWrittenAsThePreviousLineBreak() throws Exception {
    write("a.txt", "a\r\nb");

    ChangedFile changed = single(applier().apply(task("a.txt"), List.of(new Edit("a.txt", "b", "b\nc"))));

    assertThat(new String(changed.after(), UTF_8)).isEqualTo("a\r\nb\r\nc");
  }

  @Test
  void aPathBeginningWithASpaceEndsOnlyItsNameLinesWithATab() {
    assertThat(UnifiedDiff.of(" notes.md", "a\n", "b\n")).isEqualTo(
        "diff --git a/ notes.md b/ notes.md\n--- a/ notes.md\t\n+++ b/ notes.md\t\n@@ -1,1 +1,1 @@\n-a\n+b\n");
  }

  @Test
  void aPathWithSpacesGivesADiffGitApplies() throws Exception {
    write("docs/release notes.md", "# Notes\n\nTODO\n");

    ChangedFile changed = single(applier().apply(task("docs/release notes.md"),
        List.of(new Edit("docs/release notes.md", "TODO", "Fixed the parser."))));

    assertThat(changed.change().diff()).startsWith(
        "diff --git a/docs/release notes.md b/docs/release notes.md\n--- a/docs/release notes.md\t\n"
        + "+++ b/docs/release notes.md\t\n");
    assertGitApplies("docs/release notes.md", "# Notes\n\nTODO\n".getBytes(UTF_8), changed);
  }

  @Test
  void aPathWithAQuoteIsQuotedAsGitDoes() throws Exception {
    write("say \"hi\".txt", "hi\n");

    ChangedFile changed = single(applier().apply(task("say \"hi\".txt"), List.of(new Edit("say \"hi\".txt", "hi", "hello"))));

    assertThat(changed.change().diff()).startsWith("diff --git \"a/say \\\"hi\\\".txt\" \"b/say \\\"hi\\\".txt\"\n");
    assertGitApplies("say \"hi\".txt", "hi\n".getBytes(UTF_8), changed);
  }

  @Test
  void distantEditsGiveSeparateHunksGitApplies() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 40; i++) {
      text.append("line ").append(i).append('\n');
    }
    String original = text.toString();
    write("long.txt", original);

    ChangedFile changed = single(applier().apply(task("long.txt"), List.of(
        new Edit("long.txt", "line 2\n", "line two\n"), new Edit("long.txt", "line 39\n", "line thirty-nine\n"))));

    assertThat(changed.change().diff().lines().filter(l -> l.startsWith("@@"))).containsExactly(
        "@@ -1,5 +1,5 @@", "@@ -36,5 +36,5 @@");
    assertGitApplies("long.txt", original.getBytes(UTF_8), changed);
  }

  @Test
  void anEditThatEmptiesAFileGivesADiffGitApplies() throws Exception {
    write("old.txt", "obsolete\nstuff\n");

    ChangedFile changed = single(applier().apply(task("old.txt"), List.of(new Edit("old.txt", "obsolete\nstuff\n", ""))));

    assertThat(changed.after()).isEmpty();
    assertGitApplies("old.txt", "obsolete\nstuff\n".getBytes(UTF_8), changed);
  }

  @Test
  void changedFilesFollowTheTasksFileOrderAndUnchangedFilesAreLeftOut() throws Exception {
    write("a.txt", "alpha\n");
    write("b.txt", "beta\n");
    write("c.txt", "gamma\n");

    List<ChangedFile> changed = applier().apply(task("a.txt", "b.txt", "c.txt"), List.of(
        new Edit("c.txt", "gamma", "GAMMA"),
        new Edit("b.txt", "beta", "BETA"),
        new Edit("b.txt", "BETA", "beta"),
        new Edit("a.txt", "alpha", "ALPHA")));

    assertThat(changed).extracting(c -> c.change().path()).containsExactly("a.txt", "c.txt");
  }

  @Test
  void theFailureIsAnEditNotApplicableTaskError() throws Exception {
    write("a.txt", "alpha\n");

    assertThatThrownBy(() -> applier().apply(task("a.txt"), List.of(new Edit("a.txt", "beta", "b"))))
        .isInstanceOfSatisfying(EditNotApplicableException.class,
            e -> assertThat(e.toTaskError().errorClass()).isEqualTo("edit_not_applicable"));
  }

  private EditApplier applier() {
    return new EditApplier(workspace);
  }

  private void write(String path, String content) throws IOException {
    Path file = workspace.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private void assertNotApplicable(TaskSpec task, List<Edit> edits, String message) {
    assertThatThrownBy(() -> applier().apply(task, edits))
        .isInstanceOf(EditNotApplicableException.class)
        .hasMessage(message);
  }

  private static ChangedFile single(List<ChangedFile> changed) {
    assertThat(changed).hasSize(1);
    return changed.get(0);
  }

  /** Commits the original in a fresh git repository, applies the diff with git and compares the result. */
  private void assertGitApplies(String path, byte[] original, ChangedFile changed) throws Exception {
    Path repo = Files.createDirectories(scratch.resolve("repo"));
    git(repo, "init", "-q");
    Path file = repo.resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(file, original);
    Path patch = scratch.resolve("change.patch");
    Files.writeString(patch, changed.change().diff());

    git(repo, "apply", "--check", "-p1", patch.toString());
    git(repo, "apply", "-p1", patch.toString());

    assertThat(Files.readAllBytes(file)).isEqualTo(changed.after());
  }

  private void git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-c", "core.autocrlf=false", "-c", "apply.whitespace=nowarn"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    // Keep the user's and the system's git configuration out of the test.
    builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    builder.environment().put("HOME", scratch.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), output).isZero();
  }

  private static TaskSpec task(String... files) {
    return new TaskSpec("t-1", "Fix the queries", "", Priority.HIGH, "security", "", List.of(files), Action.FIX, null);
  }
}
