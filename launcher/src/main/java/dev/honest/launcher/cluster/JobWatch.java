package dev.honest.launcher.cluster;

import dev.honest.launcher.cluster.WatchResult.Ending;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Watches a run's Jobs through an informer until all have ended, printing a progress line on every
 * change and at least every {@link Cluster#PROGRESS_INTERVAL}. A pod informer hands each worker pod
 * to a {@link TaskLogFollower} so that the line can count finished tasks as they happen. A Job
 * suspended meanwhile ({@code spec.suspend: true}) gets a line of its own and counts as active: it may
 * be resumed, so the watch goes on waiting for it. A watch of the Jobs that fabric8 has been
 * reconnecting for longer than {@link #BROKEN_AFTER} gets a line too (the counts are stale by then),
 * and so does its coming back; the watch goes on until its timeout all the same.
 */
final class JobWatch implements AutoCloseable {
  /** How long the end of the watch waits for the last log lines of finished pods. */
  static final Duration LOG_DRAIN = Duration.ofSeconds(30);
  /** How long the Jobs' watch may be down (fabric8 reconnecting) before the watch says so. */
  static final Duration BROKEN_AFTER = Duration.ofMinutes(1);

  private final Cluster cluster;
  private final Map<String, String> selector;
  private final int expectedJobs;
  private final int totalTasks;
  /** Released by every informer event and new task: wakes the watching thread. */
  private final Semaphore changed = new Semaphore(0);
  private final TaskLogFollower logs;
  private final Map<String, JobState> reported = new HashMap<>();
  /**
   * Jobs of the run deleted while watched ({@code kubectl delete job}, {@code cleanup} from another
   * terminal), as last seen: they will never end, so they count as ended, one still running as failed.
   */
  private final Map<String, Job> deleted = new ConcurrentHashMap<>();
  /** Jobs of the run reported suspended and not resumed since, by name. */
  private final Set<String> suspended = new TreeSet<>();
  /** The reasons pods could not start for that were said already: one line each per run. */
  private final Set<String> stuckReported = new HashSet<>();
  private final Consumer<Job> ended;
  private final Duration brokenAfter;
  private final Duration logDrain;
  /** The last failure of the Jobs' list or watch that fabric8 retries after, or null. */
  private volatile Throwable lastWatchError;
  /** Since when ({@link System#nanoTime}) the Jobs' informer has not been watching, or null while it is. */
  private Long downSince;
  private boolean saidDown;
  /** What was wrong when the watch was first said to be down, or null. */
  private String downError;
  private volatile boolean stopped;
  private volatile SharedIndexInformer<Job> jobs;
  private volatile SharedIndexInformer<Pod> pods;

  /**
   * @param ended called on the watching thread with each Job that has just ended (once per Job and state)
   * @param brokenAfter how long the Jobs' watch may be down before a line says so ({@link #BROKEN_AFTER})
   * @param logDrain how long the end waits for the last lines of the logs followed ({@link #LOG_DRAIN})
   */
  JobWatch(Cluster cluster, Map<String, String> selector, int expectedJobs, int totalTasks, Consumer<Job> ended,
      Duration brokenAfter, Duration logDrain) {
    this.cluster = cluster;
    this.brokenAfter = brokenAfter;
    this.logDrain = logDrain;
    this.ended = ended;
    this.selector = Map.copyOf(selector);
    this.expectedJobs = expectedJobs;
    this.totalTasks = totalTasks;
    this.logs = new TaskLogFollower(cluster, changed::release);
  }

  /** Makes {@link #run} return {@link Ending#INTERRUPTED} soon; callable from any thread, before or during the run. */
  void stop() {
    stopped = true;
    changed.release();
  }

  /**
   * Watches until every Job has ended, {@code timeout} has passed, or the watch is stopped or its
   * thread interrupted (the interrupt flag is kept). The cluster is left as it is in every case.
   */
  WatchResult run(Duration timeout) {
    long start = System.nanoTime();
    jobs = cluster.call("list and watch", "jobs",
        () -> cluster.client.batch().v1().jobs().inNamespace(cluster.namespace).withLabels(selector)
            .runnableInformer(0)
            // fabric8 retries a failed list or watch once the informer has started, except a watch
            // closed with an error (403 once the right is gone), after which it would stop for good.
            // Retried too, so that the watch can come back; the last error is kept for the user.
            .exceptionHandler((started, error) -> {
              if (started) {
                lastWatchError = error;
              }
              return started;
            })
            .addEventHandler(new ResourceEventHandler<Job>() {
              @Override
              public void onAdd(Job job) {
                deleted.remove(job.getMetadata().getName());
                changed.release();
              }

              @Override
              public void onUpdate(Job old, Job job) {
                changed.release();
              }

              @Override
              public void onDelete(Job job, boolean finalStateUnknown) {
                deleted.put(job.getMetadata().getName(), job);
                changed.release();
              }
            })
            .run());
    // A deleted pod's log is gone; what was read of it stays counted.
    pods = cluster.call("list and watch", "pods", () -> cluster.client.pods().inNamespace(cluster.namespace)
        .withLabels(selector).inform(handler(pod -> {
          followIfWorker(pod);
          changed.release(); // a pod that cannot start is said at once
        }, false)));
    String printed = null;
    long printedAt = start;
    while (true) {
      List<Job> current = jobs.getStore().list();
      reportEnds(current);
      reportSuspensions(current);
      reportStuckPods(current);
      String down = watchDown(System.nanoTime());
      List<Job> gone = gone(current);
      boolean finished = current.size() + gone.size() >= expectedJobs
          && current.stream().allMatch(j -> JobState.of(j) != JobState.RUNNING);
      Ending ending = finished ? Ending.FINISHED : stopped ? Ending.INTERRUPTED : null;
      if (finished) {
        // The pod informer may not have delivered every pod yet, and logs may still be streaming.
        followAll();
        if (!awaitLogs()) {
          ending = Ending.INTERRUPTED;
        }
      }
      long now = System.nanoTime();
      if (ending == null && now - start >= timeout.toNanos()) {
        ending = Ending.TIMED_OUT;
      }
      WatchResult result = result(ending, jobs.getStore().list(), gone, Duration.ofNanos(now - start), down);
      String state = result.active() + "/" + result.succeeded() + "/" + result.failed() + "/" + result.tasksSeen();
      if (!state.equals(printed) || now - printedAt >= Cluster.PROGRESS_INTERVAL.toNanos()) {
        cluster.say(result.progressLine());
        printed = state;
        printedAt = now;
      }
      if (ending != null) {
        return result;
      }
      long untilPrint = printedAt + Cluster.PROGRESS_INTERVAL.toNanos() - now;
      long untilTimeout = start + timeout.toNanos() - now;
      // A watch going down wakes nothing: look at it a few times per brokenAfter.
      long untilCheck = Math.max(1, brokenAfter.toNanos() / 4);
      try {
        if (changed.tryAcquire(Math.max(1, Math.min(untilCheck, Math.min(untilPrint, untilTimeout))),
            TimeUnit.NANOSECONDS)) {
          changed.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopped = true;
      }
    }
  }

  /** Lets go of the followed logs of the Job with {@code uid}, whose outcome was collected as it ended. */
  void forgetLogsOf(String uid) {
    logs.forgetJob(uid);
  }

  /** The worker logs followed so far, by pod name: {@code collect} falls back on them for a pod deleted since. */
  Map<String, TaskLogFollower.Followed> followedLogs() {
    return logs.followed();
  }

  @Override
  public void close() {
    if (jobs != null) {
      jobs.close();
    }
    if (pods != null) {
      pods.close();
    }
    logs.close();
  }

  /** Prints one line when a Job completes or fails (also for Jobs already ended when the watch starts). */
  private void reportEnds(List<Job> current) {
    for (Job job : current) {
      String name = job.getMetadata().getName();
      JobState state = JobState.of(job);
      if (reported.put(name, state) == state || state == JobState.RUNNING) {
        continue;
      }
      String took = Cluster.human(JobState.duration(job, Instant.now()));
      if (state == JobState.SUCCEEDED) {
        cluster.say("✅ " + name + " succeeded in " + took);
      } else {
        String message = JobState.failureMessage(job);
        cluster.say("❌ " + name + " failed after " + took + ": " + JobState.failureReason(job)
            + (message == null ? "" : " (" + message + ")"));
      }
      ended.accept(job);
    }
  }

  /**
   * Says once per reason when pods of running Jobs cannot start (an image the cluster cannot pull, no
   * node with room): the Jobs would stay Active in silence until their deadline. The line names the
   * first such pod and how many others have the same reason by then.
   */
  private void reportStuckPods(List<Job> current) {
    Set<String> running = current.stream().filter(j -> JobState.of(j) == JobState.RUNNING)
        .map(j -> j.getMetadata().getUid()).collect(Collectors.toSet());
    Map<String, List<Pod>> byReason = new TreeMap<>();
    for (Pod pod : pods.getStore().list()) {
      Pods.Stuck stuck = running.contains(Pods.controllerUid(pod)) ? Pods.stuck(pod) : null;
      if (stuck != null && !stuckReported.contains(stuck.reason())) {
        byReason.computeIfAbsent(stuck.reason(), r -> new ArrayList<>()).add(pod);
      }
    }
    byReason.forEach((reason, stuckPods) -> {
      stuckPods.sort(Pods.OLDEST_FIRST);
      Pod pod = stuckPods.get(0);
      String name = pod.getMetadata().getName();
      String hint = switch (reason) {
        case "ImagePullBackOff", "InvalidImageName" -> " The cluster cannot pull the worker image: check --image"
            + " and that the cluster may pull from its registry.";
        case "Unschedulable" -> " No node has room for it (yet; a cluster autoscaler may add one).";
        default -> "";
      };
      cluster.say("⚠ Worker pod " + name + (stuckPods.size() > 1 ? " (and " + (stuckPods.size() - 1) + " more)" : "")
          + " cannot start: " + Pods.stuck(pod).detail() + "." + hint
          + " The Jobs stay Active meanwhile, and their deadline (--timeout) counts. See: kubectl -n "
          + cluster.namespace + " describe pod " + name);
      stuckReported.add(reason);
    });
  }

  /**
   * Says once when the Jobs' informer has not been watching for longer than {@code brokenAfter}
   * (fabric8 goes on reconnecting, the counts meanwhile are stale), and once when it is back.
   *
   * @return how the watch is down (for how long, the last error) when it has been for that long, else null
   */
  private String watchDown(long now) {
    if (jobs.isWatching()) {
      if (saidDown) {
        cluster.say("🔁 The watch of Jobs in namespace " + cluster.namespace + " is back: the counts are current again");
      }
      if (downSince != null) {
        // That outage is over: a later one is described by its own error, or by a list of the Jobs.
        lastWatchError = null;
      }
      downSince = null;
      saidDown = false;
      return null;
    }
    if (downSince == null) {
      downSince = now;
    }
    Duration down = Duration.ofNanos(now - downSince);
    if (down.compareTo(brokenAfter) <= 0) {
      return null;
    }
    if (!saidDown) {
      saidDown = true;
      downError = lastWatchError != null ? describe(lastWatchError) : listError();
      cluster.say("⚠ The watch of Jobs in namespace " + cluster.namespace + " has been down for " + Cluster.human(down)
          + ": fabric8 keeps retrying, and the counts below are as last seen, not current."
          + " Last error: " + downError);
    }
    return "the watch of Jobs had been down for " + Cluster.human(down) + " (last error: " + downError + ")";
  }

  /**
   * fabric8 keeps the errors of its watch reconnections to itself: one list of the Jobs tells what the
   * API server answers now.
   */
  private String listError() {
    // One attempt: fabric8's retries of an unreachable API server (about 19 s by default, longer when
    // each connection attempt times out) would hold up the progress lines and the timeout.
    KubernetesClient once = cluster.client.newClient(new RequestConfigBuilder(
        cluster.client.getConfiguration().getRequestConfig()).withRequestRetryBackoffLimit(0).build())
        .adapt(KubernetesClient.class);
    try {
      cluster.call("list", "jobs", () -> once.batch().v1().jobs().inNamespace(cluster.namespace)
          .withLabels(selector).list(new ListOptionsBuilder().withLimit(1L).build()));
      return "unknown (a list of the Jobs works; only their watch fails)";
    } catch (ClusterException e) {
      return e.getMessage();
    }
  }

  /** A failure of the Jobs' list or watch as the launcher words API errors, or null. */
  private String describe(Throwable error) {
    Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e == null) {
      return null;
    }
    if (e instanceof KubernetesClientException k && !(k.getCause() instanceof InterruptedException)) {
      return cluster.translate(k, "list and watch", "jobs").getMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Prints one line when a Job is suspended ({@code spec.suspend: true}), naming how to resume it, and
   * one when it is resumed. A suspended Job may be resumed: it stays counted as active, and the watch
   * goes on waiting for it.
   */
  private void reportSuspensions(List<Job> current) {
    Set<String> now = current.stream().filter(JobState::suspended).map(j -> j.getMetadata().getName())
        .collect(Collectors.toCollection(TreeSet::new));
    for (String name : now) {
      if (!suspended.contains(name)) {
        cluster.say("⏸ " + name + " is suspended (spec.suspend: true): the Job controller stopped its pod and starts"
            + " none until it is resumed; it stays counted as Active and the run waits for it until --timeout."
            + " Resume it with: kubectl patch job " + name + " -n " + cluster.namespace
            + " -p '{\"spec\":{\"suspend\":false}}'");
      }
    }
    Set<String> running = current.stream().filter(j -> JobState.of(j) == JobState.RUNNING)
        .map(j -> j.getMetadata().getName()).collect(Collectors.toSet());
    for (String name : suspended) {
      // One that ended or was deleted meanwhile has a line of its own.
      if (!now.contains(name) && running.contains(name)) {
        cluster.say("▶ " + name + " was resumed");
      }
    }
    suspended.clear();
    suspended.addAll(now);
  }

  /**
   * The deleted Jobs not in {@code current}, each reported once; one deleted before it ended is
   * reported as lost ({@code collect} then finds it missing).
   */
  private List<Job> gone(List<Job> current) {
    Set<String> present = current.stream().map(j -> j.getMetadata().getName()).collect(Collectors.toSet());
    List<Job> gone = deleted.values().stream().filter(j -> !present.contains(j.getMetadata().getName())).toList();
    for (Job job : gone) {
      String name = job.getMetadata().getName();
      JobState last = JobState.of(job);
      if (last == JobState.RUNNING && reported.put(name, JobState.FAILED) != JobState.FAILED) {
        cluster.say("❌ " + name + " was deleted before it ended: its worker's tasks without a result are lost");
      }
    }
    return gone;
  }

  /** How a Job counts: one deleted before it ended, as failed. */
  private JobState counted(Job job, boolean wasDeleted) {
    JobState state = JobState.of(job);
    return wasDeleted && state == JobState.RUNNING ? JobState.FAILED : state;
  }

  private WatchResult result(Ending ending, List<Job> current, List<Job> gone, Duration elapsed, String watchDown) {
    Map<JobState, Long> byState = Stream.concat(
            current.stream().map(j -> counted(j, false)), gone.stream().map(j -> counted(j, true)))
        .collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    return new WatchResult(
        ending,
        current.size() + gone.size(),
        byState.getOrDefault(JobState.RUNNING, 0L).intValue(),
        byState.getOrDefault(JobState.SUCCEEDED, 0L).intValue(),
        byState.getOrDefault(JobState.FAILED, 0L).intValue(),
        logs.tasksSeen(),
        totalTasks,
        elapsed,
        List.copyOf(suspended),
        watchDown);
  }

  private void followAll() {
    List<Pod> all = cluster.call("list", "pods",
        () -> cluster.client.pods().inNamespace(cluster.namespace).withLabels(selector).list().getItems());
    all.forEach(this::followIfWorker);
  }

  private boolean awaitLogs() {
    try {
      logs.awaitIdle(logDrain);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Follows pods created by a Job of this run. Pods are matched by their owner's UID, not by the Job
   * name alone: pods of an earlier run's Job with the same name may still be terminating.
   */
  private void followIfWorker(Pod pod) {
    if (pod.getMetadata().getLabels() == null || !pod.getMetadata().getLabels().containsKey(RunLabels.JOB_NAME)) {
      return;
    }
    Set<String> uids = jobs.getStore().list().stream().map(j -> j.getMetadata().getUid()).collect(Collectors.toSet());
    if (uids.contains(Pods.controllerUid(pod))) {
      logs.follow(pod);
    }
  }

  /**
   * An informer handler that passes every added or changed object, and every deleted one when
   * {@code deletes}, to {@code action}.
   */
  static <T> ResourceEventHandler<T> handler(Consumer<T> action, boolean deletes) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        action.accept(object);
      }

      @Override
      public void onUpdate(T old, T object) {
        action.accept(object);
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        if (deletes) {
          action.accept(object);
        }
      }
    };
  }
}
