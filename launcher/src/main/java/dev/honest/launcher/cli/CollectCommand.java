package dev.honest.launcher.cli;

import dev.honest.common.config.ConfigException;
import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.json.Json;
import dev.honest.common.task.TaskSpec;
import dev.honest.common.text.Escaped;
import dev.honest.launcher.attest.Carried;
import dev.honest.launcher.attest.RunSigner;
import dev.honest.launcher.cluster.ClusterOperations;
import dev.honest.launcher.render.Renderer;
import dev.honest.launcher.results.CostSettings;
import dev.honest.launcher.results.LogReader;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.WorkerOutcome;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.type.TypeReference;

/**
 * {@code collect}: gather the logs of a run's workers and aggregate the results, from the cluster
 * alone (the plan and the tasks are read back from the run's {@code orchestrator-config}, and for a
 * large run the tasks from its {@code orchestrator-config-tasks-K}).
 */
@Command(name = "collect", mixinStandardHelpOptions = true, versionProvider = LauncherCommand.Version.class,
    description = {"Collect the results of a run still going or left by an interrupted `run`.",
        "Writes every worker's log to k8s-worker-N-log.txt and aggregates",
        "k8s-cluster-results.json, signed with the run's key, read from its Secret (so",
        "before `cleanup`). Refuses to replace a k8s-cluster-results.json there of another",
        "run, or one holding tasks carried over by --resume (it gathers only the tasks that ran)."})
public final class CollectCommand extends ClusterCommand {
  @Option(names = "--output", paramLabel = "DIR", defaultValue = TaskOptions.DEFAULT_OUTPUT,
      description = "Where the worker logs, k8s-cluster-results.json, its SARIF file, the run's public key and the patches"
          + " go. Default: ./${DEFAULT-VALUE}")
  Path output;

  @Mixin PriceOptions prices;

  private CostSettings costs;

  @Override
  void checkOptions() {
    costs = prices.settings();
  }

  @Override
  String ifStopped() {
    return "⏹ Stopped collecting: nothing in namespace " + namespace + " was changed, and what was written to "
        + output + " may be incomplete; `collect` again.";
  }

  @Override
  int call(KubernetesClient client, ClusterOperations ops, PrintWriter out) throws Exception {
    ConfigMap config = ops.configMap(Renderer.CONFIG_MAP);
    if (config == null || config.getData() == null) {
      throw LauncherException.invalidInput("no run to collect: ConfigMap " + Renderer.CONFIG_MAP
          + " is not in namespace " + namespace + " — check --namespace and `kubectl get ns`");
    }
    Plan plan = read(config, ConfigLayout.PLAN_FILE, new TypeReference<Plan>() {});
    List<TaskSpec> tasks = tasks(ops, config, plan);
    WorkerConfig workers = read(config, ConfigLayout.CONFIG_FILE, new TypeReference<WorkerConfig>() {});
    SigningKey key = ops.signingKey();
    boolean again = keepEarlierResults(plan.runId());
    TaskOptions.createDirectory(output);
    Instant start = Instant.parse(config.getMetadata().getCreationTimestamp());
    out.println("Collecting run " + plan.runId() + " from namespace " + namespace);
    // Each log is read while the next ones are fetched; fetching waits on the API server, so every core reads.
    try (LogReader reader = new LogReader(plan, key.publicKey(), Runtime.getRuntime().availableProcessors())) {
      // Collected again: what the earlier collect read of pods gone since is in its logs, and stays.
      List<WorkerOutcome> outcomes = ops.collect(output, reader::readAhead, again);
      // Collected later, the run still ended with its last Job: the time since is not the run's.
      Instant end = ops.jobsEnded().map(e -> e.isBefore(start) ? start : e).orElseGet(Instant::now);
      return Outputs.finish(out, plan, tasks, outcomes, ops.claimedBy(plan.runId()), start, end, output, costs,
          new RunSigner(key, plan.runId(), workers.options()), Carried.NONE, reader);
    }
  }

  /**
   * Refuses, before anything is written, to replace results in {@code --output} holding completed
   * tasks this collect cannot gather again: another run's (such as those a resumed run resumed from),
   * or this run's with tasks carried over by {@code --resume} (only the tasks that ran are collected).
   * The file is streamed, not held (10,000 tasks' results are over 100 MB).
   *
   * @return true when {@code --output} holds this run's results: its worker logs are this run's, as
   *     an earlier collect wrote them, and what they hold of pods gone since is kept
   */
  private boolean keepEarlierResults(String runId) throws IOException {
    Path file = output.resolve(ResultsFiles.RESULTS_FILE);
    if (!Files.isRegularFile(file)) {
      return false;
    }
    EarlierResults earlier;
    try (InputStream in = Files.newInputStream(file); JsonParser parser = Json.mapper().createParser(in)) {
      earlier = EarlierResults.read(parser, runId);
    } catch (JacksonException e) {
      throw LauncherException.invalidInput(file + " is there and is not JSON (" + e.getOriginalMessage()
          + "): collect into another --output, or move that file away first");
    }
    String lost = !earlier.runId().equals(runId)
        ? " holds the results of run " + Escaped.oneLine(earlier.runId()) + " (" + earlier.completed()
            + " completed task(s)), not of run " + runId + " being collected"
        : earlier.carried() > 0
            ? " holds " + earlier.carried() + " task(s) carried over from run " + Escaped.oneLine(
                String.join(", ", earlier.carriedFrom())) + ", which `collect` cannot carry over again (it gathers"
                + " the tasks that ran)"
            : null;
    if (lost != null) {
      throw LauncherException.invalidInput(file + lost + ": collect into another --output, or move that file away"
          + " first; nothing was written");
    }
    return true;
  }

