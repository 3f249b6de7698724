package dev.honest.launcher.cluster;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.json.Json;
import dev.honest.launcher.results.PodOutcome;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.WorkerOutcome;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ContainerResource;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;

/**
 * Gathers each worker's complete log (every attempt, oldest first) and how its Job and pods ended.
 * Works while the Jobs run, after they ended, and long after the launcher that started them exited.
 */
final class LogCollector {
  private final Cluster cluster;
  private final Map<String, String> selector;
  private final String runId;
  private final int logRequests;

  /** @param logRequests how many Jobs' logs {@link #collect} fetches at once */
  LogCollector(Cluster cluster, Map<String, String> selector, String runId, int logRequests) {
    this.cluster = cluster;
    this.selector = selector;
    this.runId = runId;
    this.logRequests = logRequests;
  }

  /**
   * Writes {@code <job>-log.txt} into {@code dir} for every Job of the run and returns one outcome
   * per worker, by index. Workers of the plan (ConfigMap {@value RunLabels#CONFIG_MAP}) without a Job
   * are {@code missing}.
   */
  List<WorkerOutcome> collect(Path dir) throws IOException {
    return collect(dir, Map.of(), Map.of(), outcome -> {});
  }

  /**
   * A succeeded Job's outcome taken when it ended, and what it was taken from: {@link #collect} uses
   * it for a Job of the same uid, which nothing can change any more.
   */
  record Ended(String uid, WorkerOutcome outcome) {}

  /**
   * The outcome of a Job that has just succeeded, with every log, when all its pods have ended (a
   * failed Job may still be stopping pods, whose logs grow: it is collected at the end).
   */
  Optional<Ended> ended(Job job, int index) {
    if (JobState.of(job) != JobState.SUCCEEDED) {
      return Optional.empty();
    }
    List<Pod> pods = pods(job);
    if (!pods.stream().allMatch(Pods::ended)) {
      return Optional.empty();
    }
    return Optional.of(new Ended(job.getMetadata().getUid(), outcome(index, job, pods, Instant.now(), Map.of(),
        List.of())));
  }

  /**
   * As {@link #collect(Path)}, taking the outcome of a Job from {@code ended} (by Job name) when it
   * was taken from the same Job: its pods need not exist any more.
   *
   * <p>The logs are fetched {@code logRequests} Jobs at a time; the outcomes are handed over, their
   * files written and reported in the workers' order, each as soon as it and those before it are
   * fetched.
   *
   * @param followed the worker logs a watch followed, by pod name: a pod of a Job that is gone since
   *     (the Job controller deletes the pods still running at the Job's deadline) keeps that log
   * @param handOver given each outcome whose logs were fetched here (not those taken from {@code ended}),
   *     on the calling thread, while the following Jobs' logs are fetched
   */
  List<WorkerOutcome> collect(Path dir, Map<String, Ended> ended, Map<String, TaskLogFollower.Followed> followed,
      Consumer<WorkerOutcome> handOver) throws IOException {
    return collect(dir, ended, followed, handOver, false);
  }

