package dev.honest.launcher.cluster;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.Finding;
import dev.honest.common.result.InputFile;
import dev.honest.common.result.TaskError;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.launcher.SignedLogs;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** A small run as the render step would produce it, and worker output as the worker prints it. */
final class TestRuns {
  static final String NS = "honest-run";
  static final String RUN = "run-20260101-0001";
  static final String MODEL = "qwen2.5-coder:7b";
  static final String OLLAMA_URL = "http://ollama." + NS + ".svc:11434";

  private TestRuns() {}

  /** A run of {@code workers} workers; worker {@code i} has the tasks {@code T-i-1 .. T-i-tasksEach}. */
  static RunResources resources(String runId, int workers, int tasksEach) {
    List<Job> jobs = IntStream.rangeClosed(1, workers).mapToObj(i -> job(runId, i)).collect(Collectors.toList());
    return new RunResources(
        namespace(),
        ollama(runId),
        new ServiceBuilder()
            .withNewMetadata().withName("ollama").withLabels(labels(runId, "ollama")).endMetadata()
            .withNewSpec().addToSelector("app.kubernetes.io/name", "ollama")
            .addNewPort().withPort(11434).endPort().endSpec()
            .build(),
        new ServiceBuilder()
            .withNewMetadata().withName("ollama-pods").withLabels(labels(runId, "ollama")).endMetadata()
            .withNewSpec().withClusterIP("None").addToSelector("app.kubernetes.io/name", "ollama")
            .addNewPort().withPort(11434).endPort().endSpec()
            .build(),
        List.of(
            new NetworkPolicyBuilder()
                .withNewMetadata().withName("default-deny").withLabels(labels(runId, "policy")).endMetadata()
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress", "Egress").endSpec()
                .build(),
            new NetworkPolicyBuilder()
                .withNewMetadata().withName("workers-to-ollama").withLabels(labels(runId, "policy")).endMetadata()
                .withNewSpec().withNewPodSelector().addToMatchLabels("app.kubernetes.io/name", "worker").endPodSelector()
                .withPolicyTypes("Egress").endSpec()
                .build()),
        List.of(
            new ServiceAccountBuilder()
                .withNewMetadata().withName("honest-worker").withLabels(labels(runId, "worker")).endMetadata()
                .build(),
            new RoleBuilder()
                .withNewMetadata().withName("honest-worker-claims").withLabels(labels(runId, "worker")).endMetadata()
                .addNewRule().withApiGroups("coordination.k8s.io").withResources("leases").withVerbs("create", "get")
                .endRule()
                .build()),
        List.of(planConfigMap(plan(runId, workers, tasksEach))),
        SigningKeySecret.of(NS, runId, SignedLogs.KEY),
        jobs);
  }

  static Namespace namespace() {
    return new NamespaceBuilder().withNewMetadata().withName(NS)
        .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
        .addToLabels(RunLabels.PART_OF, RunLabels.PART_OF_VALUE)
        .endMetadata().build();
  }

