package dev.honest.launcher;

import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Task sets with real files in a workspace directory, shared by the plan and render tests. */
public final class TestTasks {
  private static final String[] CATEGORIES = {"security", "performance", "quality", "documentation"};
  private static final String[] AREAS = {"frontend", "backend", "infrastructure", "database"};

  private TestTasks() {}

  /** A task without files. */
  public static TaskSpec general(String id, Priority priority, String category, String area) {
    return new TaskSpec(id, "Task " + id, "", priority, category, area, List.of(), null, null);
  }

  /** A task naming {@code files}. */
  public static TaskSpec withFiles(String id, Priority priority, String category, String area, String... files) {
    return new TaskSpec(id, "Task " + id, "", priority, category, area, List.of(files), null, null);
  }

  /** Writes a text file of exactly {@code bytes} bytes (ASCII source-like lines). */
  public static void writeText(Path workspace, String path, int bytes) {
    StringBuilder b = new StringBuilder();
    String line = "    value = compute(value, \"" + path + "\") // keep\n";
    while (b.length() < bytes) {
      b.append(line);
    }
    write(workspace, path, b.substring(0, bytes).getBytes(StandardCharsets.UTF_8));
  }

  public static void write(Path workspace, String path, byte[] content) {
    try {
      Path file = workspace.resolve(path);
      Files.createDirectories(file.getParent());
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A realistic mixed run: {@code count} tasks over every priority (15% critical, 30% high, 35%
   * medium, 20% low), category and area; about four in
   * five name one to three files of 300 B to 40 KB (one under a directory with a space), the rest
   * none. The same seed always gives the same tasks and files.
   */
  public static List<TaskSpec> mixed(Path workspace, int count, long seed) {
    Random random = new Random(seed);
    List<TaskSpec> tasks = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String id = String.format("task-%03d", i);
      int p = random.nextInt(20);
      Priority priority = p < 3 ? Priority.CRITICAL : p < 9 ? Priority.HIGH : p < 16 ? Priority.MEDIUM : Priority.LOW;
      String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
      String area = AREAS[random.nextInt(AREAS.length)];
      if (random.nextInt(5) == 0) {
        tasks.add(general(id, priority, category, area));
        continue;
      }
      int fileCount = 1 + random.nextInt(3);
      String[] files = new String[fileCount];
      for (int f = 0; f < fileCount; f++) {
        String dir = i % 10 == 0 ? "src/my module" : "src/" + area;
        files[f] = dir + "/file_" + i + "_" + f + ".java";
        writeText(workspace, files[f], 300 + random.nextInt(40_000));
      }
      tasks.add(withFiles(id, priority, category, area, files));
    }
    return tasks;
  }
}
