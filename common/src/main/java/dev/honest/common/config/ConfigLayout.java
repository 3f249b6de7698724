package dev.honest.common.config;

import dev.honest.common.io.IoProblems;
import dev.honest.common.json.Json;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * The worker's configuration directory, defined once. The launcher writes it, the worker reads it:
 *
 * <pre>
 * CONFIG_DIR/
 *   config.json   WorkerConfig: Ollama URLs, models, generation options, retry and proof settings
 *   plan.json     Plan: which worker runs which task ids, in order
 *   tasks.json    every task of the run, canonical TaskSpec array
 *   ... or, instead of tasks.json, when the tasks do not fit one 1 MiB ConfigMap:
 *   tasks-worker-W-part-P-of-N.json   the tasks of worker W's slice, in plan order, cut into N
 *                 parts (P = 1..N), each a TaskSpec array
 * WORKSPACE/      the files the tasks name, at their workspace-relative paths (in a pod: the
 *                 worker's own ConfigMaps mounted back into a tree with items/path)
 * </pre>
 *
 * <p>Locally it is a plain directory ({@link #write}). In a pod it is the mounted ConfigMap
 * {@code orchestrator-config}, which holds all three files while they fit. For a larger run the
 * launcher leaves {@code tasks.json} out of it and puts every worker's shards into the ConfigMaps
 * {@code orchestrator-config-tasks-1..K}; each worker's config volume is then a projected volume
 * of {@code orchestrator-config} and of its own shards only, so a worker reads its own tasks and no
 * other's, however large the run. The launcher reads the same names back from the ConfigMaps'
 * data ({@link #readTasks(Map, String)}).
 *
 * <p>{@link #readTasks(Path)} reads {@code tasks.json}, or when there is none every shard present,
 * worker by worker and part by part. A missing part of a worker's shards, parts that disagree on
 * N, a task id given twice, both {@code tasks.json} and shards, or neither is a {@link
 * ConfigException} naming the file or the id. (A worker whose shards are all missing is caught by
 * the plan: its task ids have no task.)
 */
public final class ConfigLayout {
  public static final String CONFIG_FILE = "config.json";
  public static final String TASKS_FILE = "tasks.json";
  public static final String PLAN_FILE = "plan.json";

  private static final Pattern SHARD = Pattern.compile("tasks-worker-(\\d+)-part-(\\d+)-of-(\\d+)\\.json");
  private static final TypeReference<List<TaskSpec>> TASK_LIST = new TypeReference<>() {};

  private ConfigLayout() {}

  public static WorkerConfig readConfig(Path dir) throws ConfigException {
    return read(dir.resolve(CONFIG_FILE), new TypeReference<WorkerConfig>() {});
  }

  /** The tasks in {@code dir}: {@code tasks.json}, or the shards (see the class comment). */
  public static List<TaskSpec> readTasks(Path dir) throws ConfigException {
    List<String> names;
    try (Stream<Path> files = Files.list(dir)) {
      names = files.map(f -> f.getFileName().toString()).toList();
    } catch (NoSuchFileException e) {
      throw new ConfigException(dir + ": missing");
    } catch (IOException e) {
      throw new ConfigException(dir + ": cannot list: " + IoProblems.why(e));
    }
    return readTasks(names, name -> read(dir.resolve(name), TASK_LIST), name -> dir.resolve(name).toString());
  }

  /**
   * The tasks in {@code files}, file name to content (the data of the run's configuration
   * ConfigMaps), by the same rules as {@link #readTasks(Path)}.
   *
   * @param source what the files are, for messages (e.g. {@code ConfigMaps orchestrator-config*})
   */
  public static List<TaskSpec> readTasks(Map<String, String> files, String source) throws ConfigException {
    Function<String, String> where = name -> source + ": " + name;
    return readTasks(files.keySet(), name -> parse(files.get(name).getBytes(StandardCharsets.UTF_8),
        where.apply(name), TASK_LIST), where);
  }

  public static Plan readPlan(Path dir) throws ConfigException {
    return read(dir.resolve(PLAN_FILE), new TypeReference<Plan>() {});
  }

  /**
   * The name of part {@code part} of the {@code parts} task shards of worker {@code worker}:
   * {@code tasks-worker-W-part-P-of-N.json}. Also a valid ConfigMap key.
   */
  public static String shardFile(int worker, int part, int parts) {
    if (worker < 1 || part < 1 || part > parts) {
      throw new IllegalArgumentException("no shard part " + part + " of " + parts + " of worker " + worker);
    }
    return "tasks-worker-" + worker + "-part-" + part + "-of-" + parts + ".json";
  }

  /** Writes the three files into {@code dir}, creating it. */
  public static void write(Path dir, WorkerConfig config, List<TaskSpec> tasks, Plan plan) throws IOException {
    write(dir, render(config, tasks, plan));
  }

  /**
   * The three files' names and exact texts, as {@link #write(Path, WorkerConfig, List, Plan)} writes
   * them: for a caller that renders them before it may write them.
   */
  public static Map<String, String> render(WorkerConfig config, List<TaskSpec> tasks, Plan plan) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(CONFIG_FILE, toJson(config));
    files.put(TASKS_FILE, toJson(tasks));
    files.put(PLAN_FILE, toJson(plan));
    return files;
  }

  /** Writes files {@link #render rendered} before into {@code dir}, creating it. */
  public static void write(Path dir, Map<String, String> files) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue());
    }
  }

  /** The exact text written for {@code value}: the same bytes go into the ConfigMap. */
  public static String toJson(Object value) {
    return Json.pretty().writeValueAsString(value) + "\n";
  }

  @FunctionalInterface
  private interface TaskFile {
    List<TaskSpec> read(String name) throws ConfigException;
  }

  private static List<TaskSpec> readTasks(Collection<String> names, TaskFile files, Function<String, String> where)
      throws ConfigException {
    // worker -> part -> file name, both in numeric order
    Map<Integer, TreeMap<Integer, String>> shards = new TreeMap<>();
    Map<Integer, Integer> partCounts = new HashMap<>();
    for (String name : new TreeSet<>(names)) {
      Matcher m = SHARD.matcher(name);
      if (!m.matches()) {
        continue;
      }
      int worker = Integer.parseInt(m.group(1));
      int part = Integer.parseInt(m.group(2));
      int parts = Integer.parseInt(m.group(3));
      Integer known = partCounts.putIfAbsent(worker, parts);
      if (known != null && known != parts) {
        throw new ConfigException(where.apply(name) + ": worker " + worker + "'s task shards disagree on their"
            + " number of parts (" + known + " and " + parts + ")");
      }
      shards.computeIfAbsent(worker, w -> new TreeMap<>()).put(part, name);
    }
    boolean whole = names.contains(TASKS_FILE);
    if (whole && !shards.isEmpty()) {
      throw new ConfigException(where.apply(TASKS_FILE) + ": present beside task shards ("
          + shards.values().iterator().next().firstEntry().getValue() + ", ...): one or the other");
    }
    List<String> order = new ArrayList<>();
    if (whole) {
      order.add(TASKS_FILE);
    } else if (shards.isEmpty()) {
      throw new ConfigException(where.apply(TASKS_FILE) + ": missing (and no task shards "
          + "tasks-worker-W-part-P-of-N.json)");
    }
    for (Map.Entry<Integer, TreeMap<Integer, String>> worker : shards.entrySet()) {
      int parts = partCounts.get(worker.getKey());
      for (int part = 1; part <= parts; part++) {
        String name = worker.getValue().get(part);
        if (name == null) {
          throw new ConfigException(where.apply(shardFile(worker.getKey(), part, parts)) + ": missing (part "
              + part + " of the " + parts + " task shards of worker " + worker.getKey() + ")");
        }
        order.add(name);
      }
    }
    List<TaskSpec> tasks = new ArrayList<>();
    Map<String, String> seenIn = new HashMap<>();
    for (String name : order) {
      for (TaskSpec task : files.read(name)) {
        String earlier = seenIn.putIfAbsent(task.id(), name);
        if (earlier != null) {
          throw new ConfigException(where.apply(name) + ": task " + task.id() + " appears twice"
              + (earlier.equals(name) ? "" : " (also in " + earlier + ")"));
        }
        tasks.add(task);
      }
    }
    return tasks;
  }

  private static <T> T read(Path file, TypeReference<T> type) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": missing");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + IoProblems.why(e));
    }
    return parse(bytes, file.toString(), type);
  }

  private static <T> T parse(byte[] bytes, String where, TypeReference<T> type) throws ConfigException {
    try {
      T value = Json.mapper().readValue(bytes, type);
      if (value == null) {
        throw new ConfigException(where + ": empty");
      }
      return value;
    } catch (JacksonException e) {
      throw new ConfigException(where + ": " + rootMessage(e));
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