  /**
   * As above; with {@code keepEarlier}, the logs in {@code dir} are this run's, as an earlier collect
   * wrote them: the attempts there whose pods are gone since are kept in the logs written, each in its
   * place ({@link EarlierLog}).
   */
  List<WorkerOutcome> collect(Path dir, Map<String, Ended> ended, Map<String, TaskLogFollower.Followed> followed,
      Consumer<WorkerOutcome> handOver, boolean keepEarlier) throws IOException {
    Files.createDirectories(dir);
    Map<String, Job> jobs = cluster.call("list", "jobs",
            () -> cluster.client.batch().v1().jobs().inNamespace(cluster.namespace).withLabels(selector).list().getItems())
        .stream()
        .collect(Collectors.toMap(j -> j.getMetadata().getName(), j -> j));
    Map<String, Integer> workers = new TreeMap<>();
    plan().ifPresent(p -> p.workers().forEach(w -> workers.put(w.job(), w.index())));
    jobs.keySet().forEach(name -> workers.putIfAbsent(name, JobState.workerIndex(name)));

    // Which Jobs' logs are fetched here: those not collected as they ended (the same Job, succeeded).
    Map<String, Job> toFetch = new TreeMap<>();
    for (String name : workers.keySet()) {
      Job job = jobs.get(name);
      Ended early = job == null ? null : ended.get(name);
      if (job != null && !(early != null && early.uid().equals(job.getMetadata().getUid())
          && JobState.of(job) == JobState.SUCCEEDED)) {
        toFetch.put(name, job);
      }
    }
    Function<String, List<EarlierLog.Attempt>> earlier = keepEarlier ? name -> earlier(dir, name) : name -> List.of();
    Map<String, Future<WorkerOutcome>> fetching = fetch(toFetch, workers, followed, earlier);
    try {
      List<WorkerOutcome> outcomes = new ArrayList<>();
      for (Map.Entry<String, Integer> worker : workers.entrySet()) {
        Job job = jobs.get(worker.getKey());
        WorkerOutcome outcome;
        if (job == null) {
          outcome = deleted(worker.getValue(), worker.getKey(), followed, earlier.apply(worker.getKey()));
          Path file = dir.resolve(worker.getKey() + "-log.txt");
          if (outcome.pods().isEmpty()) {
            // An earlier run's log under this worker's name is not what this run's worker printed.
            Files.deleteIfExists(file);
          } else {
            ResultsFiles.writeAtomically(file, outcome.log());
          }
          cluster.say("📥 " + outcome.job() + ": missing (no such Job in namespace " + cluster.namespace + ")"
              + (outcome.pods().isEmpty() ? "" : ", " + outcome.pods().size() + " pod(s)"
                  + (kept(outcome).isEmpty() ? " as followed while they ran" : kept(outcome)) + " → " + file));
        } else {
          Future<WorkerOutcome> fetched = fetching.get(worker.getKey());
          outcome = fetched == null ? ended.get(worker.getKey()).outcome() : done(fetched);
          if (fetched != null) {
            handOver.accept(outcome);
          }
          Path file = dir.resolve(job.getMetadata().getName() + "-log.txt");
          ResultsFiles.writeAtomically(file, outcome.log());
          cluster.say("📥 " + outcome.job() + ": " + outcome.status()
              + (outcome.reason() == null ? "" : " (" + outcome.reason() + ")")
              + ", " + outcome.pods().size() + " pod(s)"
              + (outcome.pods().isEmpty() && outcome.podsEnded() > 0 ? " (" + outcome.podsEnded()
                  + " ran, deleted since: their logs are gone)" : kept(outcome))
              + " → " + file);
        }
        outcomes.add(outcome);
      }
      outcomes.sort(Comparator.comparingInt(WorkerOutcome::index).thenComparing(WorkerOutcome::job));
      return outcomes;
    } finally {
      fetching.values().forEach(f -> f.cancel(true));
    }
  }

  /**
   * Starts fetching the logs of {@code jobs}, {@code logRequests} Jobs at a time (each Job's pods
   * one after the other), after one list of the run's pods for all of them (a run of 200 workers: one
   * request, not 200; none when there is nothing to fetch).
   */
  private Map<String, Future<WorkerOutcome>> fetch(Map<String, Job> jobs, Map<String, Integer> workers,
      Map<String, TaskLogFollower.Followed> followed, Function<String, List<EarlierLog.Attempt>> earlier) {
    if (jobs.isEmpty()) {
      return Map.of();
    }
    Map<String, List<Pod>> podsByJob = podsByJob();
    Instant now = Instant.now();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(logRequests, jobs.size()), r -> {
      Thread t = new Thread(r, "fetch-logs");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<String, Future<WorkerOutcome>> fetching = new TreeMap<>();
      jobs.forEach((name, job) -> fetching.put(name, pool.submit(
          () -> outcome(workers.get(name), job, ofJob(job, podsByJob.getOrDefault(name, List.of())), now,
              followed, earlier.apply(name)))));
      return fetching;
    } finally {
      pool.shutdown(); // the threads end when the last fetch has
    }
  }

