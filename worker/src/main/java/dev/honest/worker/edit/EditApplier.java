package dev.honest.worker.edit;

import dev.honest.common.hash.Hashes;
import dev.honest.common.result.Change;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Applies a task's edits to a private in-memory copy of its files. The workspace is only read,
 * never written.
 *
 * <p>Edits apply in order, each to the current content of its file, and each {@code search} must
 * occur exactly once (overlapping occurrences count). The prompt shows lines without their CR, so
 * the model cannot reproduce it: a line feed of a {@code search} without any CR matches one line
 * break of the file, LF or CRLF, and the line breaks of {@code replace} are written as those of the
 * text it replaces (its n-th as that text's n-th; any further one as that text's last, or, when it
 * has none, as the end of the line it is on). Untouched lines keep their line ends byte for byte,
 * in a file that mixes CRLF and LF too. A {@code search} holding a CR is matched, and its
 * {@code replace} written, exactly as given.
 */
public final class EditApplier {
  /** One line break, LF or CRLF; a line feed after a CR belongs to the CRLF, never starts a match. */
  private static final String LINE_BREAK = "(?:\r\n|(?<!\r)\n)";

  private final Path workspace;

  /** @param workspace the directory the task's workspace-relative paths resolve against */
  public EditApplier(Path workspace) {
    this.workspace = workspace.toAbsolutePath().normalize();
  }

  /**
   * Applies all edits of a task, or none, to the files as they are now in the workspace. A binary
   * file (a NUL byte, or not UTF-8) cannot be edited.
   *
   * @return the changed files, in the order of the task's {@code files}; files whose content ends
   *     up unchanged are left out
   * @throws EditNotApplicableException naming the first edit that cannot be applied
   * @throws IOException when a task file cannot be read
   */
  public List<ChangedFile> apply(TaskSpec task, List<Edit> edits) throws EditNotApplicableException, IOException {
    Map<String, String> texts = new LinkedHashMap<>();
    for (int i = 0; i < edits.size(); i++) {
      String path = edits.get(i).file();
      if (task.files().contains(path) && !texts.containsKey(path)) {
        byte[] bytes = read(path, i);
        if (!Hashes.digest(bytes).binary()) {
          texts.put(path, new String(bytes, StandardCharsets.UTF_8));
        }
      }
    }
    return apply(task, texts, edits);
  }

  /**
   * Applies all edits of a task, or none, to the text of its files exactly as the model was shown
   * it (and as its input hashes were taken), not as the files may be by now. A file of the task
   * that is not in {@code shown} (a binary file) cannot be edited.
   *
   * @param shown the content of each of the task's text files that went to the model, by path;
   *     UTF-8 encoded, it gives back the bytes that were hashed
   * @return the changed files, in the order of the task's {@code files}; files whose content ends
   *     up unchanged are left out
   * @throws EditNotApplicableException naming the first edit that cannot be applied
   */
  public List<ChangedFile> apply(TaskSpec task, Map<String, String> shown, List<Edit> edits)
      throws EditNotApplicableException {
    for (int i = 0; i < edits.size(); i++) {
      String path = edits.get(i).file();
      if (!task.files().contains(path)) {
        throw new EditNotApplicableException("edits[" + i + "]: " + path
            + " is not one of the files of task " + task.id());
      }
      if (!shown.containsKey(path)) {
        throw new EditNotApplicableException("edits[" + i + "] on " + path
            + ": the file is binary (a NUL byte, or not UTF-8), so it was not shown to the model and cannot be edited");
      }
    }
    Map<String, String> current = new LinkedHashMap<>();
    for (int i = 0; i < edits.size(); i++) {
      Edit edit = edits.get(i);
      String path = edit.file();
      current.put(path, applyOne(current.getOrDefault(path, shown.get(path)), edit, i));
    }
    List<ChangedFile> changed = new ArrayList<>();
    for (String path : task.files()) {
      String afterText = current.get(path);
      if (afterText == null) {
        continue;
      }
      String beforeText = shown.get(path);
      if (afterText.equals(beforeText)) {
        continue;
      }
      byte[] before = beforeText.getBytes(StandardCharsets.UTF_8);
      byte[] after = afterText.getBytes(StandardCharsets.UTF_8);
      Change change = new Change(path, Hashes.md5Hex(before), Hashes.sha256Hex(before), Hashes.md5Hex(after),
          Hashes.sha256Hex(after), UnifiedDiff.of(path, beforeText, afterText));
      changed.add(new ChangedFile(change, after));
    }
    return List.copyOf(changed);
  }

  private static String applyOne(String content, Edit edit, int index) throws EditNotApplicableException {
    boolean asGiven = edit.search().indexOf('\r') >= 0;
    Pattern search = Pattern.compile(asGiven ? Pattern.quote(edit.search())
        : Arrays.stream(edit.search().split("\n", -1)).map(Pattern::quote).collect(Collectors.joining(LINE_BREAK)));
    Matcher m = search.matcher(content);
    int count = 0;
    int at = -1;
    int end = -1;
    for (int from = 0; from <= content.length() && m.find(from); from = m.start() + 1) {
      if (count++ == 0) {
        at = m.start();
        end = m.end();
      }
    }
    if (count != 1) {
      throw new EditNotApplicableException("edits[" + index + "] on " + edit.file() + ": search text found "
          + count + " times, expected exactly once");
    }
    String replace = asGiven ? edit.replace() : withLineBreaks(edit.replace(), content, at, end);
    return content.substring(0, at) + replace + content.substring(end);
  }

  /** {@code replace} with the line breaks of {@code content} from {@code at} to {@code end}, as the class says. */
  private static String withLineBreaks(String replace, String content, int at, int end) {
    List<String> breaks = new ArrayList<>();
    for (int i = at; i < end; i++) {
      if (content.charAt(i) == '\n') {
        breaks.add(lineBreakAt(content, i));
      }
    }
    if (breaks.isEmpty()) {
      int next = content.indexOf('\n', end);
      int previous = at == 0 ? -1 : content.lastIndexOf('\n', at - 1);
      breaks.add(next >= 0 ? lineBreakAt(content, next) : previous >= 0 ? lineBreakAt(content, previous) : "\n");
    }
    String[] lines = replace.split("\r?\n", -1);
    StringBuilder out = new StringBuilder(lines[0]);
    for (int i = 1; i < lines.length; i++) {
      out.append(breaks.get(Math.min(i - 1, breaks.size() - 1))).append(lines[i]);
    }
    return out.toString();
  }

  /** The line break whose line feed is at {@code newline}: CRLF or LF. */
  private static String lineBreakAt(String text, int newline) {
    return newline > 0 && text.charAt(newline - 1) == '\r' ? "\r\n" : "\n";
  }

  private byte[] read(String path, int index) throws EditNotApplicableException, IOException {
    Path file = workspace.resolve(path).normalize();
    if (!file.startsWith(workspace)) {
      throw new EditNotApplicableException("edits[" + index + "]: " + path + " is outside the workspace");
    }
    return Files.readAllBytes(file);
  }
}
