package dev.honest.launcher.cluster;

import dev.honest.common.config.WorkerConfig;
import dev.honest.common.exit.ExitCode;
import dev.honest.common.proof.SigningKey;
import dev.honest.launcher.results.WorkerOutcome;
import dev.honest.worker.ollama.OllamaClient;
import dev.honest.worker.ollama.OllamaException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.dsl.ServerSideApplicable;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the launcher does to a cluster: refuse to trample an earlier run, apply a run in dependency
 * order, watch its Jobs, collect every worker's logs and outcome, show its status, and delete it.
 *
 * <p>Every failure to talk to the cluster comes out as a {@link ClusterException} whose message is
 * one line for a person and whose {@link ClusterException#exitCode()} the CLI exits with
 * ({@link ExitCode#UNAVAILABLE} when the cluster cannot be reached or refuses us). Progress goes to
 * the given writer, one line at a time.
 */
public final class ClusterOperations {
  /** The field manager of every server-side apply. */
  public static final String FIELD_MANAGER = "honest-launcher";

  /** How long {@code --replace} waits for the earlier run's Jobs and ConfigMaps to be gone. */
  static final Duration REPLACE_TIMEOUT = Duration.ofMinutes(2);

  /**
   * How many Jobs' logs are fetched at once by default: a run's workers end together, and each log
   * waits on the API server (and its kubelet) twice, so one at a time is a round trip per request;
   * kubectl's {@code --max-log-requests} has the same default.
   */
  public static final int DEFAULT_LOG_REQUESTS = 5;

  /** How many object names an "applied" line lists in full. */
  private static final int APPLIED_NAMES = 12;
  /**
   * A port-forward is a WebSocket opened with a GET: API servers before Kubernetes 1.35 authorize it as
   * {@code get} on {@code pods/portforward}, later ones as {@code create} too (KEP-4006).
   */
  private static final String FORWARD_VERBS = "get and create";
  /**
   * A server-side apply is a PATCH, and one that creates its object is authorized as {@code create}
   * too; the API server's refusal of that create names no verb.
   */
  private static final String APPLY_VERBS = "create and patch";

  private final Cluster cluster;
  private final String runId;
  private final String fieldManager;
  private final Map<String, String> runSelector;
  private volatile JobWatch watching;
  private volatile boolean stopRequested;
  /** Outcomes of succeeded Jobs, collected as each ended, by Job name: {@link #collect} reuses them. */
  private final Map<String, LogCollector.Ended> ended = new ConcurrentHashMap<>();
  private ExecutorService collecting;
  /** The worker logs followed by the watches, by pod name: {@link #collect} uses them for pods deleted since. */
  private final Map<String, TaskLogFollower.Followed> followed = new ConcurrentHashMap<>();
  private volatile int logRequests = DEFAULT_LOG_REQUESTS;
  /** Whether this run holds the namespace's {@link RunClaim}, taken by {@link #deployOllama}. */
  private volatile boolean claimed;
  /** This launcher's mark on the claim it takes ({@link RunClaim#TOKEN_ANNOTATION}). */
  private final String claimToken = UUID.randomUUID().toString();
  /** Whether {@link #deployWorkers} has begun to apply the Jobs: from then on the claim stays with them. */
  private volatile boolean workersStarted;
  /** How long the Jobs' watch may be down before {@link #watch} says so; shorter in tests. */
  volatile Duration watchBrokenAfter = JobWatch.BROKEN_AFTER;
  /** How long the end of a watch waits for the last lines of the logs it follows. */
  volatile Duration logDrain = JobWatch.LOG_DRAIN;

  /**
   * @param client a client for the cluster (see {@link KubeClients#connect})
   * @param namespace the run namespace
   * @param runId the run id (label {@value RunLabels#INSTANCE}); null for whatever run the namespace
   *     holds, which is enough for {@link #status}, {@link #collect} and {@link #cleanup} started on
   *     their own, but not for {@link #deploy}
   * @param fieldManager the server-side apply field manager, normally {@link #FIELD_MANAGER}
   * @param out where progress lines go
   */
  public ClusterOperations(KubernetesClient client, String namespace, String runId, String fieldManager, PrintWriter out) {
    this.cluster = new Cluster(client, namespace, out);
    this.runId = runId;
    this.fieldManager = Objects.requireNonNull(fieldManager, "fieldManager");
    this.runSelector = runId == null
        ? Map.of(RunLabels.PART_OF, RunLabels.PART_OF_VALUE)
        : Map.of(RunLabels.INSTANCE, runId);
  }

  /**
   * Sets how many Jobs' logs are fetched at once, {@value #DEFAULT_LOG_REQUESTS} unless set (a
   * benchmark compares it with one at a time). {@link #collect} takes it when called; {@link #watch}
   * when it starts collecting ended Jobs, and keeps that count, across watches, until the next
   * {@code collect}.
   *
   * @return this
   */
  public ClusterOperations logRequests(int jobsAtOnce) {
    if (jobsAtOnce < 1) {
      throw new IllegalArgumentException("log requests at once must be at least 1, got " + jobsAtOnce);
    }
    logRequests = jobsAtOnce;
    return this;
  }

  /**
   * Makes sure no earlier run's Jobs are in the namespace, and no other run claims it (see {@link
   * RunClaim}). With {@code replace}, deletes them (their pods in the background), the earlier
   * ConfigMaps and the claim, and waits until they are gone.
   *
   * @throws ClusterException ({@link ExitCode#INVALID_INPUT}) without {@code replace} when Jobs
   *     labelled {@value RunLabels#PART_OF}={@value RunLabels#PART_OF_VALUE} exist or another run claims
   *     the namespace; and, with or without it, before deleting anything, when the namespace holds no
   *     run (see {@link #requireRunNamespace})
   */
  public void checkNoActiveRun(boolean replace) throws InterruptedException {
    Namespace namespace = requireRunNamespace();
    List<Job> earlier = listPartOf();
    Optional<Lease> claim = namespace == null ? Optional.empty()
        : RunClaim.find(cluster).filter(c -> !RunClaim.mine(c, runId, claimToken));
    if (earlier.isEmpty() && claim.isEmpty()) {
      return;
    }
    String runs = earlier.stream()
        .map(j -> RunLabels.INSTANCE + "=" + labels(j).getOrDefault(RunLabels.INSTANCE, "?"))
        .collect(Collectors.toCollection(TreeSet::new))
        .stream()
        .collect(Collectors.joining(", "));
    if (!replace) {
      if (earlier.isEmpty()) {
        throw RunClaim.heldByAnother(cluster, claim.get());
      }
      throw new ClusterException(
          ExitCode.INVALID_INPUT,
          "namespace " + cluster.namespace + " already holds " + earlier.size() + " Job(s) of an earlier run (" + runs
              + "): pass --replace to delete them first, or run `cleanup` to delete the namespace");
    }
    List<String> what = new ArrayList<>();
    if (!earlier.isEmpty()) {
      what.add(earlier.size() + " Job(s) of an earlier run (" + runs + ")");
    }
    claim.ifPresent(c -> what.add("the claim of run " + RunClaim.holder(c) + " on the namespace (Lease "
        + RunClaim.NAME + ")"));
    cluster.say("♻️ Deleting " + String.join(" and ", what) + ", their ConfigMaps and their claims on tasks (Leases)");
    if (namespace != null) {
      // Taken over at once, before anything of the earlier run goes: a run started meanwhile finds it claimed.
      if (claim.isPresent()) {
        RunClaim.delete(cluster);
      }
      claim();
    }
    // By label: one DELETE on the collection, which RBAC calls deletecollection.
    cluster.call("deletecollection", "jobs", () -> cluster.client.batch().v1().jobs().inNamespace(cluster.namespace)
        .withLabel(RunLabels.PART_OF, RunLabels.PART_OF_VALUE)
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete());
    cluster.call("deletecollection", "configmaps", () -> cluster.client.configMaps().inNamespace(cluster.namespace)
        .withLabel(RunLabels.PART_OF, RunLabels.PART_OF_VALUE)
        .delete());
    Leases.deleteAll(cluster, "Those left name no task of this run; `cleanup` deletes them with the namespace.");
    String left = cluster.poll(
        this::earlierObjectsLeft, String::isEmpty, l -> "♻️ Waiting for the earlier run to go: " + l + " left",
        REPLACE_TIMEOUT);
    if (!left.isEmpty()) {
      throw new ClusterException(
          ExitCode.UNAVAILABLE,
          "the earlier run's Jobs and ConfigMaps are not gone after " + Cluster.human(REPLACE_TIMEOUT) + " (" + left
              + " left) — see `kubectl -n " + cluster.namespace + " get jobs,configmaps -l "
              + RunLabels.PART_OF + "=" + RunLabels.PART_OF_VALUE + "`");
    }
  }

  /**
   * Makes sure the namespace is the launcher's to change: either it does not exist yet (a run
   * creates it) or it carries the label {@value RunLabels#PART_OF}={@value RunLabels#PART_OF_VALUE}
   * that every run puts on its namespace, or that whoever created it for the run put there. A run
   * labels its namespace Pod Security {@code restricted} and denies all traffic its NetworkPolicies
   * do not allow, which would cut off every other pod of a namespace such as {@code default}.
   *
   * @throws ClusterException ({@link ExitCode#INVALID_INPUT}), having changed nothing, when the
   *     namespace exists without that label, saying how to label it to use it on purpose; or when it
   *     is being deleted (Terminating), where the API server would refuse every object of the run
   * @return the namespace, or null when it does not exist yet
   */
  private Namespace requireRunNamespace() {
    Namespace existing = getNamespace();
    if (existing != null && !holdsRun(existing)) {
      String label = RunLabels.PART_OF + "=" + RunLabels.PART_OF_VALUE;
      throw new ClusterException(ExitCode.INVALID_INPUT, "namespace " + cluster.namespace + " exists and holds no run"
          + " (it lacks the label " + label + "): nothing was changed; a run would label it Pod Security restricted"
          + " and deny all traffic not allowed by the run's policies, cutting off every other pod in it. Check"
          + " --namespace, or to use this namespace on purpose: `kubectl label namespace " + cluster.namespace + " "
          + label + "`");
    }
    if (existing != null && existing.getMetadata().getDeletionTimestamp() != null) {
      // The API server refuses every new object in a Terminating namespace (403), which would read as
      // a missing RBAC right.
      throw new ClusterException(ExitCode.INVALID_INPUT, "namespace " + cluster.namespace + " is being deleted"
          + " (Terminating, since " + existing.getMetadata().getDeletionTimestamp() + "): nothing was changed;"
          + " wait until it is gone (`cleanup` waits for it) or pass another --namespace");
    }
    return existing;
  }

  /**
   * Server-side applies the run in dependency order: the namespace; the network policies, the
   * Ollama Services and Deployment; then waits until every Ollama replica is ready; then the
   * workers' ServiceAccount and Role, the ConfigMaps and the signing key Secret; then the Jobs.
   * Applying the same resources again changes nothing.
   *
   * @throws IllegalArgumentException when the resources are not this run's: the namespace name
   *     differs, or a Job or its pod template lacks the run labels the watch selects by
   * @throws ClusterException ({@link ExitCode#UNAVAILABLE}) when Ollama is not ready within
   *     {@code ollamaTimeout}, naming the stuck pod and why; ({@link ExitCode#INVALID_INPUT}) before
   *     applying anything when the namespace exists and holds no run (see {@link #requireRunNamespace})
   */
  public void deploy(RunResources resources, Duration ollamaTimeout) throws InterruptedException {
    resources.jobs().forEach(this::requireRunLabels);
    deployOllama(resources, ollamaTimeout);
    deployWorkers(resources);
  }

  /**
   * The first half of {@link #deploy}: the namespace, the run's claim on it ({@link RunClaim}), the
   * network policies, the Ollama Services and Deployment, then waits until every Ollama replica is
   * ready. Refuses, before applying anything, a namespace that exists and holds no run (see {@link
   * #requireRunNamespace}), and one that another run claims (that run's Ollama stays as it is).
   */
  public void deployOllama(RunResources resources, Duration ollamaTimeout) throws InterruptedException {
    if (runId == null) {
      throw new IllegalStateException("deploy needs the run id");
    }
    String namespaceName = resources.namespace().getMetadata().getName();
    if (!cluster.namespace.equals(namespaceName)) {
      throw new IllegalArgumentException("namespace " + namespaceName + " is not the run namespace " + cluster.namespace);
    }
    boolean existed = requireRunNamespace() != null;
    if (existed) {
      claim(); // before the namespace is applied again, so that a refused run changes nothing
    }
    apply("Namespace", List.of(resources.namespace()));
    if (!existed) {
      claim();
    }
    List<HasMetadata> ollama = new ArrayList<>(resources.networkPolicies());
    ollama.add(resources.ollamaService());
    ollama.add(resources.ollamaPods());
    ollama.add(resources.ollama());
    apply("Ollama", ollama);
    new OllamaReadiness(cluster).await(resources.ollama().getMetadata().getName(), ollamaTimeout);
  }

  /**
   * The second half of {@link #deploy}, once Ollama is ready: the workers' ServiceAccount and Role,
   * the ConfigMaps, the signing key Secret, the Jobs.
   *
   * @throws ClusterException ({@link ExitCode#INVALID_INPUT}) before applying anything when this run
   *     no longer holds its claim on the namespace (another run's {@code --replace} took it, or it was
   *     deleted), or Jobs of another run are in the namespace: this run's ConfigMaps and signing key
   *     would replace that run's under its workers
   */
  public void deployWorkers(RunResources resources) {
    resources.jobs().forEach(this::requireRunLabels);
    Optional<Lease> claim = RunClaim.find(cluster);
    if (claim.isPresent() && !RunClaim.mine(claim.get(), runId, claimToken)) {
      throw new ClusterException(ExitCode.INVALID_INPUT, "run " + RunClaim.holder(claim.get()) + " took namespace "
          + cluster.namespace + " over (`run --replace`) while this one waited for Ollama; this run starts no worker"
          + " and leaves that run alone: `status` shows it");
    }
    if (claim.isEmpty()) {
      if (claimed) {
        throw new ClusterException(ExitCode.INVALID_INPUT, "this run's claim on namespace " + cluster.namespace
            + " (Lease " + RunClaim.NAME + ") was deleted while it waited for Ollama (by `run --replace` or `cleanup`"
            + " elsewhere); this run starts no worker");
      }
      claim();
    }
    Set<String> others = listPartOf().stream()
        .map(job -> job.getMetadata().getLabels().getOrDefault(RunLabels.INSTANCE, "?"))
        .filter(run -> !run.equals(runId))
        .collect(Collectors.toCollection(TreeSet::new));
    if (!others.isEmpty()) {
      throw new ClusterException(ExitCode.INVALID_INPUT, "another run (" + String.join(", ", others)
          + ") started its workers in namespace " + cluster.namespace + " while this one waited for Ollama;"
          + " this run starts none and leaves that run alone: `status` shows it, `run --replace` replaces it");
    }
    apply("Worker access", resources.workerAccess());
    apply("ConfigMaps", resources.configMaps());
    apply("Signing key", List.of(resources.signingKey()));
    workersStarted = true;
    try {
      apply("Jobs", resources.jobs());
    } catch (ClusterException e) {
      // Refused from the first Job on (RBAC, an invalid spec): no worker started, the claim goes with the run.
      try {
        workersStarted = listPartOf().stream().anyMatch(job -> runId.equals(labels(job).get(RunLabels.INSTANCE)));
      } catch (ClusterException unknown) {
        // Whether any was created is not known: the claim stays with them.
      }
      throw e;
    }
  }

  private void claim() {
    claimed = true; // before the request: a Ctrl-C may lose its answer, and release gives up only a claim with our token
    RunClaim.take(cluster, runId, claimToken);
  }

  /**
   * Gives up this run's claim on the namespace unless it has begun to start its workers: for a run
   * that ends before (Ollama never ready, Ctrl-C, nothing to run), so that the next run need not
   * {@code --replace} it. Best effort: says so when the API server cannot be asked.
   */
  public void releaseClaimUnlessWorkersStarted() {
    if (claimed && !workersStarted) {
      RunClaim.release(cluster, runId, claimToken);
      claimed = false;
    }
  }

  /**
   * Each model's digest as every ready replica of the Ollama Deployment lists it in
   * {@code /api/tags}, asked through a port-forward to each pod (which no NetworkPolicy stands in
   * the way of). A model that replicas list with different digests, or that one lacks, maps to null.
   *
   * @throws ClusterException ({@link ExitCode#UNAVAILABLE}) when no replica is ready or one does not answer
   */
  public Map<String, String> modelDigests(Deployment ollama, List<String> models, Duration timeout)
      throws InterruptedException {
    List<Pod> pods = cluster.call("list", "pods", () -> cluster.client.pods().inNamespace(cluster.namespace)
            .withLabels(ollama.getSpec().getSelector().getMatchLabels()).list().getItems())
        .stream().filter(Pods::isReady).sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    if (pods.isEmpty()) {
      throw new ClusterException(ExitCode.UNAVAILABLE, "no ready pod of deployment " + ollama.getMetadata().getName()
          + " to ask for the models' digests");
    }
    int port = ollama.getSpec().getTemplate().getSpec().getContainers().stream()
        .flatMap(c -> c.getPorts() == null ? Stream.empty() : c.getPorts().stream())
        .findFirst().orElseThrow(() -> new IllegalArgumentException("the Ollama container exposes no port"))
        .getContainerPort();
    Map<String, Set<String>> listed = new LinkedHashMap<>();
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      try (LocalPortForward forward = cluster.call(FORWARD_VERBS, "pods/portforward",
          () -> cluster.client.pods().inNamespace(cluster.namespace).withName(name).portForward(port))) {
        OllamaClient client = OllamaClient.create(
            WorkerConfig.defaults(runId, List.of("http://127.0.0.1:" + forward.getLocalPort())));
        try {
          // One round first: a port-forward the API server refuses fails every connection at once,
          // and no wait for the models would change that.
          client.listModelsAhead();
          throwIfRefused(forward, name);
          client.awaitModels(models, timeout).forEach((model, info) ->
              listed.computeIfAbsent(model, m -> new TreeSet<>()).add(info.digest()));
        } catch (OllamaException e) {
          throwIfRefused(forward, name);
          throw new ClusterException(ExitCode.UNAVAILABLE, "Ollama pod " + name + " did not list the models through a"
              + " port-forward: " + e.getMessage());
        }
      } catch (IOException e) {
        throw new ClusterException(ExitCode.UNAVAILABLE, "port-forward to Ollama pod " + name + ": " + e.getMessage());
      }
    }
    cluster.say("🔎 Model digests on " + pods.size() + " Ollama replica(s): " + listed);
    Map<String, String> digests = new LinkedHashMap<>();
    listed.forEach((model, seen) -> {
      if (seen.size() == 1) {
        digests.put(model, seen.iterator().next());
      }
    });
    return digests;
  }

  /**
   * Throws what the API server said when it refused to open a port-forward to {@code pod}, as a refused
   * request would: fabric8 opens each forwarded connection as a WebSocket and keeps the refusal,
   * while the connection through it is simply closed.
   */
  private void throwIfRefused(LocalPortForward forward, String pod) {
    for (Throwable t : forward.getServerThrowables()) {
      if (t instanceof WebSocketHandshakeException refused) {
        int code = refused.getResponse().code();
        Status status = null;
        if (refused.getCause() instanceof java.net.http.WebSocketHandshakeException jdk
            && jdk.getResponse().body() instanceof String body && body.startsWith("{")) {
          try {
            status = Serialization.unmarshal(body, Status.class);
          } catch (RuntimeException notAStatus) {
            // the server's words are not a Status: the code alone is said
          }
        }
        if (status == null || status.getMessage() == null) {
          status = new StatusBuilder().withCode(code).withMessage("HTTP " + code + " opening a port-forward to pod " + pod)
              .build();
        }
        status.setCode(code);
        throw cluster.translate(new KubernetesClientException(status), FORWARD_VERBS, "pods/portforward");
      }
    }
  }

  /**
   * Watches the run's Jobs (informers, no polling) until all have ended, {@code timeout} has
   * passed, or {@link #stopWatching} is called or the thread interrupted, printing progress. The
   * cluster is left as it is whatever the ending.
   *
   * @param expectedJobs how many Jobs the run has: the watch does not end before it has seen them
   * @param totalTasks tasks in the plan, for the {@code Tasks: n/total} count
   */
  public WatchResult watch(int expectedJobs, int totalTasks, Duration timeout) {
    return watch(expectedJobs, totalTasks, timeout, outcome -> {});
  }

  /**
   * As {@link #watch(int, int, Duration)}, and collects each Job's outcome and logs in the background
   * as soon as it has succeeded, while the others run; {@link #collect} then reuses them (and a Job
   * whose pods were deleted since keeps its logs).
   *
   * @param collected given each outcome collected so, on one of the collecting threads
   */
  public WatchResult watch(int expectedJobs, int totalTasks, Duration timeout, Consumer<WorkerOutcome> collected) {
    LogCollector collector = new LogCollector(cluster, runSelector, runId, logRequests);
    synchronized (this) {
      if (collecting == null) {
        // Workers that claim their tasks end together: their Jobs' logs are fetched as many at a time
        // as collect fetches them.
        collecting = Executors.newFixedThreadPool(logRequests, r -> {
          Thread t = new Thread(r, "collect-ended-jobs");
          t.setDaemon(true);
          return t;
        });
      }
    }
    Consumer<Job> onEnd = job -> collecting.execute(() -> collectEnded(collector, job, collected));
    try (JobWatch watch = new JobWatch(cluster, runSelector, expectedJobs, totalTasks, onEnd, watchBrokenAfter,
        logDrain)) {
      watching = watch;
      if (stopRequested) {
        watch.stop();
      }
      try {
        return watch.run(timeout);
      } finally {
        followed.putAll(watch.followedLogs());
      }
    } finally {
      watching = null;
    }
  }

  /** The worker logs the watches followed and still keep, by pod name. */
  Map<String, TaskLogFollower.Followed> followedLogs() {
    return Map.copyOf(followed);
  }

  private void collectEnded(LogCollector collector, Job job, Consumer<WorkerOutcome> collected) {
    String name = job.getMetadata().getName();
    try {
      collector.ended(job, JobState.workerIndex(name)).ifPresent(e -> {
        ended.put(name, e);
        // Its logs are in its outcome now: the followed copy (in the watch, or here once it ended) goes.
        JobWatch watch = watching;
        if (watch != null) {
          watch.forgetLogsOf(e.uid());
        }
        followed.values().removeIf(f -> f.pod() != null && e.uid().equals(Pods.controllerUid(f.pod())));
        collected.accept(e.outcome());
      });
    } catch (RuntimeException e) {
      // Not fatal: collect reads this Job again at the end, and reports what fails then.
      ended.remove(name);
    }
  }

  /** Ends the current (or next) {@link #watch} with {@code INTERRUPTED}; for a shutdown hook, see {@link ShutdownGuard}. */
  public void stopWatching() {
    stopRequested = true;
    JobWatch watch = watching;
    if (watch != null) {
      watch.stop();
    }
  }

  /**
   * Writes {@code k8s-worker-N-log.txt} (all attempts, oldest first) into {@code outputDir} for each
   * Job and returns each worker's outcome, by index.
   */
  public List<WorkerOutcome> collect(Path outputDir) throws IOException {
    return collect(outputDir, outcome -> {});
  }

  /**
   * As {@link #collect(Path)}, handing each outcome whose logs it fetches to {@code fetched} as soon
   * as it and those before it are fetched (on the calling thread, in the workers' order, while the
   * following Jobs' logs are fetched, {@link #logRequests} at a time), so that reading
   * them can overlap with fetching the rest; the outcomes collected as their Jobs ended were handed
   * to {@link #watch}'s consumer already.
   */
  public List<WorkerOutcome> collect(Path outputDir, Consumer<WorkerOutcome> fetched) throws IOException {
    return collect(outputDir, fetched, false);
  }

  /**
   * As {@link #collect(Path, Consumer)}; with {@code keepEarlier}, the worker logs in {@code outputDir}
   * are this run's, as an earlier collect wrote them: the attempts there whose pods are gone since
   * are kept in the logs written, so that collecting again loses nothing read before.
   */
  public List<WorkerOutcome> collect(Path outputDir, Consumer<WorkerOutcome> fetched, boolean keepEarlier)
      throws IOException {
    ExecutorService early;
    synchronized (this) {
      early = collecting;
      collecting = null;
    }
    if (early != null) {
      // What was collected early is not collected again: let the last of it finish first.
      early.shutdown();
      try {
        early.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return new LogCollector(cluster, runSelector, runId, logRequests)
        .collect(outputDir, Map.copyOf(ended), Map.copyOf(followed), fetched, keepEarlier);
  }

  /**
   * Which worker claimed each task of run {@code runId}, read from its Leases: the Aggregator lays a
   * task without a result at its claimant's door. Empty when the workers ran fixed slices, and when
   * the Leases cannot be read (it says so): they only say whom such a task is charged to, and the
   * results are written without them.
   */
  public Map<String, Integer> claimedBy(String runId) {
    try {
      return Leases.ledger(cluster, runId);
    } catch (ClusterException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw e; // Ctrl-C, not a refusal
      }
      cluster.say("⚠ The workers' claims cannot be read (" + e.getMessage() + "): a task without a result is charged"
          + " to the worker it was planned for, which may not be the one that took it.");
      return Map.of();
    }
  }

  /**
   * The run's Jobs and the namespace's Deployments as they are now; nothing of a namespace that
   * holds no run (it lacks the label {@value RunLabels#PART_OF}={@value RunLabels#PART_OF_VALUE}).
   */
  public ClusterStatus status() {
    Namespace namespace = getNamespace();
    if (namespace == null) {
      return new ClusterStatus(cluster.namespace, false, false, List.of(), List.of(), null);
    }
    if (!holdsRun(namespace)) {
      return new ClusterStatus(cluster.namespace, true, false, List.of(), List.of(), null);
    }
    List<Deployment> deployments = cluster.call("list", "deployments",
        () -> cluster.client.apps().deployments().inNamespace(cluster.namespace).list().getItems());
    List<Job> jobs = cluster.call("list", "jobs",
        () -> cluster.client.batch().v1().jobs().inNamespace(cluster.namespace).withLabels(runSelector).list().getItems());
    // Why a running Job's pod cannot start (an image the cluster cannot pull): the Job alone says Active.
    List<Pod> pods = jobs.stream().noneMatch(j -> JobState.of(j) == JobState.RUNNING) ? List.of()
        : cluster.call("list", "pods",
            () -> cluster.client.pods().inNamespace(cluster.namespace).withLabels(runSelector).list().getItems());
    Instant now = Instant.now();
    return new ClusterStatus(
        cluster.namespace,
        true,
        true,
        deployments.stream()
            .sorted(Comparator.comparing(d -> d.getMetadata().getName()))
            .map(d -> new ClusterStatus.DeploymentState(
                d.getMetadata().getName(),
                d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0 : d.getStatus().getReadyReplicas(),
                d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas(),
                OllamaReadiness.isReady(d)))
            .collect(Collectors.toList()),
        jobs.stream()
            .sorted(Comparator.comparing((Job j) -> JobState.workerIndex(j.getMetadata().getName()))
                .thenComparing(j -> j.getMetadata().getName()))
            .map(j -> summary(j, now, pods))
            .collect(Collectors.toList()),
        RunClaim.find(cluster).map(c -> RunClaim.describe(c, now)).orElse(null));
  }

  /**
   * When the run's last Job ended, once none is running: {@code collect} run later ends the run there,
   * not when it is called. Empty while a Job still runs (or has an end it does not show), and when
   * there are none.
   */
  public Optional<Instant> jobsEnded() {
    List<Job> jobs = cluster.call("list", "jobs",
        () -> cluster.client.batch().v1().jobs().inNamespace(cluster.namespace).withLabels(runSelector).list().getItems());
    List<Instant> ends = jobs.stream().map(JobState::end).toList();
    return ends.isEmpty() || ends.contains(null) ? Optional.empty() : ends.stream().max(Comparator.naturalOrder());
  }

  /** The ConfigMap {@code name} of the namespace, or null when there is none ({@code collect} reads the run's). */
  public ConfigMap configMap(String name) {
    return cluster.call("get", "configmaps",
        () -> cluster.client.configMaps().inNamespace(cluster.namespace).withName(name).get());
  }

  /**
   * The configuration ConfigMaps of run {@code runId} ({@code collect} reads its task shards): not
   * those of the workspace files, which weigh tens of MB for a run of thousands of tasks.
   */
  public List<ConfigMap> configMaps(String runId) {
    return cluster.call("list", "configmaps", () -> cluster.client.configMaps().inNamespace(cluster.namespace)
        .withLabel(RunLabels.INSTANCE, runId).withLabel(RunLabels.COMPONENT, RunLabels.CONFIG_COMPONENT)
        .list().getItems());
  }

  /**
   * The run's signing key, from its Secret: {@code collect} signs with it.
   *
   * @throws ClusterException ({@link ExitCode#INVALID_INPUT}) when the Secret is gone or holds no key
   */
  public SigningKey signingKey() {
    Secret secret = cluster.call("get", "secrets",
        () -> cluster.client.secrets().inNamespace(cluster.namespace).withName(SigningKeySecret.NAME).get());
    if (secret == null) {
      throw new ClusterException(ExitCode.INVALID_INPUT, "Secret " + SigningKeySecret.NAME + " is not in namespace "
          + cluster.namespace + ": without the run's key its results cannot be signed");
    }
    try {
      return SigningKeySecret.read(secret);
    } catch (IllegalArgumentException e) {
      throw new ClusterException(ExitCode.INVALID_INPUT, "Secret " + SigningKeySecret.NAME + ": " + e.getMessage());
    }
  }

  /**
   * Deletes the run namespace, and with it everything of the run, and waits until it is gone.
   * The signing key Secret and the claims on tasks (Leases) go first, so that they are gone even if
   * the namespace hangs in Terminating (Leases the API server did not delete in time, as for a run of
   * thousands of tasks, are said and left to the namespace's deletion). A namespace already Terminating (an earlier cleanup that
   * timed out) is waited for the same way.
   *
   * @throws ClusterException ({@link ExitCode#UNAVAILABLE}) when it still exists after {@code timeout},
   *     with what its conditions say is holding it; ({@link ExitCode#INVALID_INPUT}) without touching
   *     it when the namespace holds no run: it lacks the label {@value RunLabels#PART_OF}={@value
   *     RunLabels#PART_OF_VALUE}, which every run puts on its namespace
   */
  public void cleanup(Duration timeout) throws InterruptedException {
    Namespace existing = getNamespace();
    if (existing == null) {
      cluster.say("🧹 Namespace " + cluster.namespace + " does not exist: nothing to clean up");
      return;
    }
    if (!holdsRun(existing)) {
      throw new ClusterException(ExitCode.INVALID_INPUT, "namespace " + cluster.namespace + " holds no run (it lacks"
          + " the label " + RunLabels.PART_OF + "=" + RunLabels.PART_OF_VALUE + " every run puts on its namespace):"
          + " not deleted; check --namespace");
    }
    long start = System.nanoTime();
    cluster.call("delete", "secrets",
        () -> cluster.client.secrets().inNamespace(cluster.namespace).withName(SigningKeySecret.NAME).delete());
    Leases.deleteAll(cluster, "Those left go with the namespace.");
    cluster.say("🧹 Deleting namespace " + cluster.namespace);
    try {
      cluster.client.namespaces().withName(cluster.namespace).delete();
    } catch (KubernetesClientException e) {
      // 409 Conflict: the namespace is Terminating already (an earlier cleanup, kubectl delete): its
      // deletion is under way, so wait for it as for this one.
      if (e.getCode() != 409) {
        throw cluster.translate(e, "delete", "namespaces");
      }
    }
    Namespace left = cluster.poll(this::getNamespace, Objects::isNull,
        n -> "🧹 Namespace " + cluster.namespace + ": " + (n.getStatus() == null ? "Terminating" : n.getStatus().getPhase()),
        timeout);
    String took = Cluster.human(Duration.ofNanos(System.nanoTime() - start));
    if (left != null) {
      throw new ClusterException(
          ExitCode.UNAVAILABLE,
          "namespace " + cluster.namespace + " still exists after " + took + blocking(left)
              + " — see `kubectl get namespace " + cluster.namespace + " -o yaml`");
    }
    cluster.say("✅ Namespace " + cluster.namespace + " deleted | Time: " + took);
  }

  private void apply(String group, List<? extends HasMetadata> objects) {
    for (HasMetadata o : objects) {
      String plural = HasMetadata.getPlural(o.getClass());
      ServerSideApplicable<? extends HasMetadata> target = o instanceof Namespace
          ? cluster.client.resource(o)
          : cluster.client.resource(o).inNamespace(cluster.namespace);
      cluster.call(APPLY_VERBS, plural, () -> target.fieldManager(fieldManager).forceConflicts().serverSideApply());
    }
    List<String> names = objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
    // A large run has hundreds: the first and the last say what they are.
    cluster.say("📦 " + group + " applied: " + (names.size() <= APPLIED_NAMES ? String.join(", ", names)
        : names.size() + " (" + String.join(", ", names.subList(0, APPLIED_NAMES - 2)) + ", ..., "
            + names.get(names.size() - 1) + ")"));
  }

  private void requireRunLabels(Job job) {
    Map<String, String> labels = labels(job);
    Map<String, String> podLabels = job.getSpec() == null || job.getSpec().getTemplate() == null
        || job.getSpec().getTemplate().getMetadata() == null
        || job.getSpec().getTemplate().getMetadata().getLabels() == null
        ? Map.of() : job.getSpec().getTemplate().getMetadata().getLabels();
    if (!RunLabels.PART_OF_VALUE.equals(labels.get(RunLabels.PART_OF)) || !runId.equals(labels.get(RunLabels.INSTANCE))
        || !runId.equals(podLabels.get(RunLabels.INSTANCE))) {
      throw new IllegalArgumentException("Job " + job.getMetadata().getName() + " needs the labels "
          + RunLabels.PART_OF + "=" + RunLabels.PART_OF_VALUE + " and " + RunLabels.INSTANCE + "=" + runId
          + ", and its pod template " + RunLabels.INSTANCE + "=" + runId + ": the watch and --replace select by them");
    }
  }

  private List<Job> listPartOf() {
    return cluster.call("list", "jobs", () -> cluster.client.batch().v1().jobs().inNamespace(cluster.namespace)
        .withLabel(RunLabels.PART_OF, RunLabels.PART_OF_VALUE).list().getItems());
  }

  /**
   * What is left of the earlier run, or "" when nothing is: its Jobs, counted, and whether any of
   * its ConfigMaps is, from a list of one: the ConfigMaps of a large run hold tens of MB, which a full
   * list would fetch every second while they go, and the API server gives no count of what a list
   * with a label selector left out (remainingItemCount is unset).
   */
  private String earlierObjectsLeft() {
    int jobs = listPartOf().size();
    ListOptions one = new ListOptionsBuilder().withLimit(1L).build();
    boolean configMaps = !cluster.call("list", "configmaps", () -> cluster.client.configMaps()
        .inNamespace(cluster.namespace).withLabel(RunLabels.PART_OF, RunLabels.PART_OF_VALUE).list(one)).getItems().isEmpty();
    String jobsLeft = jobs == 0 ? "" : jobs + " Job(s)";
    return !configMaps ? jobsLeft : jobsLeft.isEmpty() ? "its ConfigMaps" : jobsLeft + " and its ConfigMaps";
  }

  private Namespace getNamespace() {
    return cluster.call("get", "namespaces", () -> cluster.client.namespaces().withName(cluster.namespace).get());
  }

  /** Whether the namespace carries the label {@value RunLabels#PART_OF}={@value RunLabels#PART_OF_VALUE} every run puts on its namespace. */
  private static boolean holdsRun(Namespace namespace) {
    return RunLabels.PART_OF_VALUE.equals(labels(namespace).get(RunLabels.PART_OF));
  }

  private static ClusterStatus.JobSummary summary(Job job, Instant now, List<Pod> pods) {
    JobState state = JobState.of(job);
    JobStatus status = job.getStatus();
    String stuck = state != JobState.RUNNING ? null : pods.stream()
        .filter(p -> job.getMetadata().getUid().equals(Pods.controllerUid(p)) && Pods.stuck(p) != null)
        .sorted(Pods.OLDEST_FIRST)
        .map(p -> "pod " + p.getMetadata().getName() + " cannot start: " + Pods.stuck(p).detail())
        .reduce((older, newer) -> newer).orElse(null);
    return new ClusterStatus.JobSummary(
        job.getMetadata().getName(),
        state.label(),
        state == JobState.FAILED ? JobState.failureReason(job) : stuck,
        status == null || status.getActive() == null ? 0 : status.getActive(),
        status == null || status.getFailed() == null ? 0 : status.getFailed(),
        JobState.duration(job, now));
  }

  /** What the namespace's conditions say still holds it (remaining content, finalizers). */
  private static String blocking(Namespace namespace) {
    List<NamespaceCondition> conditions = namespace.getStatus() == null || namespace.getStatus().getConditions() == null
        ? List.of() : namespace.getStatus().getConditions();
    String held = conditions.stream()
        .filter(c -> "True".equals(c.getStatus()))
        .map(c -> c.getReason() + ": " + c.getMessage())
        .collect(Collectors.joining("; "));
    return held.isEmpty() ? "" : ": " + held;
  }

  private static Map<String, String> labels(HasMetadata o) {
    return o.getMetadata().getLabels() == null ? Map.of() : o.getMetadata().getLabels();
  }
}