  /** The outcome fetched, or what stopped its fetch, as it was thrown. */
  private static WorkerOutcome done(Future<WorkerOutcome> fetched) throws IOException {
    try {
      return fetched.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching the workers' logs");
    } catch (ExecutionException e) {
      // A ClusterException (or fabric8's own) as the sequential fetch threw it.
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException("fetching logs", e.getCause());
    }
  }

  /** The run's pods, by the name of the Job that created them. */
  private Map<String, List<Pod>> podsByJob() {
    return cluster.call("list", "pods",
            () -> cluster.client.pods().inNamespace(cluster.namespace).withLabels(selector).list().getItems())
        .stream()
        .filter(p -> p.getMetadata().getLabels() != null && p.getMetadata().getLabels().containsKey(RunLabels.JOB_NAME))
        .collect(Collectors.groupingBy(p -> p.getMetadata().getLabels().get(RunLabels.JOB_NAME)));
  }

  /** The Job's pods, oldest first. */
  private List<Pod> pods(Job job) {
    String name = job.getMetadata().getName();
    return ofJob(job, cluster.call("list", "pods",
        () -> cluster.client.pods().inNamespace(cluster.namespace).withLabel(RunLabels.JOB_NAME, name).list().getItems()));
  }

  /** Those of {@code pods} that this Job created (not an earlier Job of the same name), oldest first. */
  private static List<Pod> ofJob(Job job, List<Pod> pods) {
    return pods.stream()
        // Pods of an earlier Job with the same name may still be terminating.
        .filter(p -> Objects.equals(Pods.controllerUid(p), job.getMetadata().getUid()))
        .sorted(Pods.OLDEST_FIRST)
        .collect(Collectors.toList());
  }

  /**
   * The outcome of a worker whose Job is gone (deleted during the run, e.g. by {@code kubectl delete
   * job}, its pods with it): status {@code missing}, with the logs a watch followed of its pods, if any.
   */
  private WorkerOutcome deleted(int index, String job, Map<String, TaskLogFollower.Followed> followed,
      List<EarlierLog.Attempt> earlier) {
    Attempts a = attempts(List.of(), followed.values().stream()
        .filter(f -> f.pod() != null && job.equals(Pods.controllerName(f.pod()))).toList(), earlier);
    return new WorkerOutcome(index, job, "missing", null, a.pods(), a.log(), 0);
  }

  /** Each attempt of a worker, oldest first, and its log as {@code k8s-worker-N-log.txt} holds it. */
  private record Attempts(List<PodOutcome> pods, String log) {}

