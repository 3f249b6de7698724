package dev.honest.launcher.export;

import dev.honest.common.hash.Hashes;
import dev.honest.common.result.Change;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.task.Action;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.ResultsFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code patches/<task-id>.patch}: for each completed {@code fix} task that changed files, the
 * diffs of its changes one after the other, which {@code git apply -p1} accepts in the workspace.
 *
 * <p>Each task gets its own file, the same on every run, on case-sensitive and case-insensitive
 * (macOS, Windows) file systems alike. An id that is already a plain file name keeps it
 * ({@code SEC-001} → {@code SEC-001.patch}): ASCII letters, digits, {@code .}, {@code _} and
 * {@code -} only, starting with a letter, digit or {@code _}, at most {@value #MAX_PLAIN}
 * characters, not ending in {@code -} and eight or more lower-case hex digits, and not a Windows
 * device name ({@code CON}, {@code PRN}, {@code AUX}, {@code NUL}, {@code COM0}–{@code COM9},
 * {@code LPT0}–{@code LPT9}, in any case) before its first {@code .} ({@code nul.x} is one). Any
 * other id gets the first {@value #MAX_PREFIX} characters of the id, those other characters turned
 * into {@code _}, then {@code -} and the first eight hex digits of the SHA-256 of the whole id
 * (UTF-8): {@code T 1} → {@code T_1-<8 hex>.patch}, with a {@code _} in front should that name
 * start with a device name and a {@code .} ({@code nul.x} → {@code _nul.x-<8 hex>.patch}). A name
 * that an earlier task of the run (in task order) already has, ignoring case ({@code sec-1} after
 * {@code SEC-1}), goes to the hashed form; should that be taken too (two ids sharing those eight
 * digits), to all 64 digits; should even that be taken, to all 64 and {@code -2}, {@code -3}, …
 * All names are ASCII and end in {@code .patch}, never in {@code .} or a space.
 */
public final class Patches {
  public static final String DIRECTORY = "patches";

  /** The longest id kept as its own file name (with {@code .patch} and a temp suffix, far below 255 bytes). */
  static final int MAX_PLAIN = 100;
  /** How much of an id that is not kept as it is goes before the hash. */
  static final int MAX_PREFIX = 64;

  private static final int SHORT_HASH = 8;
  private static final int FULL_HASH = 64;
  private static final String EXTENSION = ".patch";
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
  /** The hashed form's tail: a plain name must not look like it, or two ids could share a file. */
  private static final Pattern HASHED_TAIL = Pattern.compile(".*-[0-9a-f]{" + SHORT_HASH + ",}");
  /** A file name Windows cannot create: a device name, alone or before a {@code .}. */
  private static final Pattern DEVICE = Pattern.compile("(?i)(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\\..*)?");

  private Patches() {}

  /**
   * Writes the patches of a run, replacing the {@code .patch} files an earlier run left in the
   * directory (a task that is no longer completed must not keep its old patch).
   *
   * @return the files written, in task order
   */
  public static List<Path> write(Path outputDir, ClusterResults results) throws IOException {
    Path dir = outputDir.resolve(DIRECTORY);
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*.patch")) {
        for (Path file : old) {
          Files.delete(file);
        }
      }
    }
    List<Path> written = new ArrayList<>();
    Set<String> taken = new HashSet<>(); // lower-cased: the names are ASCII, so no file system tells these apart
    for (TaskRecord task : results.tasks()) {
      if (!task.completed() || task.action() != Action.FIX || task.changes().isEmpty()) {
        continue;
      }
      StringBuilder patch = new StringBuilder();
      for (Change change : task.changes()) {
        patch.append(change.diff());
      }
      String name = fileName(task.id());
      for (int attempt = 1; !taken.add(name.toLowerCase(Locale.ROOT)); attempt++) {
        name = hashedName(task.id(), attempt == 1 ? SHORT_HASH : FULL_HASH, attempt <= 2 ? "" : "-" + (attempt - 1));
      }
      Path file = dir.resolve(name);
      ResultsFiles.writeAtomically(file, patch.toString().getBytes(StandardCharsets.UTF_8));
      written.add(file);
    }
    return written;
  }

  /** The file name of task {@code taskId}'s patch when no other task of the run has it (see the class comment). */
  static String fileName(String taskId) {
    String plain = taskId + EXTENSION;
    if (taskId.length() <= MAX_PLAIN && PLAIN.matcher(taskId).matches() && !HASHED_TAIL.matcher(taskId).matches()
        && !DEVICE.matcher(plain).matches()) {
      return plain;
    }
    return hashedName(taskId, SHORT_HASH, "");
  }

  /** The hashed form of task {@code taskId}'s file name: {@code hashDigits} of its SHA-256, then {@code suffix}. */
  static String hashedName(String taskId, int hashDigits, String suffix) {
    String prefix = taskId.codePoints().limit(MAX_PREFIX)
        .map(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-') ? c : '_')
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
    if (prefix.startsWith(".") || prefix.startsWith("-")) {
      prefix = "_" + prefix.substring(1);
    }
    String hash = Hashes.sha256Hex(taskId.getBytes(StandardCharsets.UTF_8)).substring(0, hashDigits);
    String name = prefix + "-" + hash + suffix + EXTENSION;
    return DEVICE.matcher(name).matches() ? "_" + name : name;
  }
}
