package dev.honest.launcher.export;

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
import java.util.List;

/**
 * {@code patches/<task-id>.patch}: for each completed {@code fix} task that changed files, the
 * diffs of its changes one after the other, which {@code git apply -p1} accepts in the workspace.
 * Characters of the task id other than letters, digits, {@code .}, {@code _} and {@code -} become
 * {@code _} in the file name.
 */
public final class Patches {
  public static final String DIRECTORY = "patches";

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
    for (TaskRecord task : results.tasks()) {
      if (!task.completed() || task.action() != Action.FIX || task.changes().isEmpty()) {
        continue;
      }
      StringBuilder patch = new StringBuilder();
      for (Change change : task.changes()) {
        patch.append(change.diff());
      }
      Path file = dir.resolve(fileName(task.id()));
      ResultsFiles.writeAtomically(file, patch.toString().getBytes(StandardCharsets.UTF_8));
      written.add(file);
    }
    return written;
  }

  static String fileName(String taskId) {
    return taskId.replaceAll("[^A-Za-z0-9._-]", "_") + ".patch";
  }
}
