package dev.honest.launcher.render;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.json.Json;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.plan.Planner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a run (settings, tasks, workspace) into every Kubernetes object it needs, without a
 * cluster: plans the tasks, then fills in the templates of {@link Manifests}.
 *
 * <ul>
 *   <li>ConfigMap {@code orchestrator-config}: {@code config.json}, {@code tasks.json} (all tasks)
 *       and {@code plan.json}, exactly as {@link ConfigLayout#toJson} writes them; when that would
 *       exceed 1 MiB, {@code tasks.json} is left out and each worker's tasks go into shards in the
 *       ConfigMaps {@code orchestrator-config-tasks-1..K}, which only that worker's Job mounts
 *       beside {@code orchestrator-config} (see {@link ConfigLayout} and {@link TaskShards});
 *   <li>per worker, ConfigMaps {@code k8s-worker-N-files-K} holding the files of its tasks;
 *   <li>Jobs {@code k8s-worker-1..N}, the Ollama Deployment (pulling the code and general models
 *       and any other a task names), its ClusterIP Service and the
 *       headless Service the workers resolve to every Ollama pod, the namespace and the network
 *       policies;
 *   <li>the workers' ServiceAccount with a Role to create and get Leases, by which they claim tasks.
 * </ul>
 *
 * <p>The worker's {@code num_thread} is set to the Ollama CPU limit, and its {@code keep_alive} to
 * {@value #KEEP_ALIVE} (forever, like the server's {@code OLLAMA_KEEP_ALIVE}): a request's value
 * overrides the server's, so the two must agree.
 */
public final class Renderer {
  public static final String CONFIG_MAP = "orchestrator-config";
  /** The name prefix of the ConfigMaps of task shards, {@code orchestrator-config-tasks-1..K}. */
  public static final String TASK_SHARDS = CONFIG_MAP + "-tasks-";
  /** A Go duration string, as Ollama's API parses it; negative = keep the model loaded. */
  public static final String KEEP_ALIVE = "-1m";

  static final String PRODUCT = "honest-orchestration";
  static final String PART_OF = "app.kubernetes.io/part-of";
  static final String INSTANCE = "app.kubernetes.io/instance";
  static final String COMPONENT = "app.kubernetes.io/component";
  static final String WORKER_INDEX = "honest.dev/worker-index";
  static final String WORKER_NAME = "honest.dev/worker-name";

  /**
   * Renders the run.
   *
   * @throws RenderException when a task file is missing, cannot be mounted, or is too large for a
   *     ConfigMap, when one task is, or when {@code orchestrator-config} would exceed 1 MiB even
   *     without the tasks (a plan of some 50,000 task ids)
   */
  public RenderedRun render(RunSettings settings, List<TaskSpec> tasks, Path workspace) throws RenderException {
    Plan plan;
    try {
      plan = new Planner().plan(settings.runId(), tasks, workspace, settings.workers(), settings.options());
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new RenderException(e.getMessage(), e);
    }
    WorkerConfig config = workerConfig(settings);

    Namespace namespace = Manifests.namespace();
    namespace.getMetadata().setName(settings.namespace());
    Map<String, TaskSpec> byId = new LinkedHashMap<>();
    tasks.forEach(t -> byId.put(t.id(), t));
    Map<String, String> taskLines = new LinkedHashMap<>();
    tasks.forEach(t -> taskLines.put(t.id(), Json.mapper().writeValueAsString(t)));
    Map<String, String> data = configData(config, tasks, plan, taskLines);
    TaskShards shards = data.containsKey(ConfigLayout.TASKS_FILE) ? null
        : TaskShards.of(settings.namespace(), runLabels(settings.runId(), "config"), plan, taskLines);
    List<ConfigMap> configMaps = new ArrayList<>();
    configMaps.add(orchestratorConfig(settings, data));
    if (shards != null) {
      configMaps.addAll(shards.configMaps());
    }
    List<Job> jobs = new ArrayList<>();
    WorkspaceFiles.Contents contents = new WorkspaceFiles.Contents(workspace);
    for (WorkerSlice slice : plan.workers()) {
      Map<String, String> labels = runLabels(settings.runId(), "worker");
      labels.put(WORKER_INDEX, String.valueOf(slice.index()));
      labels.put(WORKER_NAME, slice.name());
      List<String> files = slice.tasks().stream().flatMap(id -> byId.get(id).files().stream()).toList();
      Map<String, String> fileLabels = new LinkedHashMap<>(labels);
      fileLabels.put(COMPONENT, "task-files");
      WorkspaceFiles workspaceFiles;
      try {
        workspaceFiles = WorkspaceFiles.pack(settings.namespace(), slice.job(), fileLabels, contents, files);
      } catch (RenderException e) {
        if (e.file() == null) {
          throw e;
        }
        // The task file is what the user edits: name the tasks that name the file.
        throw new RenderException(e.getMessage() + "; named by task " + String.join(", ", tasks.stream()
            .filter(t -> t.files().contains(e.file())).map(TaskSpec::id).toList()), e.file(), e);
      }
      configMaps.addAll(workspaceFiles.configMaps());
      jobs.add(WorkerJobs.job(settings, slice, labels, workspaceFiles,
          shards == null ? List.of() : shards.sources().get(slice.index())));
    }

    List<NetworkPolicy> policies = Manifests.networkPolicies();
    policies.forEach(p -> p.getMetadata().setNamespace(settings.namespace()));
    List<HasMetadata> workerAccess = workerAccess(settings.namespace());

    return new RenderedRun(namespace, OllamaManifests.deployment(settings, plan.workers().size(), taskModels(settings, tasks)),
        OllamaManifests.service(settings), OllamaManifests.podsService(settings), configMaps, jobs, policies,
        workerAccess, plan, config);
  }

  /**
   * The models tasks name ({@code model} in the task file) other than the run's code and general
   * models, in name order: Ollama must have them too, or every worker that may run such a task waits
   * for them in vain. The init container gets them as one space-separated list.
   */
  static List<String> taskModels(RunSettings s, List<TaskSpec> tasks) {
    TreeSet<String> models = new TreeSet<>();
    for (TaskSpec t : tasks) {
      String model = t.model();
      if (model == null || model.equals(s.codeModel()) || model.equals(s.generalModel())) {
        continue;
      }
      models.add(model);
    }
    return List.copyOf(models);
  }

  /** The worker configuration of the run, pointing at the headless Service, to be resolved to every pod. */
  static WorkerConfig workerConfig(RunSettings s) {
    GenerationOptions o = s.options();
    GenerationOptions options =
        new GenerationOptions(o.temperature(), o.seed(), o.numCtx(), o.numPredict(), s.ollamaThreads());
    WorkerConfig defaults = WorkerConfig.defaults(s.runId(), List.of(OllamaManifests.url(s.namespace())));
    return new WorkerConfig(s.runId(), defaults.llmUrls(), true, s.codeModel(), s.generalModel(), options,
        KEEP_ALIVE, s.requestTimeoutSeconds(), defaults.maxAttempts(), defaults.readyTimeoutSeconds(), true);
  }

  /** The workers' ServiceAccount, Role and RoleBinding, in the run namespace (the binding's subject too). */
  private static List<HasMetadata> workerAccess(String namespace) {
    List<HasMetadata> objects = Manifests.workerAccess();
    for (HasMetadata o : objects) {
      o.getMetadata().setNamespace(namespace);
      if (o instanceof RoleBinding binding) {
        binding.getSubjects().forEach(subject -> subject.setNamespace(namespace));
      }
    }
    return objects;
  }

  /**
   * {@code config.json}, {@code plan.json} and, when the three fit one ConfigMap, {@code
   * tasks.json}, exactly as {@link ConfigLayout#toJson} writes them. The tasks' compact JSON lines
   * take less than {@code tasks.json}: a run far too large for one ConfigMap never builds it.
   */
  private static Map<String, String> configData(WorkerConfig config, List<TaskSpec> tasks, Plan plan,
      Map<String, String> taskLines) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(ConfigLayout.CONFIG_FILE, ConfigLayout.toJson(config));
    if (taskLines.values().stream().mapToLong(String::length).sum() <= ConfigMapSize.DATA_BUDGET) {
      data.put(ConfigLayout.TASKS_FILE, ConfigLayout.toJson(tasks));
    }
    data.put(ConfigLayout.PLAN_FILE, ConfigLayout.toJson(plan));
    if (ConfigMapSize.textEntries(data) > ConfigMapSize.DATA_BUDGET) {
      data.remove(ConfigLayout.TASKS_FILE);
    }
    return data;
  }

  private static ConfigMap orchestratorConfig(RunSettings s, Map<String, String> data) throws RenderException {
    long size = ConfigMapSize.textEntries(data);
    if (size > ConfigMapSize.DATA_BUDGET) {
      // Only config.json and plan.json are left: the plan names every task id, so it is the limit.
      throw new RenderException("ConfigMap " + CONFIG_MAP + " would hold " + size + " bytes even without the tasks ("
          + ConfigLayout.PLAN_FILE + " " + data.get(ConfigLayout.PLAN_FILE).length()
          + " characters: it lists every task id): over the 1 MiB ConfigMap limit (" + ConfigMapSize.DATA_BUDGET
          + " bytes of data); split the task file into smaller runs");
    }
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(CONFIG_MAP)
        .withNamespace(s.namespace())
        .withLabels(runLabels(s.runId(), "config"))
        .endMetadata()
        .withData(data)
        .build();
  }

  private static Map<String, String> runLabels(String runId, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(INSTANCE, runId);
    labels.put(COMPONENT, component);
    labels.put(PART_OF, PRODUCT);
    return labels;
  }
}