  /**
   * Of a results file: its run, its completed tasks, and the runs its carried tasks come from. Only a
   * refusal for carried tasks names those runs, which takes reading every task: otherwise (this run's
   * results with nothing carried, the common case, or another run's) the reading stops as soon as the
   * run, the completed and the carried tasks are known, which the results file says before its tasks.
   */
  private record EarlierResults(String runId, long completed, long carried, Set<String> carriedFrom) {
    static EarlierResults read(JsonParser parser, String collecting) {
      String runId = "";
      long completed = 0;
      long carried = 0;
      Set<String> from = new TreeSet<>();
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return new EarlierResults(runId, completed, carried, from);
      }
      boolean seenRun = false;
      boolean seenCompleted = false;
      boolean seenCarried = false;
      for (String name = parser.nextName(); name != null; name = parser.nextName()) {
        JsonToken value = parser.nextToken();
        switch (name) {
          case "run_id" -> {
            runId = value == JsonToken.VALUE_STRING ? parser.getString() : runId;
            seenRun = true;
          }
          case "completed_tasks" -> {
            completed = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : 0;
            seenCompleted = true;
          }
          case "carried_tasks" -> {
            carried = value == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : 0;
            seenCarried = true;
          }
          case "tasks" -> {
            if (value != JsonToken.START_ARRAY) {
              parser.skipChildren();
              continue;
            }
            for (JsonToken task = parser.nextToken(); task != JsonToken.END_ARRAY; task = parser.nextToken()) {
              if (task != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
              }
              for (String field = parser.nextName(); field != null; field = parser.nextName()) {
                if (parser.nextToken() == JsonToken.VALUE_STRING && field.equals("carried_from")) {
                  from.add(parser.getString());
                }
                parser.skipChildren();
              }
            }
          }
          default -> parser.skipChildren();
        }
        if (seenRun && seenCompleted && seenCarried && (carried == 0 || !runId.equals(collecting))) {
          return new EarlierResults(runId, completed, carried, from); // the tasks' carried_from is not needed
        }
      }
      return new EarlierResults(runId, completed, carried, from);
    }
  }

  /**
   * The run's tasks: {@code tasks.json} of {@code orchestrator-config}, or the task shards of the
   * run's {@code orchestrator-config-tasks-K} ConfigMaps; each task the plan names must be there.
   */
  private List<TaskSpec> tasks(ClusterOperations ops, ConfigMap config, Plan plan) {
    Map<String, String> files = new HashMap<>(config.getData());
    if (!files.containsKey(ConfigLayout.TASKS_FILE)) {
      ops.configMaps(plan.runId()).stream()
          .filter(c -> c.getMetadata().getName().startsWith(Renderer.TASK_SHARDS) && c.getData() != null)
          .forEach(c -> files.putAll(c.getData()));
    }
    List<TaskSpec> tasks;
    try {
      tasks = ConfigLayout.readTasks(files, "ConfigMaps " + Renderer.CONFIG_MAP + "*");
    } catch (ConfigException e) {
      throw LauncherException.invalidInput(e.getMessage());
    }
    Set<String> ids = tasks.stream().map(TaskSpec::id).collect(Collectors.toSet());
    plan.workers().forEach(w -> w.tasks().stream().filter(id -> !ids.contains(id)).findFirst().ifPresent(id -> {
      throw LauncherException.invalidInput(Renderer.CONFIG_MAP + "/" + ConfigLayout.PLAN_FILE + ": worker "
          + w.index() + " is given task " + id + ", which no task file of the run holds");
    }));
    return tasks;
  }

  private <T> T read(ConfigMap config, String key, TypeReference<T> type) {
    String text = config.getData().get(key);
    if (text == null) {
      throw LauncherException.invalidInput(Renderer.CONFIG_MAP + " has no " + key);
    }
    try {
      return Json.mapper().readValue(text, type);
    } catch (JacksonException e) {
      throw LauncherException.invalidInput(Renderer.CONFIG_MAP + "/" + key + ": " + e.getOriginalMessage());
    }
  }
}
