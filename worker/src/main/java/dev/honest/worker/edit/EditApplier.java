package dev.honest.worker.edit;

import dev.honest.common.hash.Hashes;
import dev.honest.common.result.Change;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a task's edits to a private in-memory copy of its files. The workspace is only read,
 * never written.
 *
 * <p>Edits apply in order, each to the current content of its file, and each {@code search} must
 * occur exactly once (overlapping occurrences count). In a file whose every line break is CRLF,
 * the line feeds of {@code search} and {@code replace} are matched and written as CRLF, because
 * the prompt shows lines without their CR and the model cannot reproduce it.
 */
public final class EditApplier {
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
    String search = edit.search();
    String replace = edit.replace();
    if (usesCrlf(content) && search.indexOf('\r') < 0) {
      search = search.replace("\n", "\r\n");
      replace = replace.replace("\r\n", "\n").replace("\n", "\r\n");
    }
    int at = content.indexOf(search);
    int count = 0;
    for (int from = at; from >= 0; from = content.indexOf(search, from + 1)) {
      count++;
    }
    if (count != 1) {
      throw new EditNotApplicableException("edits[" + index + "] on " + edit.file() + ": search text found "
          + count + " times, expected exactly once");
    }
    return content.substring(0, at) + replace + content.substring(at + search.length());
  }

  /** True when the text has line breaks and every one is CRLF. */
  private static boolean usesCrlf(String text) {
    int lineFeeds = 0;
    for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      if (i == 0 || text.charAt(i - 1) != '\r') {
        return false;
      }
      lineFeeds++;
    }
    return lineFeeds > 0;
  }

  private byte[] read(String path, int index) throws EditNotApplicableException, IOException {
    Path file = workspace.resolve(path).normalize();
    if (!file.startsWith(workspace)) {
      throw new EditNotApplicableException("edits[" + index + "]: " + path + " is outside the workspace");
    }
    return Files.readAllBytes(file);
  }
}
