package dev.honest.common.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskFileReaderTest {
  @TempDir
  Path workspace;

  @BeforeEach
  void createWorkspaceFiles() throws IOException {
    Files.createDirectories(workspace.resolve("src/lib"));
    for (String file : List.of("a.js", "b.js", "src/app.js", "src/lib/util.js", "src/my file.js")) {
      Files.writeString(workspace.resolve(file), "// " + file + "\n");
    }
  }

  private List<TaskSpec> parse(String json) throws TaskFileException {
    return TaskFileReader.parse(json.getBytes(StandardCharsets.UTF_8), "tasks.json", workspace);
  }

  private List<String> problems(String json) {
    return problems(json.getBytes(StandardCharsets.UTF_8));
  }

  private List<String> problems(byte[] content) {
    TaskFileException e = catchThrowableOfType(TaskFileException.class,
        () -> TaskFileReader.parse(content, "tasks.json", workspace));
    assertThat(e).as("expected the task file to be rejected").isNotNull();
    assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
    return e.problems();
  }

  private TaskSpec only(String task) throws TaskFileException {
    List<TaskSpec> tasks = parse("[" + task + "]");
    assertThat(tasks).hasSize(1);
    return tasks.get(0);
  }

  // --- the accepted format ---

  @Test
  void aTopLevelArrayOfTasksBecomesTaskSpecsInFileOrder() throws Exception {
    List<TaskSpec> tasks = parse("""
        [
          {"id": "T-001", "title": "Check XSS", "description": "Look at innerHTML", "priority": "critical",
           "category": "security", "area": "frontend", "files": ["src/app.js"], "action": "fix",
           "model": "codellama:7b"},
          {"id": "T-002", "title": "Summarise the design"}
        ]""");

    assertThat(tasks).containsExactly(
        new TaskSpec("T-001", "Check XSS", "Look at innerHTML", Priority.CRITICAL, "security", "frontend",
            List.of("src/app.js"), Action.FIX, "codellama:7b"),
        new TaskSpec("T-002", "Summarise the design", "", Priority.MEDIUM, "", "", List.of(), Action.ANALYZE, null));
  }

  @Test
  void anObjectWithATasksArrayIsReadAndItsOtherKeysAreIgnored() throws Exception {
    List<TaskSpec> tasks = parse("""
        {"exported_by": "Excel", "Tasks": [{"id": "T-1", "title": "One"}], "count": 1}""");

    assertThat(tasks).extracting(TaskSpec::id).containsExactly("T-1");
  }

  @Test
  void aUtf8ByteOrderMarkIsSkipped() throws Exception {
    byte[] json = "[{\"id\": \"T-1\", \"title\": \"Caf\u00e9\"}]".getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[json.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(json, 0, withBom, 3, json.length);

    List<TaskSpec> tasks = TaskFileReader.parse(withBom, "tasks.json", workspace);

    assertThat(tasks).extracting(TaskSpec::title).containsExactly("Caf\u00e9");
  }

  @Test
  void contentThatIsNotUtf8IsRejectedWithTheByteOffset() {
    byte[] latin1 = "[{\"id\": \"T-1\", \"title\": \"Caf\u00e9\"}]".getBytes(StandardCharsets.ISO_8859_1);

    assertThat(problems(latin1)).containsExactly(
        "tasks.json: not UTF-8: byte 0xE9 at offset 28 is not valid UTF-8 (export the file as UTF-8)");
  }

  @Test
  void utf16IsRejectedAtItsFirstByte() {
    byte[] utf16 = "[{\"id\": \"T-1\", \"title\": \"x\"}]".getBytes(StandardCharsets.UTF_16);

    assertThat(problems(utf16)).singleElement().asString().startsWith("tasks.json: not UTF-8: byte 0xFE at offset 0 ");
  }

  @Test
  void keysMatchIgnoringCaseSpacesOfAnyKindInvisibleCharactersUnderscoresAndHyphens() throws Exception {
    // Also a header typed or pasted with a no-break space (or another space character), and the first key
    // of a CSV export converted to JSON without stripping its byte-order mark: ignored, they would turn
    // these tasks into general ones, their files silently dropped.
    List<TaskSpec> tasks = parse("""
        [{"Task ID": "T-1", "TITLE": "a", "File Path": "a.js"},
         {"task_id": "T-2", "Title": "b", "file_path": "a.js"},
         {"TASK-ID": "T-3", "title": "c", "FILE-PATH": "a.js"},
         {"\\ufeffFile Path": "a.js", "Task ID": "T-4", "Title": "d"},
         {"Task\\u00a0ID": "T-5", "Title": "e", "File\\u00a0Path": "a.js"},
         {"Task\\u202fID": "T-6", "Title": "f", "File\\u200bPath": "a.js"}]""");

    assertThat(tasks).extracting(TaskSpec::id).containsExactly("T-1", "T-2", "T-3", "T-4", "T-5", "T-6");
    assertThat(tasks).allSatisfy(task -> assertThat(task.files()).containsExactly("a.js"));
  }

  @Test
  void keysThatNameNoFieldAreNamedInOneNoteWithHowManyTasksHoldThem() throws Exception {
    // "Affected Files" is no name of files: its tasks would run as general ones, not shown their code.
    List<String> notes = new ArrayList<>();
    List<TaskSpec> tasks = TaskFileReader.parse("""
        [{"id": "T-1", "title": "a", "Affected Files": "a.js", "Owner": "ana"},
         {"id": "T-2", "title": "b", "Affected Files": "b.js"}]""".getBytes(StandardCharsets.UTF_8), "tasks.json",
        workspace, notes::add);

    assertThat(tasks).allSatisfy(task -> assertThat(task.files()).isEmpty());
    assertThat(notes).containsExactly("tasks.json: 2 keys name no task field and were not read: 'Affected Files'"
        + " (2 tasks), 'Owner' (1 task). A task's files are read only from files, file, file path(s) or path(s);"
        + " README.md lists every field and its names");
    List<String> none = new ArrayList<>();
    TaskFileReader.parse("[{\"Task ID\": \"T-1\", \"Title\": \"a\"}]".getBytes(StandardCharsets.UTF_8),
        "tasks.json", workspace, none::add);
    assertThat(none).isEmpty();
  }

  @Test
  void noBreakSpacesAroundAValueAreTrimmedAsOtherBlanksAre() throws Exception {
    assertThat(problems("""
        [{"id": "T-1", "title": "a"}, {"id": "T-1\\u00a0", "title": "b"}, {"id": "T-2", "title": "\\u00a0"}]"""))
        .containsExactly("tasks.json: task T-1 (#2): id: duplicate: task #1 has the same id",
            "tasks.json: task T-2 (#3): title: empty");

    TaskSpec task = only("""
        {"id": "\\u00a0T-3", "title": "x\\u00a0", "priority": "High\\u00a0", "action": "\\u00a0fix",
         "files": "a.js\\u00a0;\\u00a0src/my file.js"}""");

    assertThat(task).isEqualTo(new TaskSpec("T-3", "x", "", Priority.HIGH, "", "", List.of("a.js", "src/my file.js"),
        Action.FIX, null));
  }

  @Test
  void synonymsNameTheirFields() throws Exception {
    TaskSpec task = only("""
        {"Task Number": "T-9", "Summary": "Audit", "Details": "all of it", "Type": "security",
         "Component": "backend", "Paths": "a.js"}""");

    assertThat(task).isEqualTo(new TaskSpec("T-9", "Audit", "all of it", Priority.MEDIUM, "security", "backend",
        List.of("a.js"), Action.ANALYZE, null));
    assertThat(only("{\"taskno\": 1, \"Task Name\": \"x\", \"Task Description\": \"d\", \"module\": \"m\", \"file\": \"b.js\"}"))
        .isEqualTo(new TaskSpec("1", "x", "d", Priority.MEDIUM, "", "m", List.of("b.js"), Action.ANALYZE, null));
  }

  @Test
  void unknownKeysAreIgnored() throws Exception {
    TaskSpec task = only("{\"id\": \"T-1\", \"title\": \"x\", \"Owner\": \"Ann\", \"Due date\": \"2026-12-01\"}");

    assertThat(task).isEqualTo(new TaskSpec("T-1", "x", "", Priority.MEDIUM, "", "", List.of(), Action.ANALYZE, null));
  }

  @Test
  void twoKeysOfOneTaskForTheSameFieldAreAProblem() {
    assertThat(problems("""
        [{"id": "T-1", "Task ID": "T-2", "title": "x"},
         {"id": "T-3", "title": "y", "name": "z", "title": "w"},
         {"id": "T-4", "File Path": "a.js", "File\u200bPath": "b.js", "title": "v"}]""")).containsExactly(
        "tasks.json: task T-1 (#1): id: given twice, as 'id' and 'Task ID'",
        "tasks.json: task T-3 (#2): title: given twice, as 'title' and 'name'",
        "tasks.json: task T-3 (#2): title: given twice, as 'title' and 'title'",
        // Keys that differ in an invisible character only are told apart.
        "tasks.json: task T-4 (#3): files: given twice, as 'File Path' and 'File\\u200bPath'");
  }

  @Test
  void aProblemQuotingAValueWithControlCharactersStaysOneLineWithThemEscaped() {
    // An id and a priority that would print a problem line of their own and erase the one before.
    List<String> problems = problems("""
        [{"id": "T-1\\ntasks.json: task T-2 (#2): all fine", "title": "x", "priority": "high\\r\\u001b[1A\\u001b[2K"}]""");

    assertThat(problems).containsExactly("tasks.json: task T-1\\ntasks.json: task T-2 (#2): all fine (#1): priority:"
        + " unknown value 'high\\r\\u001b[1A\\u001b[2K' (expected critical, high, medium or low)");
  }

  @Test
  void aNumericIdBecomesItsDecimalStringAndANonIntegralOneIsKeptAsWritten() throws Exception {
    List<TaskSpec> tasks = parse("""
        [{"id": 7, "title": "a"}, {"id": 8.0, "title": "b"}, {"id": 7.50, "title": "c"},
         {"id": 1e2, "title": "d"}, {"id": -3, "title": "e"}, {"id": 1e400, "title": "f"}]""");

    assertThat(tasks).extracting(TaskSpec::id).containsExactly("7", "8", "7.50", "100", "-3", "1e400");
  }

  @Test
  void aNumberWithAnExponentBeyondTheIntRangeIsKeptAsWritten() throws Exception {
    List<TaskSpec> tasks = parse("""
        [{"id": 1e99999999999, "title": 1e-99999999999}, {"id": 100e2147483647, "title": "b"},
         {"id": 1e2147483647, "title": "c"}]""");

    assertThat(tasks).extracting(TaskSpec::id).containsExactly("1e99999999999", "100e2147483647", "1e2147483647");
    assertThat(tasks.get(0).title()).isEqualTo("1e-99999999999");
  }

  @Test
  void filesMayBeAList() throws Exception {
    assertThat(only("{\"id\": 1, \"title\": \"x\", \"files\": [\"a.js\", \" src/app.js \", \"\", null]}").files())
        .containsExactly("a.js", "src/app.js");
  }

  @Test
  void filesInOneTextAreSplitOnCommasSemicolonsAndNewLinesKeepingSpacesInsideNames() throws Exception {
    TaskSpec task = only("{\"id\": 1, \"title\": \"x\", \"files\": \"a.js, src/my file.js;b.js\\r\\nsrc/app.js ,, \"}");

    assertThat(task.files()).containsExactly("a.js", "src/my file.js", "b.js", "src/app.js");
  }

  @Test
  void pathsAreNormalisedAndRepeatsWithinATaskRemoved() throws Exception {
    TaskSpec task = only("""
        {"id": 1, "title": "x", "files": ["./src/app.js", "src\\\\lib\\\\util.js", "src/app.js", "src//./lib/util.js"]}""");

    assertThat(task.files()).containsExactly("src/app.js", "src/lib/util.js");
  }

  @Test
  void aMissingPriorityIsMediumAndAnyCaseIsAccepted() throws Exception {
    List<TaskSpec> tasks = parse("""
        [{"id": 1, "title": "x"}, {"id": 2, "title": "x", "priority": "HIGH"},
         {"id": 3, "title": "x", "priority": " Low "}, {"id": 4, "title": "x", "priority": ""}]""");

    assertThat(tasks).extracting(TaskSpec::priority)
        .containsExactly(Priority.MEDIUM, Priority.HIGH, Priority.LOW, Priority.MEDIUM);
  }

  @Test
  void aMissingActionIsAnalyzeAndAnyCaseIsAccepted() throws Exception {
    List<TaskSpec> tasks = parse("""
        [{"id": 1, "title": "x"}, {"id": 2, "title": "x", "action": "Fix"}, {"id": 3, "title": "x", "action": "ANALYZE"}]""");

    assertThat(tasks).extracting(TaskSpec::action).containsExactly(Action.ANALYZE, Action.FIX, Action.ANALYZE);
  }

  @Test
  void aTaskMayNameItsOwnModel() throws Exception {
    List<TaskSpec> tasks = parse("""
        [{"id": 1, "title": "x", "model": "llama3.1:8b"}, {"id": 2, "title": "x", "model": " "}]""");

    assertThat(tasks).extracting(TaskSpec::model).containsExactly("llama3.1:8b", null);
  }

  // --- problems: the file ---

  @Test
  void malformedJsonIsReportedWithLineAndColumn() {
    assertThat(problems("[\n  {\"id\": \"T-1\", \"title\": \"x\"},\n  {\"id\": \"T-2\" \"title\": \"y\"}\n]"))
        .containsExactly("tasks.json: malformed JSON at line 3, column 16: "
            + "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries");
  }

  @Test
  void contentAfterTheTasksIsMalformedJson() {
    assertThat(problems("[{\"id\": 1, \"title\": \"x\"}]\n[]")).containsExactly(
        "tasks.json: malformed JSON at line 2, column 1: unexpected content after the tasks");
  }

  @Test
  void aFileWithoutTasksIsRejected() {
    assertThat(problems("  \n")).containsExactly("tasks.json: no tasks (the file is empty)");
    assertThat(problems("[]")).containsExactly("tasks.json: no tasks (the task list is empty)");
    assertThat(problems("{\"items\": []}"))
        .containsExactly("tasks.json: no tasks (the top-level object has no 'tasks' array)");
    assertThat(problems("{\"tasks\": {\"id\": 1}}"))
        .containsExactly("tasks.json: 'tasks' must be an array of tasks, got an object");
    assertThat(problems("\"T-1\""))
        .containsExactly("tasks.json: expected an array of tasks or an object with a 'tasks' array, got text");
    assertThat(problems("{\"tasks\": 5}")).containsExactly("tasks.json: 'tasks' must be an array of tasks, got a number");
    assertThat(problems("5"))
        .containsExactly("tasks.json: expected an array of tasks or an object with a 'tasks' array, got a number");
  }

  @Test
  void aSecondTasksKeyIsAProblem() {
    assertThat(problems("{\"tasks\": [{\"id\": 1, \"title\": \"x\"}], \"Tasks\": []}"))
        .containsExactly("tasks.json: the top-level object has more than one 'tasks' key");
  }

  @Test
  void aTaskThatIsNotAnObjectIsNamedByItsPosition() {
    assertThat(problems("[{\"id\": 1, \"title\": \"x\"}, \"T-2\", [1], null, 5]")).containsExactly(
        "tasks.json: task #2: not an object (got text)",
        "tasks.json: task #3: not an object (got a list)",
        "tasks.json: task #4: not an object (got null)",
        "tasks.json: task #5: not an object (got a number)");
  }

  // --- problems: fields ---

  @Test
  void duplicateIdsNameBothPositions() {
    assertThat(problems("[{\"id\": \"T-1\", \"title\": \"x\"}, {\"id\": \"T-2\", \"title\": \"y\"}, {\"id\": \"T-1\", \"title\": \"z\"}]"))
        .containsExactly("tasks.json: task T-1 (#3): id: duplicate: task #1 has the same id");
  }

  @Test
  void aNumericIdAndTheSameTextIdAreDuplicates() {
    assertThat(problems("[{\"id\": 7, \"title\": \"x\"}, {\"id\": \"7\", \"title\": \"y\"}]"))
        .containsExactly("tasks.json: task 7 (#2): id: duplicate: task #1 has the same id");
  }

  @Test
  void aMissingOrEmptyIdIsAProblemNamedByPosition() {
    assertThat(problems("[{\"title\": \"x\"}, {\"id\": \" \", \"title\": \"y\"}, {\"id\": null, \"title\": \"z\"}]"))
        .containsExactly(
            "tasks.json: task #1: id: missing",
            "tasks.json: task #2: id: empty",
            "tasks.json: task #3: id: empty");
  }

  @Test
  void aMissingOrEmptyTitleIsAProblem() {
    assertThat(problems("[{\"id\": \"T-1\"}, {\"id\": \"T-2\", \"title\": \"\"}]")).containsExactly(
        "tasks.json: task T-1 (#1): title: missing",
        "tasks.json: task T-2 (#2): title: empty");
  }

  @Test
  void aFieldOfTheWrongJsonTypeIsAProblem() {
    assertThat(problems("[{\"id\": [\"T-1\"], \"title\": true, \"area\": {}, \"files\": true}]")).containsExactly(
        "tasks.json: task #1: id: expected text or a number, got a list",
        "tasks.json: task #1: title: expected text or a number, got a boolean",
        "tasks.json: task #1: area: expected text or a number, got an object",
        "tasks.json: task #1: files: expected a list of paths or text with paths separated by commas, "
            + "semicolons or new lines, got a boolean");
    assertThat(problems("[{\"id\": 1, \"title\": \"x\", \"files\": [\"a.js\", {\"path\": \"b.js\"}]}]"))
        .containsExactly("tasks.json: task 1 (#1): files: expected a path in the list, got an object");
  }

  @Test
  void textWithALoneSurrogateIsAProblemNamingTheTaskAndField() {
    // Valid JSON, but no character: the workers' canonical JSON records refuse it.
    assertThat(problems("""
        [{"id": "T-1", "title": "Fix \\ud83d alone"}, {"id": "T-2", "title": "x", "description": "a \\udc00"},
         {"id": "T-3", "title": "Smile \\ud83d\\ude00", "files": ["a.js", "b\\ud83d.js"]}]""")).containsExactly(
        "tasks.json: task T-1 (#1): title: holds a lone surrogate U+D83D, which is not a character"
            + " (write the whole character)",
        "tasks.json: task T-2 (#2): description: holds a lone surrogate U+DC00, which is not a character"
            + " (write the whole character)",
        "tasks.json: task T-3 (#3): files: holds a lone surrogate U+D83D, which is not a character"
            + " (write the whole character)");
  }

  @Test
  void anUnknownPriorityIsAProblem() {
    assertThat(problems("[{\"id\": \"T-001\", \"title\": \"a\"}, {\"id\": \"T-002\", \"title\": \"b\"}, "
        + "{\"id\": \"T-003\", \"title\": \"c\", \"priority\": \"urgent\"}]")).containsExactly(
        "tasks.json: task T-003 (#3): priority: unknown value 'urgent' (expected critical, high, medium or low)");
  }

  @Test
  void aModelNameOllamaCouldNotPullIsAProblemReportedWithTheOthers() {
    assertThat(problems("[{\"id\": \"T-1\", \"title\": \"a\", \"priority\": \"urgent\"},"
        + " {\"id\": \"T-2\", \"title\": \"b\", \"model\": \"llama3.1:8b q\"},"
        + " {\"id\": \"T-3\", \"title\": \"c\", \"model\": \"codellama:7b\\u0007\"}]")).containsExactly(
        "tasks.json: task T-1 (#1): priority: unknown value 'urgent' (expected critical, high, medium or low)",
        "tasks.json: task T-2 (#2): model: 'llama3.1:8b q' is not an Ollama model name (it holds a space,"
            + " a control or an invisible character), so Ollama could not pull it",
        "tasks.json: task T-3 (#3): model: 'codellama:7b\\u0007' is not an Ollama model name (it holds a space,"
            + " a control or an invisible character), so Ollama could not pull it");
  }

  @Test
  void anUnknownActionIsAProblem() {
    assertThat(problems("[{\"id\": \"T-1\", \"title\": \"a\", \"action\": \"repair\"}]")).containsExactly(
        "tasks.json: task T-1 (#1): action: unknown value 'repair' (expected analyze or fix)");
  }

  // --- problems: paths ---

  @Test
  void anAbsolutePathIsAProblem() {
    assertThat(problems("[{\"id\": \"T-1\", \"title\": \"a\", \"files\": [\"/etc/passwd\", \"C:\\\\repo\\\\a.js\"]}]"))
        .containsExactly(
            "tasks.json: task T-1 (#1): files: '/etc/passwd' is absolute (paths are relative to the workspace)",
            "tasks.json: task T-1 (#1): files: 'C:/repo/a.js' is absolute (paths are relative to the workspace)");
  }

  @Test
  void aPathWithDotDotIsAProblemEvenWhenItComesBackInside() {
    assertThat(problems("[{\"id\": \"T-1\", \"title\": \"a\", \"files\": \"../secret.txt; src/../a.js\"}]"))
        .containsExactly(
            "tasks.json: task T-1 (#1): files: '../secret.txt' contains '..' (paths must stay inside the workspace)",
            "tasks.json: task T-1 (#1): files: 'src/../a.js' contains '..' (paths must stay inside the workspace)");
  }

  @Test
  void aPathThatLeavesTheWorkspaceThroughASymlinkIsAProblem(@TempDir Path outside) throws Exception {
    Path secret = Files.writeString(outside.resolve("secret.txt"), "password");
    Files.createSymbolicLink(workspace.resolve("link.txt"), secret);
    Files.createSymbolicLink(workspace.resolve("out"), outside);

    assertThat(problems("[{\"id\": \"T-1\", \"title\": \"a\", \"files\": [\"link.txt\", \"out/secret.txt\"]}]"))
        .containsExactly(
            "tasks.json: task T-1 (#1): files: 'link.txt' leaves the workspace through a symlink (it resolves to "
                + secret.toRealPath() + ")",
            "tasks.json: task T-1 (#1): files: 'out/secret.txt' leaves the workspace through a symlink (it resolves to "
                + secret.toRealPath() + ")");
  }

  @Test
  void aSymlinkThatStaysInsideTheWorkspaceIsFine() throws Exception {
    Files.createSymbolicLink(workspace.resolve("alias.js"), workspace.resolve("src/app.js"));

    assertThat(only("{\"id\": 1, \"title\": \"x\", \"files\": \"alias.js\"}").files()).containsExactly("alias.js");
  }

  @Test
  void aPathThatDoesNotExistIsAProblem() throws Exception {
    Files.createSymbolicLink(workspace.resolve("dangling.js"), workspace.resolve("gone.js"));

    assertThat(problems("[{\"id\": \"T-1\", \"title\": \"a\", \"files\": \"missing.js, dangling.js\"}]"))
        .containsExactly(
            "tasks.json: task T-1 (#1): files: 'missing.js' does not exist in the workspace",
            "tasks.json: task T-1 (#1): files: 'dangling.js' does not exist in the workspace");
  }

  @Test
  void aDirectoryIsAProblem() {
    assertThat(problems("[{\"id\": \"T-1\", \"title\": \"a\", \"files\": \"src/lib\"}]"))
        .containsExactly("tasks.json: task T-1 (#1): files: 'src/lib' is a directory (name the files in it)");
  }

  @Test
  void aMissingWorkspaceIsOneProblemInsteadOfOnePerFile() {
    Path nowhere = workspace.resolve("nowhere");

    TaskFileException e = catchThrowableOfType(TaskFileException.class, () -> TaskFileReader.parse(
        "[{\"id\": 1, \"title\": \"a\", \"files\": \"a.js, b.js\"}]".getBytes(StandardCharsets.UTF_8),
        "tasks.json", nowhere));

    assertThat(e.problems()).containsExactly(
        "tasks.json: workspace '" + nowhere + "' does not exist or is not a directory");
  }

  @Test
  void aMissingWorkspaceStillLetsAbsolutePathsAndDotDotBeReportedWithIt() {
    Path nowhere = workspace.resolve("nowhere");

    TaskFileException e = catchThrowableOfType(TaskFileException.class, () -> TaskFileReader.parse(
        "[{\"id\": 1, \"title\": \"a\", \"files\": \"a.js; C:\\\\repo\\\\b.js; ../c.js\"}]".getBytes(StandardCharsets.UTF_8),
        "tasks.json", nowhere));

    assertThat(e.problems()).containsExactly(
        "tasks.json: workspace '" + nowhere + "' does not exist or is not a directory",
        "tasks.json: task 1 (#1): files: 'C:/repo/b.js' is absolute (paths are relative to the workspace)",
        "tasks.json: task 1 (#1): files: '../c.js' contains '..' (paths must stay inside the workspace)");
  }

  // --- collecting and reading ---

  @Test
  void everyProblemOfEveryTaskIsReportedInFileOrder() {
    assertThat(problems("""
        [{"id": "T-1", "priority": "urgent", "files": "/abs.js"},
         {"title": "no id", "action": "delete"},
         {"id": "T-1", "title": "dup", "files": "missing.js"},
         {"id": "T-4", "title": "fine", "files": "a.js"}]""")).containsExactly(
        "tasks.json: task T-1 (#1): title: missing",
        "tasks.json: task T-1 (#1): priority: unknown value 'urgent' (expected critical, high, medium or low)",
        "tasks.json: task T-1 (#1): files: '/abs.js' is absolute (paths are relative to the workspace)",
        "tasks.json: task #2: id: missing",
        "tasks.json: task #2: action: unknown value 'delete' (expected analyze or fix)",
        "tasks.json: task T-1 (#3): id: duplicate: task #1 has the same id",
        "tasks.json: task T-1 (#3): files: 'missing.js' does not exist in the workspace");
  }

  @Test
  void readingAFileNamesItAsGivenInProblems(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("tasks.json"), "[{\"id\": 1}]");

    assertThatThrownBy(() -> TaskFileReader.read(file, workspace))
        .isInstanceOf(TaskFileException.class)
        .hasMessage(file + ": task 1 (#1): title: missing");
  }

  @Test
  void readingAValidFileReturnsItsTasks(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("tasks.json"), "[{\"id\": 1, \"title\": \"x\", \"files\": \"a.js\"}]");

    assertThat(TaskFileReader.read(file, workspace)).extracting(TaskSpec::files).containsExactly(List.of("a.js"));
  }

  @Test
  void aMissingTaskFileIsOneProblem(@TempDir Path dir) {
    Path file = dir.resolve("nope.json");

    assertThatThrownBy(() -> TaskFileReader.read(file, workspace))
        .isInstanceOf(TaskFileException.class)
        .hasMessage(file + ": file not found");
    assertThatThrownBy(() -> TaskFileReader.read(dir, workspace))
        .hasMessage(dir + ": is a directory, not a task file");
  }
}