  /**
   * @param present the pods that exist, whose logs are fetched now
   * @param gone pods that are gone, with the logs a watch followed of them while they ran
   * @param earlier the attempts of the log an earlier collect wrote: those of pods neither present
   *     nor followed are kept, each before the first attempt that came after it there; and a present
   *     pod whose log cannot be read now keeps its log as read there
   */
  private Attempts attempts(List<Pod> present, List<TaskLogFollower.Followed> gone, List<EarlierLog.Attempt> earlier) {
    Map<String, String> goneLogs = new HashMap<>();
    List<Pod> all = new ArrayList<>(present);
    gone.forEach(f -> {
      goneLogs.put(f.pod().getMetadata().getName(), f.log());
      all.add(f.pod());
    });
    all.sort(Pods.OLDEST_FIRST);
    List<Step> order = inOrder(all, earlier);
    Map<String, EarlierLog.Attempt> readEarlier = new HashMap<>();
    earlier.forEach(a -> readEarlier.put(a.pod().pod(), a));
    List<PodOutcome> attempts = new ArrayList<>();
    StringBuilder log = new StringBuilder();
    for (Step next : order) {
      EarlierLog.Attempt kept = next.kept();
      if (kept != null) {
        log.append("==> attempt ").append(attempts.size() + 1).append('/').append(order.size()).append(": ")
            .append(kept.pod().describe()).append(" <==\n").append(kept.text());
        attempts.add(kept.pod());
        continue;
      }
      Pod pod = next.pod();
      String followedLog = goneLogs.get(pod.getMetadata().getName());
      PodOutcome attempt = followedLog == null ? Pods.outcome(pod) : followedOnly(Pods.outcome(pod));
      log.append("==> attempt ").append(attempts.size() + 1).append('/').append(order.size()).append(": ")
          .append(attempt.describe()).append(" <==\n");
      if (followedLog != null) {
        log.append(followedLog);
        attempts.add(attempt);
        continue;
      }
      StringBuilder text = new StringBuilder();
      String unread = appendLogs(text, pod);
      EarlierLog.Attempt read = unread == null ? null : readEarlier.get(pod.getMetadata().getName());
      if (read != null) {
        // Its log cannot be read now (its node down): as the earlier collect read it, complete if it had ended.
        log.append(read.text());
        unread = read.pod().exitCode() != null && read.pod().unreadLog() == null ? null : unread;
      } else {
        log.append(text);
      }
      // A worker that never started printed nothing: its outcome says why.
      attempts.add(unread != null && Pods.workerStarted(pod) ? attempt.withUnreadLog(unread) : attempt);
    }
    return new Attempts(attempts, log.toString());
  }

  /**
   * The pods, oldest first, with the earlier attempts whose pods are not among them, each before the
   * first pod that came after it in the earlier log (after the last pod when none did).
   */
  private static List<Step> inOrder(List<Pod> pods, List<EarlierLog.Attempt> earlier) {
    Map<String, Integer> place = new HashMap<>();
    for (int i = 0; i < pods.size(); i++) {
      place.put(pods.get(i).getMetadata().getName(), i);
    }
    List<Step> order = new ArrayList<>();
    int next = 0;
    for (EarlierLog.Attempt attempt : earlier) {
      Integer at = place.get(attempt.pod().pod());
      if (at == null) {
        order.add(new Step(null, attempt));
      } else {
        for (; next <= at; next++) {
          order.add(new Step(pods.get(next), null));
        }
      }
    }
    pods.subList(next, pods.size()).forEach(pod -> order.add(new Step(pod, null)));
    return order;
  }

  /** One attempt of a worker's log: a pod of the cluster, or one kept from the earlier log (the other null). */
  private record Step(Pod pod, EarlierLog.Attempt kept) {}

  /** The attempts of the log an earlier collect wrote for {@code job} in {@code dir}, or none. */
  private static List<EarlierLog.Attempt> earlier(Path dir, String job) {
    Path file = dir.resolve(job + "-log.txt");
    try {
      return Files.isRegularFile(file) ? EarlierLog.attempts(Files.readString(file, StandardCharsets.UTF_8))
          : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the earlier log " + file, e);
    }
  }

  /** {@code  (2 deleted since: their logs as collected earlier)}, or nothing. */
  private static String kept(WorkerOutcome outcome) {
    long kept = outcome.pods().stream().filter(p -> p.message() != null && p.message().endsWith(EarlierLog.GONE))
        .count();
    return kept == 0 ? "" : " (" + kept + " deleted since: " + (kept == 1 ? "its log" : "their logs")
        + " as collected earlier)";
  }

  /** A pod that is gone, whose log is the one a watch followed while it ran. */
  private static PodOutcome followedOnly(PodOutcome attempt) {
    return new PodOutcome(attempt.pod(), attempt.node(), attempt.exitCode(), attempt.reason(),
        "deleted since (its log as the launcher followed it while it ran)");
  }

