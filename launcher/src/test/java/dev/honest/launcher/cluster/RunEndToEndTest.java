package dev.honest.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.exit.ExitCode;
import dev.honest.common.hash.Hashes;
import dev.honest.common.json.Json;
import dev.honest.common.result.Change;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.task.Action;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.PodVolumes;
import dev.honest.launcher.SmallProject;
import dev.honest.launcher.cli.LauncherCommand;
import dev.honest.launcher.render.Renderer;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.worker.WorkerMain;
import dev.honest.worker.claim.LeaseClaims;
import dev.honest.worker.claim.TaskSource;
import dev.honest.worker.ollama.OllamaClient;
import dev.honest.worker.run.SliceRunner;
import dev.honest.worker.run.WorkerIdentity;
import dev.honest.worker.run.WorkerOutput;
import dev.honest.worker.testing.OllamaStandIn;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole {@code run} path on a mock cluster: the CLI applies everything, a fake Deployment
 * controller makes Ollama ready, and a fake Job controller runs the REAL worker on what the pod would
 * mount (the ConfigMaps, rebuilt into a config directory and a workspace tree) against an Ollama
 * stand-in, serving its output as the pod log; the CLI watches, collects and aggregates.
 */
class RunEndToEndTest {
  static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  static final String NS = "honest-orchestration";

  private final SsaMockServer mock = new SsaMockServer();
  private final OllamaStandIn ollama = new OllamaStandIn();
  @TempDir Path out;
  @TempDir Path pods;
  /** The task ids each worker found in its config directory, by worker index. */
  private final Map<Integer, List<String>> tasksMounted = new ConcurrentHashMap<>();
  /** Whether the fake pods reach the API server to claim tasks; else each runs its slice, as on refusal. */
  private boolean workersReachTheApiServer;

  @AfterEach
  void stop() {
    ollama.close();
    mock.close();
  }

  private Path kubeconfig() throws IOException {
    Path file = out.resolve("kubeconfig");
    Files.writeString(file, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: "
        + mock.client().getMasterUrl() + "\ncontexts:\n- name: mock\n  context:\n    cluster: mock\n    user: u\n"
        + "current-context: mock\nusers:\n- name: u\n  user:\n    token: test\n");
    return file;
  }

  private record Result(int exitCode, String out, String err) {}

  private Result launch(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cli = LauncherCommand.commandLine();
    cli.setOut(new PrintWriter(o, true));
    cli.setErr(new PrintWriter(e, true));
    int code = cli.execute(args);
    return new Result(code, o.toString(), e.toString());
  }

  /** What the kubelet would mount for this Job, rebuilt on disk, then the real worker run on it. */
  private FakeJobController.Script runWorker(Job job) {
    try {
      int index = Integer.parseInt(env(job, "HONEST_WORKER_INDEX"));
      Path pod = Files.createTempDirectory(pods, job.getMetadata().getName());
      PodVolumes.mount(job, this::configMap,
          name -> mock.client().secrets().inNamespace(NS).withName(name).get(), pod);
      Path config = pod.resolve(env(job, "HONEST_CONFIG_DIR").substring(1));
      Path workspace = pod.resolve(env(job, "HONEST_WORKSPACE").substring(1));
      Path keyFile = pod.resolve(env(job, "HONEST_SIGNING_KEY").substring(1));
      // In the pod the Service name resolves to Ollama; here the stand-in plays the Service.
      WorkerConfig c = ConfigLayout.readConfig(config);
      WorkerConfig local = new WorkerConfig(c.runId(), List.of(ollama.url()), c.codeModel(), c.generalModel(),
          c.options(), c.keepAlive(), c.requestTimeoutSeconds(), c.maxAttempts(), c.readyTimeoutSeconds(), true);
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      PrintStream printed = new PrintStream(log, true, StandardCharsets.UTF_8);
      WorkerOutput output = new WorkerOutput(printed, index);
      String podName = FakeJobController.podName(job.getMetadata().getName(), 1);
      List<TaskSpec> mounted = ConfigLayout.readTasks(config);
      tasksMounted.put(index, mounted.stream().map(TaskSpec::id).toList());
      // With its service-account token the pod claims through the (mock) API server, as WorkerMain does.
      Path token = Files.writeString(pod.resolve("token"), "service-account-token");
      TaskSource tasks = workersReachTheApiServer && Boolean.parseBoolean(env(job, "HONEST_LEASE_CLAIMS"))
          ? WorkerMain.leaseSource(ConfigLayout.readPlan(config), mounted, index, workspace,
              () -> new LeaseClaims(URI.create(mock.client().getMasterUrl().toString()), token,
                  HttpClient.newHttpClient(), NS, c.runId(), index, podName), output)
          : TaskSource.fixed(WorkerMain.sliceTasks(ConfigLayout.readPlan(config), mounted, index));
      ExitCode code = new SliceRunner(local, workspace, OllamaClient.create(local),
          new WorkerIdentity(index, podName, "node-1"), SigningKey.read(keyFile), output, Clock.systemUTC(), null)
          .run(tasks);
      String text = log.toString(StandardCharsets.UTF_8);
      return code == ExitCode.OK
          ? FakeJobController.Script.succeeds(FakeJobController.Attempt.completed(text))
          : FakeJobController.Script.fails("PodFailurePolicy", "exit " + code.code(),
              FakeJobController.Attempt.failed(text, code.code(), "Error"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private ConfigMap configMap(String name) {
    return mock.client().configMaps().inNamespace(NS).withName(name).get();
  }

  private static String env(Job job, String name) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElseThrow();
  }

  /**
   * Ctrl-C is a real signal to a real launcher JVM (SIGTERM, which runs the same shutdown hooks: a
   * JVM started by a shell in the background inherits SIGINT ignored): the shutdown hook stops the
   * watch, and the launcher says how to collect later and exits 1 (README: "the run was stopped
   * before it ended").
   */
  @Test
  void ctrlCWhileWatchingSaysHowToCollectLaterAndExits1() throws Exception {
    Interrupted run;
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).start()) {
      run = interruptedAt("Active: 1");
    }

    assertThat(run.output()).contains("Stopped watching", "Collect it later with");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
  }

  /**
   * The results of an earlier run in --output, which `collect` does not replace: `run` stopped while
   * watching names another directory to collect into, so that the command it shows works.
   */
  @Test
  void ctrlCWhileWatchingWithAnEarlierRunsResultsInOutputSaysACollectThatWorks() throws Exception {
    Path results = out.resolve("results");
    Files.createDirectories(results);
    Files.writeString(results.resolve(ResultsFiles.RESULTS_FILE), "{\"run_id\": \"run-20250101-0001\", \"completed_tasks\": 3}");
    Interrupted run;
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).start()) {
      run = interruptedAt("Active: 1");
    }
    String hint = run.output().lines().filter(l -> l.startsWith("Collect it later with: ")).findFirst().orElseThrow();
    List<String> args = new ArrayList<>(List.of(hint.substring(hint.indexOf(" collect ") + 1).split(" ")));
    args.addAll(List.of("--kubeconfig", kubeconfig().toString()));

