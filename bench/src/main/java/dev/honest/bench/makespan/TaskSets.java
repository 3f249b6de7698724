package dev.honest.bench.makespan;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.task.TaskFileException;
import dev.honest.common.task.TaskFileReader;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Benchmark task sets with the mix of a real one: {@code count} tasks made by repeating a task file
 * (normally {@code examples/}) over as many copies of its workspace as needed. Copy {@code c} of the
 * workspace is the folder {@code copy-cc}, and copy {@code c} of task {@code T} is {@code T-cc} on
 * the same files there, so file sizes, chunked files, fix tasks and general tasks keep their shares.
 */
public final class TaskSets {
  /** The task file written into the target directory. */
  public static final String TASKS_FILE = "tasks.json";

  private TaskSets() {}

  /**
   * A generated task set.
   *
   * @param tasksFile canonical task file
   * @param workspace the folder its paths are relative to
   * @param tasks how many tasks it holds
   */
  public record TaskSet(Path tasksFile, Path workspace, int tasks) {}

  /**
   * Writes {@code count} tasks and their workspace into {@code target}, which must not exist yet or
   * be empty.
   *
   * @throws TaskFileException when the source task file is not valid
   */
  public static TaskSet replicate(Path tasksFile, Path workspace, int count, Path target)
      throws IOException, TaskFileException {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    List<TaskSpec> source = TaskFileReader.read(tasksFile, workspace);
    int copies = (count + source.size() - 1) / source.size();
    Path copiesRoot = target.resolve("workspace");
    for (int c = 1; c <= copies; c++) {
      copyTree(workspace, copiesRoot.resolve(copyName(c)));
    }
    List<TaskSpec> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      TaskSpec t = source.get(i % source.size());
      int c = i / source.size() + 1;
      String folder = copyName(c) + "/";
      tasks.add(new TaskSpec(String.format("%s-%02d", t.id(), c), t.title() + " (copy " + c + ")",
          t.description(), t.priority(), t.category(), t.area(),
          t.files().stream().map(f -> folder + f).toList(), t.action(), t.model()));
    }
    Path file = target.resolve(TASKS_FILE);
    Files.writeString(file, ConfigLayout.toJson(tasks));
    return new TaskSet(file, copiesRoot, count);
  }

  private static String copyName(int copy) {
    return String.format("copy-%02d", copy);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      paths.forEach(p -> {
        Path dest = to.resolve(from.relativize(p).toString());
        try {
          if (Files.isDirectory(p)) {
            Files.createDirectories(dest);
          } else {
            Files.copy(p, dest);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