  /**
   * @param followed logs a watch followed, by pod name: those of this Job's pods that are gone now
   *     are taken from there, each attempt in its place
   */
  private WorkerOutcome outcome(int index, Job job, List<Pod> pods, Instant now,
      Map<String, TaskLogFollower.Followed> followed, List<EarlierLog.Attempt> earlier) {
    String name = job.getMetadata().getName();
    Set<String> present = pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    Attempts a = attempts(pods, followed.entrySet().stream()
        .filter(e -> !present.contains(e.getKey()) && e.getValue().pod() != null
            && Objects.equals(Pods.controllerUid(e.getValue().pod()), job.getMetadata().getUid()))
        .map(Map.Entry::getValue).toList(), earlier);
    JobState state = JobState.of(job);
    return new WorkerOutcome(
        index,
        name,
        state.label(),
        state == JobState.FAILED ? JobState.failureReason(job) : null,
        a.pods(),
        a.log(),
        JobState.duration(job, now).toMillis(),
        JobState.podsEnded(job));
  }

  /**
   * The pod's log; first the previous container's when the kubelet restarted it (it keeps only that one).
   *
   * @return why a part of it could not be read, or null when all could
   */
  private String appendLogs(StringBuilder log, Pod pod) {
    PodResource resource = cluster.client.pods().inNamespace(cluster.namespace).withName(pod.getMetadata().getName());
    ContainerResource container = Pods.hasSidecars(pod) ? resource.inContainer(Pods.workerContainer(pod)) : resource;
    int restarts = Pods.workerStatus(pod).map(s -> s.getRestartCount() == null ? 0 : s.getRestartCount()).orElse(0);
    String unread = null;
    if (restarts > 0) {
      log.append("--- container before restart ").append(restarts).append(" ---\n");
      unread = append(log, () -> container.terminated().getLog());
      log.append("--- container after restart ").append(restarts).append(" ---\n");
    }
    String after = append(log, container::getLog);
    return unread != null ? unread : after;
  }

  /**
   * A log that cannot be read (the pod never started, is gone, or its kubelet did not answer) is
   * noted in the text, and the rest goes on.
   *
   * @return why it could not be read, or null when it was
   */
  private String append(StringBuilder log, Supplier<String> read) {
    String text;
    String unread = null;
    try {
      text = read.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 401 || e.getCode() == 403 || e.getCode() <= 0) {
        throw cluster.translate(e, "get", "pods/log");
      }
      unread = "HTTP " + e.getCode() + ": " + (e.getStatus() != null && e.getStatus().getMessage() != null
          ? e.getStatus().getMessage() : e.getMessage());
      text = "(no log: " + unread + ")\n";
    }
    log.append(text);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      log.append('\n');
    }
    return unread;
  }

  /** The plan the run was started with, from its ConfigMap: it names the workers that should exist. */
  private Optional<Plan> plan() {
    ConfigMap config = cluster.call("get", "configmaps",
        () -> cluster.client.configMaps().inNamespace(cluster.namespace).withName(RunLabels.CONFIG_MAP).get());
    String json = config == null || config.getData() == null ? null : config.getData().get(ConfigLayout.PLAN_FILE);
    if (json == null) {
      return Optional.empty();
    }
    try {
      Plan plan = Json.mapper().readValue(json, Plan.class);
      if (runId != null && !runId.equals(plan.runId())) {
        cluster.say("⚠️ ConfigMap " + RunLabels.CONFIG_MAP + " holds the plan of run " + plan.runId()
            + ", not " + runId + ": ignored");
        return Optional.empty();
      }
      return Optional.of(plan);
    } catch (JacksonException | IllegalArgumentException e) {
      cluster.say("⚠️ ConfigMap " + RunLabels.CONFIG_MAP + ": " + ConfigLayout.PLAN_FILE + " unreadable, "
          + "workers without a Job cannot be reported: " + e.getMessage());
      return Optional.empty();
    }
  }
}