    Result collect = launch(args.toArray(String[]::new));

    assertThat(collect.err()).as(hint).doesNotContain("holds the results of run");
    assertThat(collect.exitCode()).as(collect.out() + collect.err()).isNotEqualTo(2);
    assertThat(results.resolve(ResultsFiles.RESULTS_FILE)).content().contains("run-20250101-0001");
  }

  /** Ctrl-C while Ollama pulls its models (up to --ollama-timeout, 30 minutes): stopped too, exit 1, said so. */
  @Test
  void ctrlCWhileWaitingForOllamaSaysWhatIsLeftAndExits1() throws Exception {
    Interrupted run = interruptedAt("Ollama (deployment ");

    assertThat(run.output()).contains("Stopped waiting for Ollama", "cleanup");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
  }

  /**
   * Ctrl-C while the workers' objects are applied (the ConfigMaps, the signing key Secret, the Jobs;
   * hundreds of objects in a large run): the launcher says what it left, which Jobs run on, and exits 1.
   */
  @Test
  void ctrlCWhileTheWorkersAreStartedSaysWhatIsLeftAndExits1() throws Exception {
    mock.slowApplies("jobs", Duration.ofSeconds(30));
    Interrupted run;
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).start()) {
      run = interruptedAt("Signing key applied");
    }

    assertThat(run.output()).contains("Stopped starting the workers; what was applied stays in namespace " + NS
        + ", and the worker Jobs among it run on (`status --namespace " + NS + "` lists them).",
        "collect --namespace " + NS, "`cleanup` to delete it all");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
  }

  /**
   * Ctrl-C while a resumed run asks each Ollama replica for its models through a port-forward (up to
   * a minute each): stopped, said so, exit 1.
   */
  @Test
  void ctrlCWhileAResumedRunAsksOllamaForTheModelsDigestsSaysWhatIsLeftAndExits1() throws Exception {
    Path workspace = pods.resolve("project");
    Path tasks = SmallProject.write(workspace);
    Path firstResults = out.resolve("first").resolve("k8s-cluster-results.json");
    Interrupted second;
    // An Ollama that takes the connection and never answers: the run waits for its list of models.
    try (ServerSocket silent = new ServerSocket(0);
        FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).withReadyPods().start();
        FakeJobController jobs = new FakeJobController(mock, NS, this::runWorker).start()) {
      Result first = launch("run", "--tasks", tasks.toString(), "--workspace", workspace.toString(),
          "--output", out.resolve("first").toString(), "--kubeconfig", kubeconfig().toString(), "--workers", "2",
          "--image", "example.io/worker:1.0");
      assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
      mock.forwardPortsTo(silent.getLocalPort());

      second = launcherInterruptedAt("Ollama ready", "run", List.of("--tasks", tasks.toString(), "--workspace",
          workspace.toString(), "--output", out.resolve("second").toString(), "--workers", "2",
          "--image", "example.io/worker:1.0", "--replace", "--resume", firstResults.toString()));
    }

    assertThat(second.output()).contains("Stopped asking Ollama for the models' digests; no worker was started."
        + " What was applied stays in namespace " + NS + ": `run` again, or `cleanup` to delete it.");
    assertThat(second.exitCode()).as(second.output()).isEqualTo(1);
    // It started no worker, so the next run needs no --replace for it: it gave up its claim on the namespace.
    assertThat(mock.client().resources(Lease.class).inNamespace(NS).withName(RunClaim.NAME).get()).isNull();
  }

  /** Ctrl-C while {@code collect} fetches the logs (a slow API server): nothing was changed, said so, exit 1. */
  @Test
  void ctrlCWhileCollectingSaysWhatWasWrittenMayBeIncompleteAndExits1() throws Exception {
    Path workspace = pods.resolve("project");
    Path tasks = SmallProject.write(workspace);
    Path collected = out.resolve("collected");
    Interrupted collect;
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).start();
        FakeJobController jobs = new FakeJobController(mock, NS, this::runWorker).start()) {
      Result run = launch("run", "--tasks", tasks.toString(), "--workspace", workspace.toString(),
          "--output", out.resolve("run").toString(), "--kubeconfig", kubeconfig().toString(), "--workers", "2",
          "--image", "example.io/worker:1.0");
      assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
      mock.slowLogs(Duration.ofSeconds(30));

      collect = launcherInterruptedAt("Collecting run", "collect", List.of("--namespace", NS, "--output",
          collected.toString()));
    }

    assertThat(collect.output()).contains("Stopped collecting: nothing in namespace " + NS + " was changed, and what"
        + " was written to " + collected + " may be incomplete; `collect` again.");
    assertThat(collect.exitCode()).as(collect.output()).isEqualTo(1);
  }

  /** {@code run} in a JVM of its own, stopped as Ctrl-C does once it printed a line containing {@code cue}. */
  private Interrupted interruptedAt(String cue, String... more) throws Exception {
    Path tasks = out.resolve("tasks.json");
    Files.writeString(tasks, "[{\"id\": \"T-1\", \"title\": \"t\", \"description\": \"d\"}]");
    List<String> args = new ArrayList<>(List.of("--tasks", tasks.toString(), "--workspace", out.toString(),
        "--output", out.resolve("results").toString(), "--image", "example.io/worker:1.0"));
    args.addAll(List.of(more));
    return launcherInterruptedAt(cue, "run", args);
  }

  /** {@code command} with these options (and --kubeconfig), stopped as Ctrl-C does at {@code cue}. */
  private Interrupted launcherInterruptedAt(String cue, String command, List<String> options) throws Exception {
    List<String> args = new ArrayList<>(List.of(command, "--kubeconfig", kubeconfig().toString()));
    args.addAll(options);
    return Interrupted.at(cue, args);
  }

  @Test
  void runDeploysWatchesCollectsAndAggregatesEveryTaskOfTheExample() throws Exception {
    Function<Job, FakeJobController.Script> worker = this::runWorker;
    Result r;
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).start();
        FakeJobController jobs = new FakeJobController(mock, NS, worker).start()) {
      r = launch("run", "--tasks", EXAMPLES.resolve("excel-tasks-extracted.json").toString(),
          "--workspace", EXAMPLES.resolve("shop-app").toString(), "--output", out.toString(),
          "--kubeconfig", kubeconfig().toString(), "--workers", "6", "--image", "example.io/worker:1.0");
    }

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("📊 Active:", "Tasks: 71/71");
    ClusterResults results = ResultsFiles.readResults(out.resolve("k8s-cluster-results.json"));
    assertThat(results.totalTasks()).isEqualTo(71);
    assertThat(results.completedTasks()).isEqualTo(71);
    assertThat(results.workers()).hasSize(6).allSatisfy(w -> assertThat(w.status()).isEqualTo("succeeded"));
    for (int i = 1; i <= 6; i++) {
      assertThat(Files.readString(out.resolve("k8s-worker-" + i + "-log.txt"))).contains("HONEST-SUMMARY");
    }
    for (TaskRecord t : results.tasks()) {
      t.inputs().forEach(in -> assertThat(in.sha256()).isEqualTo(sha256(EXAMPLES.resolve("shop-app").resolve(in.path()))));
    }
    assertThat(results.costSavings().apiCallsAvoided()).isEqualTo(ollama.chatRequests().size());
    assertThat(Json.mapper().readTree(Files.readString(out.resolve("plan.json"))).path("workers").size()).isEqualTo(6);
    assertThat(Json.mapper().readTree(out.resolve("k8s-cluster-results.sarif").toFile()).path("runs").get(0)
        .path("results")).hasSize(results.tasks().stream().mapToInt(t -> t.findings().size()).sum());
    List<TaskRecord> fixes = results.tasks().stream().filter(t -> !t.changes().isEmpty()).toList();
    assertThat(fixes).isNotEmpty().allSatisfy(t -> assertThat(t.action()).isEqualTo(Action.FIX));
    try (Stream<Path> patches = Files.list(out.resolve("patches"))) {
      assertThat(patches).hasSize(fixes.size());
    }
    for (TaskRecord t : fixes) {
      assertThat(out.resolve("patches").resolve(t.id() + ".patch"))
          .hasContent(String.join("", t.changes().stream().map(Change::diff).toList()));
    }

    // The proof: signed with the run's key, whose fingerprint is printed, and the key itself never on disk.
    assertThat(results.attestation().chains()).hasSize(6);
    assertThat(results.problems()).isEmpty();
    assertThat(r.out()).contains("🔏 Signed with the run's Ed25519 key " + results.attestation().keyId());
    Result verify = launch("verify", "--results", out.resolve("k8s-cluster-results.json").toString(),
        "--workspace", EXAMPLES.resolve("shop-app").toString(),
        "--public-key", out.resolve("run-signing-key.pub").toString());
    assertThat(verify.exitCode()).as(verify.out()).isZero();
    try (var files = Files.list(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain("PRIVATE KEY", "kind: Secret");
      }
    }
  }

  @Test
  void aRunTooLargeForOneConfigMapGivesEachWorkerItsOwnTaskShardsAndCollectReadsThemBack() throws Exception {
    Path workspace = pods.resolve("project");
    SmallProject.write(workspace);
    // 120 tasks with 10,000-character descriptions: 1.2 MB of tasks, more than one ConfigMap holds.
    List<Map<String, String>> rows = new ArrayList<>();
    for (int i = 1; i <= 120; i++) {
      Map<String, String> row = new LinkedHashMap<>();
      row.put("Task ID", String.format("L-%03d", i));
      row.put("Title", "Review part " + i);
      row.put("Description", ("Look at part " + i + " closely. ").repeat(400));
      row.put("Priority", i % 3 == 0 ? "high" : "medium");
      if (i % 2 == 0) {
        row.put("Files", SmallProject.APP);
      }
      rows.add(row);
    }
    Path tasks = pods.resolve("large-tasks.json");
    Files.writeString(tasks, Json.mapper().writeValueAsString(rows));

    Result r;
    Result collected;
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).start();
        FakeJobController jobs = new FakeJobController(mock, NS, this::runWorker).start()) {
      r = launch("run", "--tasks", tasks.toString(), "--workspace", workspace.toString(), "--output", out.toString(),
          "--kubeconfig", kubeconfig().toString(), "--workers", "4", "--image", "example.io/worker:1.0");
      collected = launch("collect", "--output", out.resolve("collected").toString(),
          "--kubeconfig", kubeconfig().toString());
    }

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(configMap(Renderer.CONFIG_MAP).getData()).containsOnlyKeys("config.json", "plan.json");
    assertThat(mock.client().configMaps().inNamespace(NS).list().getItems())
        .extracting(c -> c.getMetadata().getName()).contains(Renderer.TASK_SHARDS + "1", Renderer.TASK_SHARDS + "2");
    Plan plan = Json.mapper().readValue(Files.readString(out.resolve("plan.json")), Plan.class);
    assertThat(tasksMounted).hasSize(4);
    plan.workers().forEach(w -> assertThat(tasksMounted.get(w.index())).as("worker " + w.index())
        .containsExactlyElementsOf(w.tasks()));
    for (Result run : List.of(r, collected)) {
      assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    }
    for (Path dir : List.of(out, out.resolve("collected"))) {
      ClusterResults results = ResultsFiles.readResults(dir.resolve("k8s-cluster-results.json"));
      assertThat(results.totalTasks()).isEqualTo(120);
      assertThat(results.completedTasks()).isEqualTo(120);
      assertThat(results.problems()).isEmpty();
    }
  }

  /** {@code collect} a day later: the run ended with its last Job, and the cost per hour is of its hours only. */
  @Test
  void collectLaterEndsTheRunWhenItsLastJobEndedNotWhenItIsCalled() throws Exception {
    Path workspace = pods.resolve("project");
    Path tasks = SmallProject.write(workspace);
    Result collected;
    Instant lastEnd;
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).start();
        FakeJobController jobs = new FakeJobController(mock, NS, this::runWorker).start()) {
      Result r = launch("run", "--tasks", tasks.toString(), "--workspace", workspace.toString(), "--output",
          out.toString(), "--kubeconfig", kubeconfig().toString(), "--workers", "2", "--image", "example.io/worker:1.0");
      assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      // The clock cannot be moved on a day: the Jobs ended in 30 and 45 minutes instead.
      Instant start = Instant.parse(configMap(Renderer.CONFIG_MAP).getMetadata().getCreationTimestamp());
      lastEnd = start.plus(Duration.ofMinutes(45));
      for (int i = 1; i <= 2; i++) {
        Instant end = start.plus(Duration.ofMinutes(i == 1 ? 30 : 45));
        FakeController.editStatus(mock.client().batch().v1().jobs().inNamespace(NS).withName("k8s-worker-" + i),
            job -> {
              job.getStatus().setCompletionTime(end.toString());
              job.getStatus().getConditions().forEach(c -> c.setLastTransitionTime(end.toString()));
              return job;
            });
      }
      collected = launch("collect", "--output", out.resolve("collected").toString(), "--kubeconfig",
          kubeconfig().toString(), "--cluster-cost-per-hour", "4");
    }

    assertThat(collected.exitCode()).as(collected.out() + collected.err()).isZero();
    ClusterResults results = ResultsFiles.readResults(out.resolve("collected/k8s-cluster-results.json"));
    assertThat(results.endTime()).isEqualTo(lastEnd.getEpochSecond());
    assertThat(results.totalDuration()).isEqualTo(45 * 60.0);
    assertThat(results.costSavings().local().hours()).isEqualTo(0.75);
    assertThat(results.costSavings().localCostUsd()).isEqualTo(3.0);
  }

  /**
   * {@code collect} again for the same run after a worker's pods are gone (deleted by a user or the
   * pod garbage collector): what the earlier collect wrote of them counts, so each task it had
   * completed stays completed with its proof, no worker log loses a record, and the results verify.
   */
  @Test
  void collectAgainAfterAWorkersPodsAreGoneKeepsItsCompletedTasksWithTheirProofAndItsLog() throws Exception {
    Path workspace = pods.resolve("project");
    Path tasks = SmallProject.write(workspace);
    Path results = out.resolve("results");
    Result first;
    Result again;
    byte[] log1;
    byte[] log2;
    ClusterResults before;
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).start();
        FakeJobController jobs = new FakeJobController(mock, NS, this::runWorker).start()) {
      Result r = launch("run", "--tasks", tasks.toString(), "--workspace", workspace.toString(), "--output",
          results.toString(), "--kubeconfig", kubeconfig().toString(), "--workers", "2", "--image",
          "example.io/worker:1.0");
      assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      first = launch("collect", "--output", results.toString(), "--kubeconfig", kubeconfig().toString());
      log1 = Files.readAllBytes(results.resolve("k8s-worker-1-log.txt"));
      log2 = Files.readAllBytes(results.resolve("k8s-worker-2-log.txt"));
      before = ResultsFiles.readResults(results.resolve(ResultsFiles.RESULTS_FILE));
      mock.client().pods().inNamespace(NS).withLabel(RunLabels.JOB_NAME, "k8s-worker-1").delete();
      again = launch("collect", "--output", results.toString(), "--kubeconfig", kubeconfig().toString());
    }
    assertThat(first.exitCode()).as(first.out() + first.err()).isZero();

    assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
    ClusterResults after = ResultsFiles.readResults(results.resolve(ResultsFiles.RESULTS_FILE));
    assertThat(after.completedTasks()).isEqualTo(before.completedTasks()).isEqualTo(after.totalTasks());
    assertThat(after.tasks()).isEqualTo(before.tasks());
    assertThat(after.attestation().tasks()).isEqualTo(before.attestation().tasks());
    assertThat(after.attestation().chains()).isEqualTo(before.attestation().chains());
    assertThat(after.problems()).isEmpty();
    assertThat(again.out()).contains("📥 k8s-worker-1: succeeded, 1 pod(s) (1 deleted since: its log as collected"
        + " earlier)");
    assertThat(results.resolve("k8s-worker-2-log.txt")).hasBinaryContent(log2);
    assertThat(Files.readString(results.resolve("k8s-worker-1-log.txt"))).isEqualTo(
        new String(log1, StandardCharsets.UTF_8).replaceFirst(" <==\n", ", deleted since (its log as collected"
            + " earlier) <==\n"));
    Result verify = launch("verify", "--results", results.resolve(ResultsFiles.RESULTS_FILE).toString(),
        "--workspace", workspace.toString(), "--public-key", results.resolve("run-signing-key.pub").toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
  }

  @Test
  void workersSharingLeasesRunEveryTaskExactlyOnceAndTheResultsSayWhoRanIt() throws Exception {
    Path workspace = pods.resolve("project");
    Path tasks = SmallProject.write(workspace);
    workersReachTheApiServer = true;
    Result r;
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).start();
        FakeJobController jobs = new FakeJobController(mock, NS, this::runWorker).start()) {
      r = launch("run", "--tasks", tasks.toString(), "--workspace", workspace.toString(), "--output", out.toString(),
          "--kubeconfig", kubeconfig().toString(), "--workers", "2", "--image", "example.io/worker:1.0");
    }

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    ClusterResults results = ResultsFiles.readResults(out.resolve("k8s-cluster-results.json"));
    assertThat(results.tasks()).extracting(TaskRecord::id).containsExactlyInAnyOrder("A-1", "A-2", "A-3", "A-4");
    assertThat(results.completedTasks()).isEqualTo(4);
    assertThat(results.problems()).isEmpty();
    assertThat(results.workers()).flatExtracting(w -> w.tasks())
        .containsExactlyInAnyOrder("A-1", "A-2", "A-3", "A-4");
    // Exactly once: Ollama saw the chats of one run of each task, no more.
    assertThat(ollama.chatRequests()).hasSize(results.tasks().stream().mapToInt(t -> t.calls().size()).sum());
    Map<String, String> claimant = mock.client().resources(Lease.class).inNamespace(NS).list().getItems().stream()
        .filter(l -> l.getMetadata().getAnnotations().containsKey(LeaseClaims.TASK_ANNOTATION))
        .collect(Collectors.toMap(l -> l.getMetadata().getAnnotations().get(LeaseClaims.TASK_ANNOTATION),
            l -> l.getMetadata().getAnnotations().get(LeaseClaims.WORKER_ANNOTATION)));
    assertThat(claimant).hasSize(4);
    assertThat(results.tasks()).allSatisfy(t -> assertThat(claimant).containsEntry(t.id(), String.valueOf(t.worker())));
    for (int i = 1; i <= 2; i++) {
      assertThat(Files.readString(out.resolve("k8s-worker-" + i + "-log.txt")))
          .contains("[worker-" + i + "] claiming tasks as Leases in namespace " + NS);
    }
    Result verify = launch("verify", "--results", out.resolve("k8s-cluster-results.json").toString(),
        "--workspace", workspace.toString(), "--public-key", out.resolve("run-signing-key.pub").toString());
    assertThat(verify.exitCode()).as(verify.out()).isZero();
  }

  /**
   * README, Deploying: the rights the launcher needs in the run namespace and on the namespace
   * itself, as (verb, resource); events are optional, pods/portforward is for --resume only.
   */
  static final Set<String> LAUNCHER_RIGHTS = Set.of(
      "create deployments", "patch deployments", "get deployments", "list deployments",
      "create services", "patch services",
      "create configmaps", "patch configmaps", "get configmaps", "list configmaps", "deletecollection configmaps",
      "create secrets", "patch secrets", "get secrets", "delete secrets",
      "create jobs", "patch jobs", "get jobs", "list jobs", "watch jobs", "deletecollection jobs",
      "create networkpolicies", "patch networkpolicies",
      "get pods", "list pods", "watch pods", "get pods/log", "get pods/portforward", "create pods/portforward",
      "create serviceaccounts", "patch serviceaccounts", "create roles", "patch roles",
      "create rolebindings", "patch rolebindings",
      "list leases", "deletecollection leases", "create leases", "get leases", "delete leases",
      "create namespaces", "get namespaces", "patch namespaces", "delete namespaces",
      "list events");

  /**
   * Every request of run, run --replace, status, collect and cleanup is one the README's list of
   * rights allows (a real API server would refuse any other with 403), and every request of the
   * workers is one their Role allows.
   */
  @Test
  void everyApiCallOfTheLauncherIsARightTheReadmeListsAndTheWorkersStayWithinTheirRole() throws Exception {
    Path workspace = pods.resolve("project");
    Path tasks = SmallProject.write(workspace);
    workersReachTheApiServer = true;
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).start();
        FakeJobController jobs = new FakeJobController(mock, NS, this::runWorker).start()) {
      for (String replace : List.of("--seed=42", "--replace")) {
        Result r = launch("run", "--tasks", tasks.toString(), "--workspace", workspace.toString(), "--output",
            out.toString(), "--kubeconfig", kubeconfig().toString(), "--workers", "2", "--image",
            "example.io/worker:1.0", replace);
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      }
      for (List<String> command : List.of(List.of("status"), List.of("collect", "--output",
          out.resolve("collected").toString()), List.of("cleanup"))) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--namespace", NS, "--kubeconfig", kubeconfig().toString()));
        Result r = launch(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      }
    }
    Map<String, Set<String>> rights = new LinkedHashMap<>();
    for (RecordedRequest r = mock.server().takeRequest(50, TimeUnit.MILLISECONDS); r != null;
        r = mock.server().takeRequest(50, TimeUnit.MILLISECONDS)) {
      rights.computeIfAbsent(String.valueOf(r.getHeader("Authorization")), a -> new TreeSet<>()).addAll(rights(r));
    }
    Set<String> workerRole = new TreeSet<>();
    List<HasMetadata> access;
    try (InputStream in = Files.newInputStream(out.resolve("k8s-rbac.yaml"))) {
      access = mock.client().load(in).items();
    }
    for (HasMetadata o : access) {
      if (o instanceof Role role) {
        role.getRules().forEach(rule -> rule.getVerbs().forEach(v -> rule.getResources().forEach(res -> workerRole.add(v + " " + res))));
      }
    }

    assertThat(rights.get("Bearer test")).as("the launcher's requests").isNotEmpty().isSubsetOf(LAUNCHER_RIGHTS);
    assertThat(rights.get("Bearer service-account-token")).as("the workers' requests").isNotEmpty()
        .isSubsetOf(workerRole);
  }

  /** The RBAC rights one request needs, as {@code verb resource[/subresource]}. */
  private static Set<String> rights(RecordedRequest r) {
    String path = r.getPath();
    String query = path.contains("?") ? path.substring(path.indexOf('?') + 1) : "";
    String[] parts = (path.contains("?") ? path.substring(0, path.indexOf('?')) : path).split("/");
    // /api/v1/... or /apis/GROUP/VERSION/...; then namespaces/NS/RESOURCE[/NAME[/SUB]] or namespaces[/NAME]
    List<String> rest = List.of(parts).subList(parts[1].equals("api") ? 3 : 4, parts.length);
    String resource;
    String name = null;
    if (rest.size() <= 2) {
      resource = rest.get(0);
      name = rest.size() == 2 ? rest.get(1) : null;
    } else {
      resource = rest.get(2) + (rest.size() > 4 ? "/" + rest.get(4) : "");
      name = rest.size() > 3 ? rest.get(3) : null;
    }
    String type = r.getHeader("Content-Type");
    return switch (r.getMethod()) {
      case "GET" -> Set.of((name != null ? "get" : query.contains("watch=true") ? "watch" : "list") + " " + resource);
      case "POST" -> Set.of("create " + resource);
      case "PUT" -> Set.of("update " + resource);
      // A server-side apply creates its object when it is absent, and is authorized as create then.
      case "PATCH" -> type != null && type.startsWith("application/apply-patch")
          ? Set.of("patch " + resource, "create " + resource) : Set.of("patch " + resource);
      case "DELETE" -> Set.of((name != null ? "delete " : "deletecollection ") + resource);
      default -> Set.of(r.getMethod() + " " + resource);
    };
  }

  @Test
  void aResumedRunAsksTheClustersOllamaForItsModelsAndRunsOnlyWhatChanged() throws Exception {
    Path workspace = pods.resolve("project");
    Path firstResults = out.resolve("first").resolve("k8s-cluster-results.json");

    Result second = resumedRun(workspace, () -> Files.writeString(workspace.resolve(SmallProject.DB),
        "function find(id) {\n  return db.query('SELECT 1');\n}\n"));

    assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
    assertThat(second.out()).contains("🔎 Model digests on 3 Ollama replica(s): {" + OllamaStandIn.CODE_MODEL + "=["
        + OllamaStandIn.CODE_DIGEST, "2 task(s) carried over, 2 to run", "A-2: input src/db.js changed");
    ClusterResults results = ResultsFiles.readResults(out.resolve("second").resolve("k8s-cluster-results.json"));
    ClusterResults before = ResultsFiles.readResults(firstResults);
    assertThat(results.tasks()).filteredOn(t -> t.carriedFrom() != null).extracting(TaskRecord::id)
        .containsExactlyInAnyOrder("A-1", "A-3");
    assertThat(results.tasks()).filteredOn(t -> t.carriedFrom() != null)
        .allSatisfy(t -> assertThat(t.carriedFrom()).isEqualTo(before.runId()));
    assertThat(ollama.chatRequests()).allSatisfy(body -> assertThat(body.toString())
        .doesNotContain("Check the page for XSS", "Write a release checklist"));
    Result verify = launch("verify", "--results", out.resolve("second").resolve("k8s-cluster-results.json").toString(),
        "--workspace", workspace.toString(), "--public-key", out.resolve("second").resolve("run-signing-key.pub").toString());
    assertThat(verify.exitCode()).as(verify.out()).isZero();
  }

  /** A resumed run that carries every task over into a new --output writes its results there like any run. */
  @Test
  void aResumedRunWithNothingLeftToRunIntoANewOutputDirectoryWritesItsResults() throws Exception {
    Path workspace = pods.resolve("project");

    Result second = resumedRun(workspace, () -> {});

    assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
    assertThat(second.out()).contains("4 task(s) carried over, 0 to run", "Nothing to run: every task is carried over.",
        "| Carried over: 4 |");
    assertThat(mock.client().resources(Lease.class).inNamespace(NS).withName(RunClaim.NAME).get())
        .as("the claim of a run that started no worker").isNull();
    assertThat(second.err()).doesNotContain("Exception", "\tat ");
    assertThat(ollama.chatRequests()).isEmpty();
    Path results = out.resolve("second").resolve("k8s-cluster-results.json");
    assertThat(ResultsFiles.readResults(results).carriedTasks()).isEqualTo(4);
    Result verify = launch("verify", "--results", results.toString(), "--workspace", workspace.toString(),
        "--public-key", out.resolve("second").resolve("run-signing-key.pub").toString());
    assertThat(verify.exitCode()).as(verify.out()).isZero();
  }

  /**
   * README, Permissions: a resumed run asks each Ollama replica for its models through a port-forward,
   * which a WebSocket client opens with a GET: an API server before Kubernetes 1.35 authorizes it as
   * {@code get} on {@code pods/portforward}, 1.35 and later as {@code create} as well.
   */
  @Test
  void aResumedRunRefusedAPortForwardSaysWhichPermissionItLacksAndRunsNothing() throws Exception {
    Result second = resumedRun(pods.resolve("project"), () -> mock.refusePortForwards("alice"));

    assertThat(second.exitCode()).as(second.out() + second.err()).isEqualTo(3);
    assertThat(second.err()).contains("User \"alice\" cannot get resource \"pods/portforward\"",
        "get and create on pods/portforward");
    assertThat(second.err()).doesNotContain("Exception", "\tat ");
    assertThat(ollama.chatRequests()).isEmpty();
  }

  /**
   * {@code collect} again into its own results reads of them only what decides whether it may replace
   * them (their run, their completed and carried tasks, said before the tasks), not the tasks, which
   * are over 100 MB in a run of 10,000: a file whose tasks it cannot read is replaced all the same.
   */
  @Test
  void collectAgainReadsItsOwnEarlierResultsOnlyUpToTheirTasks() throws Exception {
    Path workspace = pods.resolve("project");
    Path tasks = SmallProject.write(workspace);
    Path results = out.resolve("results");
    Result again;
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).start();
        FakeJobController jobs = new FakeJobController(mock, NS, this::runWorker).start()) {
      Result r = launch("run", "--tasks", tasks.toString(), "--workspace", workspace.toString(), "--output",
          results.toString(), "--kubeconfig", kubeconfig().toString(), "--workers", "2", "--image",
          "example.io/worker:1.0");
      assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      Path file = results.resolve(ResultsFiles.RESULTS_FILE);
      String text = Files.readString(file);
      // What follows "tasks" is never read: here it is not even JSON.
      Files.writeString(file, text.substring(0, text.indexOf("\"tasks\"")) + "\"tasks\" : [ {\"id\": not JSON");
      again = launch("collect", "--output", results.toString(), "--kubeconfig", kubeconfig().toString());
    }

    assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
    assertThat(ResultsFiles.readResults(results.resolve(ResultsFiles.RESULTS_FILE)).completedTasks()).isEqualTo(4);
  }

  /**
   * {@code collect} of a resumed run gathers only the tasks that ran: written over the results it
   * resumed from, or over its own results holding the tasks it carried over, it would lose completed
   * tasks and their proof. It refuses, before it writes anything, and says where to collect instead.
   */
  @Test
  void collectRefusesToReplaceResultsHoldingCompletedTasksItCannotCollectAgain() throws Exception {
    Path workspace = pods.resolve("project");
    Result second = resumedRun(workspace, () -> Files.writeString(workspace.resolve(SmallProject.DB),
        "function find(id) {\n  return db.query('SELECT 1');\n}\n"));
    assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
    Path first = out.resolve("first");
    Path resumed = out.resolve("second");
    byte[] firstResults = Files.readAllBytes(first.resolve(ResultsFiles.RESULTS_FILE));
    byte[] firstLog = Files.readAllBytes(first.resolve("k8s-worker-1-log.txt"));
    byte[] resumedResults = Files.readAllBytes(resumed.resolve(ResultsFiles.RESULTS_FILE));
    String firstRun = ResultsFiles.readResults(first.resolve(ResultsFiles.RESULTS_FILE)).runId();

    Result intoTheEarlierRun = launch("collect", "--output", first.toString(), "--kubeconfig", kubeconfig().toString());
    Result intoItsOwn = launch("collect", "--output", resumed.toString(), "--kubeconfig", kubeconfig().toString());
    Result elsewhere = launch("collect", "--output", out.resolve("third").toString(), "--kubeconfig",
        kubeconfig().toString());

    assertThat(intoTheEarlierRun.exitCode()).as(intoTheEarlierRun.out() + intoTheEarlierRun.err()).isEqualTo(2);
    assertThat(intoTheEarlierRun.err()).contains(first.resolve(ResultsFiles.RESULTS_FILE) + " holds the results of run "
        + firstRun + " (4 completed task(s))", "another --output");
    assertThat(first.resolve(ResultsFiles.RESULTS_FILE)).hasBinaryContent(firstResults);
    assertThat(first.resolve("k8s-worker-1-log.txt")).hasBinaryContent(firstLog);
    assertThat(intoItsOwn.exitCode()).as(intoItsOwn.out() + intoItsOwn.err()).isEqualTo(2);
    assertThat(intoItsOwn.err()).contains("2 task(s) carried over from run " + firstRun, "another --output");
    assertThat(resumed.resolve(ResultsFiles.RESULTS_FILE)).hasBinaryContent(resumedResults);
    assertThat(elsewhere.exitCode()).as(elsewhere.out() + elsewhere.err()).isZero();
    assertThat(ResultsFiles.readResults(out.resolve("third").resolve(ResultsFiles.RESULTS_FILE)).totalTasks())
        .isEqualTo(2);
  }

  /** Something done between the two runs of {@link #resumedRun}. */
  private interface Between {
    void run() throws Exception;
  }

  /**
   * Runs the small project in {@code workspace} on 2 workers into {@code out/first}, does
   * {@code between}, then runs it again with {@code --resume} from the first results into
   * {@code out/second}, with Ollama's requests counted from there.
   */
  private Result resumedRun(Path workspace, Between between) throws Exception {
    Path tasks = SmallProject.write(workspace);
    mock.forwardPortsTo(URI.create(ollama.url()).getPort());
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).withReadyPods().start();
        FakeJobController jobs = new FakeJobController(mock, NS, this::runWorker).start()) {
      Result first = launch("run", "--tasks", tasks.toString(), "--workspace", workspace.toString(),
          "--output", out.resolve("first").toString(), "--kubeconfig", kubeconfig().toString(), "--workers", "2",
          "--image", "example.io/worker:1.0");
      assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
      between.run();
      ollama.server().resetRequests();
      return launch("run", "--tasks", tasks.toString(), "--workspace", workspace.toString(),
          "--output", out.resolve("second").toString(), "--kubeconfig", kubeconfig().toString(), "--workers", "2",
          "--image", "example.io/worker:1.0", "--replace", "--resume",
          out.resolve("first").resolve("k8s-cluster-results.json").toString());
    }
  }

  /**
   * README, Outputs: the Job files of workers an earlier run into the same directory had and this one
   * has not are removed (`kubectl apply -f` of the directory would start them again). A resumed run
   * that carries every task over has no worker at all.
   */
  @Test
  void aResumedRunWithNothingLeftToRunLeavesNoJobFileOfTheEarlierRunInItsOutput() throws Exception {
    Path workspace = pods.resolve("project");
    Path tasks = SmallProject.write(workspace);
    mock.forwardPortsTo(URI.create(ollama.url()).getPort());
    Path results = out.resolve("results");
    Result second;
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).withReadyPods().start();
        FakeJobController jobs = new FakeJobController(mock, NS, this::runWorker).start()) {
      Result first = launch("run", "--tasks", tasks.toString(), "--workspace", workspace.toString(),
          "--output", results.toString(), "--kubeconfig", kubeconfig().toString(), "--workers", "2",
          "--image", "example.io/worker:1.0");
      assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
      assertThat(results.resolve("k8s-worker-1-job.yaml")).exists();
      Path firstResults = Files.copy(results.resolve("k8s-cluster-results.json"), out.resolve("first-results.json"));

      second = launch("run", "--tasks", tasks.toString(), "--workspace", workspace.toString(),
          "--output", results.toString(), "--kubeconfig", kubeconfig().toString(), "--workers", "2",
          "--image", "example.io/worker:1.0", "--replace", "--resume", firstResults.toString());
    }

    assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
    assertThat(second.out()).contains("Nothing to run: every task is carried over.");
    try (Stream<Path> files = Files.list(results)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.matches("k8s-worker-[0-9]+-job\\.yaml"));
    }
  }

  @Test
  void aSecondRunWithoutReplaceIsRefusedBeforeTouchingAnything() throws Exception {
    try (FakeDeploymentController deployments = new FakeDeploymentController(mock.client(), NS).start();
        FakeJobController jobs = new FakeJobController(mock, NS, this::runWorker).start()) {
      Result first = launch("run", "--tasks", EXAMPLES.resolve("excel-tasks-extracted.json").toString(),
          "--workspace", EXAMPLES.resolve("shop-app").toString(), "--output", out.toString(),
          "--kubeconfig", kubeconfig().toString(), "--workers", "2", "--image", "example.io/worker:1.0");
      assertThat(first.exitCode()).as(first.err()).isZero();

      Result second = launch("run", "--tasks", EXAMPLES.resolve("excel-tasks-extracted.json").toString(),
          "--workspace", EXAMPLES.resolve("shop-app").toString(), "--output", out.resolve("2").toString(),
          "--kubeconfig", kubeconfig().toString(), "--workers", "2", "--image", "example.io/worker:1.0");

      assertThat(second.exitCode()).isEqualTo(2);
      assertThat(second.err()).contains("already holds 2 Job(s) of an earlier run", "--replace");
    }
  }

  @Test
  void aRunIntoAnExistingNamespaceThatHoldsNoRunIsRefusedBeforeOllamaIsDeployed() throws Exception {
    // `run --namespace default`, or a typo naming a team's namespace: not the launcher's to lock down.
    mock.client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
        .withName(NS).addToLabels("team", "x").endMetadata().build()).create();
    for (List<String> replace : List.of(List.<String>of(), List.of("--replace"))) {
      List<String> args = new ArrayList<>(List.of("run", "--tasks", EXAMPLES.resolve("excel-tasks-extracted.json")
          .toString(), "--workspace", EXAMPLES.resolve("shop-app").toString(), "--output", out.toString(),
          "--kubeconfig", kubeconfig().toString(), "--workers", "2", "--image", "example.io/worker:1.0",
          "--ollama-timeout", "2s"));
      args.addAll(replace);
      Result r = launch(args.toArray(String[]::new));

      assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
      assertThat(r.err().strip().lines()).hasSize(1);
      assertThat(r.err()).contains("namespace " + NS + " exists", "Pod Security restricted",
          "kubectl label namespace " + NS + " app.kubernetes.io/part-of=honest-orchestration");
    }
    assertThat(mock.applied()).isEmpty();
    assertThat(mock.client().network().v1().networkPolicies().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(mock.client().apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(mock.client().namespaces().withName(NS).get().getMetadata().getLabels()).isEqualTo(Map.of("team", "x"));
  }

  private static String sha256(Path file) {
    try {
      return Hashes.sha256Hex(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
