package dev.honest.worker.edit;

import dev.honest.common.hash.Hashes;
import dev.honest.common.result.Change;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
   * Applies all edits of a task, or none.
   *
   * @return the changed files, in the order of the task's {@code files}; files whose content ends
   *     up unchanged are left out
   * @throws EditNotApplicableException naming the first edit that cannot be applied
   * @throws IOException when a task file cannot be read
   */
  public List<ChangedFile> apply(TaskSpec task, List<Edit> edits) throws EditNotApplicableException, IOException {
    for (int i = 0; i < edits.size(); i++) {
      if (!task.files().contains(edits.get(i).file())) {
        throw new EditNotApplicableException("edits[" + i + "]: " + edits.get(i).file()
            + " is not one of the files of task " + task.id());
      }
    }
    Map<String, byte[]> originals = new LinkedHashMap<>();
    Map<String, String> current = new LinkedHashMap<>();
    for (int i = 0; i < edits.size(); i++) {
      Edit edit = edits.get(i);
      String path = edit.file();
      if (!current.containsKey(path)) {
        byte[] bytes = read(path, i);
        originals.put(path, bytes);
        current.put(path, decode(bytes, path, i));
      }
      current.put(path, applyOne(current.get(path), edit, i));
    }
    List<ChangedFile> changed = new ArrayList<>();
    for (String path : task.files()) {
      byte[] before = originals.get(path);
      if (before == null) {
        continue;
      }
      String beforeText = new String(before, StandardCharsets.UTF_8);
      String afterText = current.get(path);
      if (afterText.equals(beforeText)) {
        continue;
      }
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

  private static String decode(byte[] bytes, String path, int index) throws EditNotApplicableException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new EditNotApplicableException("edits[" + index + "] on " + path + ": the file is not UTF-8 text");
    }
  }
}
