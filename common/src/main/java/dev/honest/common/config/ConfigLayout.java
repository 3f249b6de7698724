package dev.honest.common.config;

import dev.honest.common.json.Json;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * The worker's configuration directory, defined once. In a pod it is the mounted ConfigMap
 * {@code orchestrator-config}; locally it is a plain directory. The launcher writes it, the worker
 * reads it:
 *
 * <pre>
 * CONFIG_DIR/
 *   config.json   WorkerConfig: Ollama URLs, models, generation options, retry and proof settings
 *   tasks.json    every task of the run, canonical TaskSpec array
 *   plan.json     Plan: which worker runs which task ids, in order
 * WORKSPACE/      the files the tasks name, at their workspace-relative paths (in a pod: the
 *                 worker's own ConfigMaps mounted back into a tree with items/path)
 * </pre>
 */
public final class ConfigLayout {
  public static final String CONFIG_FILE = "config.json";
  public static final String TASKS_FILE = "tasks.json";
  public static final String PLAN_FILE = "plan.json";

  private ConfigLayout() {}

  public static WorkerConfig readConfig(Path dir) throws ConfigException {
    return read(dir.resolve(CONFIG_FILE), new TypeReference<WorkerConfig>() {});
  }

  public static List<TaskSpec> readTasks(Path dir) throws ConfigException {
    return read(dir.resolve(TASKS_FILE), new TypeReference<List<TaskSpec>>() {});
  }

  public static Plan readPlan(Path dir) throws ConfigException {
    return read(dir.resolve(PLAN_FILE), new TypeReference<Plan>() {});
  }

  /** Writes the three files into {@code dir}, creating it. */
  public static void write(Path dir, WorkerConfig config, List<TaskSpec> tasks, Plan plan) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(CONFIG_FILE), toJson(config));
    Files.writeString(dir.resolve(TASKS_FILE), toJson(tasks));
    Files.writeString(dir.resolve(PLAN_FILE), toJson(plan));
  }

  /** The exact text written for {@code value}: the same bytes go into the ConfigMap. */
  public static String toJson(Object value) {
    return Json.pretty().writeValueAsString(value) + "\n";
  }

  private static <T> T read(Path file, TypeReference<T> type) throws ConfigException {
    try {
      T value = Json.mapper().readValue(Files.readAllBytes(file), type);
      if (value == null) {
        throw new ConfigException(file + ": empty");
      }
      return value;
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": missing");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    } catch (JacksonException e) {
      throw new ConfigException(file + ": " + rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t instanceof JacksonException j ? j.getOriginalMessage() : t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
