package dev.honest.launcher.apply;

import dev.honest.common.hash.Hashes;
import dev.honest.common.io.IoProblems;
import dev.honest.common.result.Change;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.task.Action;
import dev.honest.common.task.WorkspacePaths;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies the changes of completed {@code fix} tasks to a workspace, file by file, and only where
 * the proof still holds: a file is changed only when its bytes still have the change's
 * {@code sha256_before}, and only when the patched bytes have its {@code sha256_after}. Anything
 * else is refused with the reason, and the other files are still applied.
 *
 * <p>It trusts the records it is given: that they are the ones the run signed is checked before,
 * by {@code apply} verifying the results file.
 *
 * <p>Changes apply in the order of the results. When two tasks change the same file, the second
 * finds the file changed by the first and is refused; a dry run predicts exactly that, because it
 * keeps what it would have written in memory.
 */
public final class FixApplier {
  private final Path workspace;
  private final boolean dryRun;
  private final Output output;
  /** What this run wrote (or, dry, would have written), and which task wrote it. */
  private final Map<String, byte[]> written = new HashMap<>();
  private final Map<String, String> writtenBy = new HashMap<>();

  /**
   * @param workspace the directory the changes' paths are relative to
   * @param dryRun check and patch in memory only, write nothing
   */
  public FixApplier(Path workspace, boolean dryRun) {
    this(workspace, dryRun, (file, bytes) -> Files.write(file, bytes, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC));
  }

  /** The same, writing bytes with {@code output}: a test puts in one that fails half way. */
  FixApplier(Path workspace, boolean dryRun, Output output) {
    this.workspace = workspace;
    this.dryRun = dryRun;
    this.output = output;
  }

  /** Writes bytes to a file that exists, all of them or fails. */
  interface Output {
    void write(Path file, byte[] bytes) throws IOException;
  }

  /** How one change ended. */
  public record Outcome(String taskId, String path, boolean applied, String detail) {
    /** One line for people: {@code applied T-1 src/a.js (...)} or {@code refused T-1 src/a.js: why}. */
    public String describe(boolean dryRun) {
      return applied
          ? (dryRun ? "would apply " : "applied ") + taskId + " " + path + " (" + detail + ")"
          : "refused " + taskId + " " + path + ": " + detail;
    }
  }

  /** Applies every change of every completed fix task, in order. */
  public List<Outcome> apply(List<TaskRecord> tasks) {
    List<Outcome> outcomes = new ArrayList<>();
    for (TaskRecord task : tasks) {
      if (task.completed() && task.action() == Action.FIX) {
        for (Change change : task.changes()) {
          outcomes.add(apply(task.id(), change));
        }
      }
    }
    return outcomes;
  }

  private Outcome apply(String taskId, Change change) {
    String path = change.path();
    Optional<String> problem = WorkspacePaths.problem(workspace, path);
    if (problem.isPresent()) {
      return refused(taskId, path, problem.get());
    }
    // Keyed by the file itself, symlinks resolved: a change through a link and one to its target are
    // changes of one file, for the dry run as on disk.
    Path file;
    try {
      file = workspace.toRealPath().resolve(WorkspacePaths.normalize(path)).toRealPath();
    } catch (IOException e) {
      return refused(taskId, path, "cannot resolve it: " + IoProblems.why(e));
    }
    String key = file.toString();
    byte[] before;
    try {
      before = written.containsKey(key) ? written.get(key) : Files.readAllBytes(file);
    } catch (IOException e) {
      return refused(taskId, path, "cannot read it: " + IoProblems.why(e));
    }
    String actual = Hashes.sha256Hex(before);
    if (!actual.equals(change.sha256Before())) {
      String because = writtenBy.containsKey(key)
          ? "; task " + writtenBy.get(key) + " changed it just before" + (dryRun ? " (in this dry run)" : "")
          : "";
      return refused(taskId, path, "changed since the run (expected sha256 " + change.sha256Before()
          + ", found " + actual + ")" + because);
    }
    byte[] after;
    try {
      after = UnifiedPatch.apply(before, change.diff());
    } catch (RuntimeException e) {
      // IllegalArgumentException says where the diff is wrong; anything else is a diff nobody foresaw.
      return refused(taskId, path, "its diff cannot be applied: "
          + (e instanceof IllegalArgumentException ? e.getMessage() : e.toString()));
    }
    String patched = Hashes.sha256Hex(after);
    if (!patched.equals(change.sha256After())) {
      return refused(taskId, path, "the patched file would not have the recorded sha256_after (expected "
          + change.sha256After() + ", got " + patched + "); left as it was");
    }
    if (!dryRun) {
      Optional<String> failure = write(file, after, change.sha256After());
      if (failure.isPresent()) {
        return refused(taskId, path, failure.get());
      }
    }
    written.put(key, after);
    writtenBy.put(key, taskId);
    return new Outcome(taskId, path, true, "sha256 " + change.sha256Before() + " -> " + change.sha256After());
  }

  /**
   * Writes the new bytes to a temporary file beside the file, with the file's POSIX permissions,
   * reads them back, and moves it over the file in one step: the file is never half-written. On any
   * failure the temporary file is removed and the file is as it was.
   */
  private Optional<String> write(Path file, byte[] after, String expected) {
    Path temp = null;
    try {
      temp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".apply.tmp");
      output.write(temp, after);
      keepPermissions(file, temp);
      String onDisk = Hashes.sha256Hex(Files.readAllBytes(temp));
      if (!onDisk.equals(expected)) {
        return Optional.of("the written file had sha256 " + onDisk + ", not " + expected + "; the file is as it was");
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("cannot write it: " + IoProblems.why(e) + "; the file is as it was");
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // Only a file beside the user's, whose name says what it is, can be left; the user's is as it was.
        }
      }
    }
  }

  private static void keepPermissions(Path file, Path temp) throws IOException {
    if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(file));
    }
  }

  private static Outcome refused(String taskId, String path, String why) {
    return new Outcome(taskId, path, false, why);
  }
}