  static Deployment ollama(String runId) {
    return new DeploymentBuilder()
        .withNewMetadata().withName("ollama").withLabels(labels(runId, "ollama")).endMetadata()
        .withNewSpec().withReplicas(1)
        .withNewSelector().addToMatchLabels("app.kubernetes.io/name", "ollama").endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels(runId, "ollama")).endMetadata()
        .withNewSpec()
        .addNewInitContainer().withName("pull-models").withImage("ollama/ollama:0.6.5").endInitContainer()
        .addNewContainer().withName("ollama").withImage("ollama/ollama:0.6.5").endContainer()
        .endSpec().endTemplate().endSpec()
        .build();
  }

  static Job job(String runId, int index) {
    Map<String, String> labels = labels(runId, "worker");
    return new JobBuilder()
        .withNewMetadata().withName("k8s-worker-" + index).withLabels(labels).endMetadata()
        .withNewSpec().withBackoffLimit(1).withActiveDeadlineSeconds(3600L)
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("worker").withImage("honest-worker:0.1.0")
        .addNewEnv().withName("WORKER_INDEX").withValue(String.valueOf(index)).endEnv()
        .endContainer()
        .endSpec().endTemplate().endSpec()
        .build();
  }

  static Map<String, String> labels(String runId, String name) {
    return Map.of(
        "app.kubernetes.io/name", name,
        RunLabels.PART_OF, RunLabels.PART_OF_VALUE,
        RunLabels.INSTANCE, runId);
  }

  static Plan plan(String runId, int workers, int tasksEach) {
    return new Plan(runId, IntStream.rangeClosed(1, workers)
        .mapToObj(i -> new WorkerSlice(i, "critical security (api)", "k8s-worker-" + i, taskIds(i, tasksEach), 12_000))
        .collect(Collectors.toList()));
  }

  static List<String> taskIds(int worker, int count) {
    return IntStream.rangeClosed(1, count).mapToObj(t -> "T-" + worker + "-" + t).collect(Collectors.toList());
  }

  static ConfigMap planConfigMap(Plan plan) {
    return new ConfigMapBuilder()
        .withNewMetadata().withName(RunLabels.CONFIG_MAP).withLabels(labels(plan.runId(), "config")).endMetadata()
        .addToData(ConfigLayout.PLAN_FILE, ConfigLayout.toJson(plan))
        .build();
  }

  /** A completed task with a real-looking proof: digests of an input file and of the model's answer. */
  static TaskRecord completed(String id, int worker) {
    String source = "const q = 'SELECT * FROM users WHERE id = ' + req.params.id;\n";
    String answer = "{\"findings\":[{\"file\":\"src/db.js\",\"line\":1,\"severity\":\"high\"}]}";
    String body = "{\"model\":\"" + MODEL + "\",\"message\":{\"role\":\"assistant\",\"content\":"
        + "\"" + answer.replace("\"", "\\\"") + "\"},\"done\":true,\"done_reason\":\"stop\","
        + "\"total_duration\":5843000000,\"prompt_eval_count\":412,\"eval_count\":96}\n";
    Instant start = Instant.parse("2026-01-01T10:00:00Z");
    return new TaskRecord(id, "Review " + id, Priority.HIGH, "security", "api", Action.ANALYZE, worker,
        null, null, TaskStatus.COMPLETED, null, MODEL, sha256("model-" + MODEL), 1,
        start, start.plusSeconds(6),
        List.of(new InputFile("src/db.js", source.length(), md5(source), sha256(source), false)),
        List.of(new CallRecord(MODEL, OLLAMA_URL, "task", 200, 412, 96, 5_843_000_000L, 5_901, "stop",
            sha256(body), md5(body), sha256(answer), null)),
        List.of(new Finding("src/db.js", 1, "high", "SQL injection", "The id is concatenated into SQL.",
            "Use a parameterised query.")),
        List.of());
  }

  /** A failed task: the model's answer was not the JSON asked for. */
  static TaskRecord failed(String id, int worker) {
    String body = "{\"model\":\"" + MODEL + "\",\"message\":{\"role\":\"assistant\",\"content\":\"Sure! Here\"},"
        + "\"done\":true,\"done_reason\":\"length\",\"total_duration\":2100000000,\"prompt_eval_count\":380,\"eval_count\":4}\n";
    Instant start = Instant.parse("2026-01-01T10:01:00Z");
    return new TaskRecord(id, "Review " + id, Priority.MEDIUM, "quality", "web", Action.ANALYZE, worker,
        null, null, TaskStatus.FAILED, new TaskError("invalid_model_output", "answer is not a JSON object"),
        MODEL, null, 2, start, start.plusSeconds(3), List.of(),
        List.of(new CallRecord(MODEL, OLLAMA_URL, "task", 200, 380, 4, 2_100_000_000L, 2_150, "length",
            sha256(body), md5(body), sha256("Sure! Here"), null)),
        List.of(), List.of());
  }

  /**
   * A worker's stdout: a start line, one result line per record, each followed by its signed
   * statement, then (if it got there) its summary and the statement that ends its chain.
   */
  static String workerLog(int worker, List<TaskRecord> records, boolean finished) {
    return "2026-01-01T10:00:00Z INFO worker " + worker + " starting: model " + MODEL + " at " + OLLAMA_URL + "\n"
        + SignedLogs.attempt(RUN, worker, null, records, finished);
  }

  /** Worker {@code worker}'s log with every task of {@link #plan} completed. */
  static String completedLog(int worker, int tasksEach) {
    return workerLog(worker, taskIds(worker, tasksEach).stream().map(id -> completed(id, worker))
        .collect(Collectors.toList()), true);
  }

  static String sha256(String s) {
    return digest("SHA-256", s);
  }

  static String md5(String s) {
    return digest("MD5", s);
  }

  private static String digest(String algorithm, String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
