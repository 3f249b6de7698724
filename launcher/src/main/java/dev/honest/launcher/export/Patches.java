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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code patches/<task-id>.patch}: for each completed {@code fix} task that changed files, the
 * diffs of its changes one after the other, which {@code git apply -p1} (and {@code patch -p1}) accepts in the workspace.
 *
 * <p>Each task gets its own file, the same on every run of the same tasks, on case-sensitive and
 * case-insensitive (macOS, Windows) file systems alike. An id that is already a plain file name
 * keeps it ({@code SEC-001} → {@code SEC-001.patch}): ASCII letters, digits, {@code .}, {@code _}
 * and {@code -} only, starting with a letter, digit or {@code _}, at most {@value #MAX_PLAIN}
 * characters, not ending in {@code -} and eight or more hex digits (of either case), and not a
 * Windows device name ({@code CON}, {@code PRN}, {@code AUX}, {@code NUL}, {@code COM0}–{@code COM9},
 * {@code LPT0}–{@code LPT9}, in any case) before its first {@code .} ({@code nul.x} is one). Any
 * other id gets the first {@value #MAX_PREFIX} characters of the id, those other characters turned
 * into {@code _}, then {@code -} and the first eight hex digits of the SHA-256 of the whole id
 * (UTF-8): {@code T 1} → {@code T_1-<8 hex>.patch}, with a {@code _} in front should that name
 * start with a device name and a {@code .} ({@code nul.x} → {@code _nul.x-<8 hex>.patch}). Ids of
 * a run whose names are the same ignoring case ({@code SEC-1} and {@code sec-1}) all take the hashed
 * form, and ids whose hashed forms are the same ignoring case all 64 digits ({@link #fileNames}).
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
  private static final Pattern HASHED_TAIL = Pattern.compile("(?i).*-[0-9a-f]{" + SHORT_HASH + ",}");
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
    Map<String, String> names = fileNames(results.tasks().stream().map(TaskRecord::id).toList());
    for (TaskRecord task : results.tasks()) {
      if (!task.completed() || task.action() != Action.FIX || task.changes().isEmpty()) {
        continue;
      }
      StringBuilder patch = new StringBuilder();
      for (Change change : task.changes()) {
        patch.append(change.diff());
      }
      Path file = dir.resolve(names.get(task.id()));
      ResultsFiles.writeAtomically(file, patch.toString().getBytes(StandardCharsets.UTF_8));
      written.add(file);
    }
    return written;
  }

  /**
   * The file name of each task of a run, decided over all its task ids at once, so that a name
   * depends on the set of ids alone: not on their order, nor on which tasks have a patch this time.
   * Names that are the same ignoring case (the names are ASCII, so no file system tells such names
   * apart) go to the hashed form, and should they still be, to all 64 digits, after which two names
   * could only be the same if the SHA-256 of two ids were.
   */
  static Map<String, String> fileNames(Collection<String> taskIds) {
    Map<String, String> names = new HashMap<>();
    taskIds.forEach(id -> names.put(id, fileName(id)));
    for (int digits : new int[] {SHORT_HASH, FULL_HASH}) {
      Map<String, List<String>> byName = new HashMap<>();
      names.forEach((id, name) -> byName.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(id));
      byName.values().stream().filter(same -> same.size() > 1).flatMap(List::stream)
          .forEach(id -> names.put(id, hashedName(id, digits)));
    }
    return names;
  }

  /** The file name of task {@code taskId}'s patch when no other task of the run has it ignoring case (see the class comment). */
  static String fileName(String taskId) {
    String plain = taskId + EXTENSION;
    if (taskId.length() <= MAX_PLAIN && PLAIN.matcher(taskId).matches() && !HASHED_TAIL.matcher(taskId).matches()
        && !DEVICE.matcher(plain).matches()) {
      return plain;
    }
    return hashedName(taskId, SHORT_HASH);
  }

  /** The hashed form of task {@code taskId}'s file name, with {@code hashDigits} of its SHA-256. */
  static String hashedName(String taskId, int hashDigits) {
    String prefix = taskId.codePoints().limit(MAX_PREFIX)
        .map(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-') ? c : '_')
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
    if (prefix.startsWith(".") || prefix.startsWith("-")) {
      prefix = "_" + prefix.substring(1);
    }
    String hash = Hashes.sha256Hex(taskId.getBytes(StandardCharsets.UTF_8)).substring(0, hashDigits);
    String name = prefix + "-" + hash + EXTENSION;
    return DEVICE.matcher(name).matches() ? "_" + name : name;
  }
}
