package dev.honest.launcher.cluster;

import static dev.honest.launcher.cluster.FakeJobController.Attempt;
import static dev.honest.launcher.cluster.FakeJobController.Script;
import static dev.honest.launcher.cluster.TestRuns.NS;
import static dev.honest.launcher.cluster.TestRuns.RUN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.launcher.cluster.WatchResult.Ending;
import dev.honest.launcher.results.PodOutcome;
import dev.honest.launcher.results.WorkerOutcome;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchTest {
  private final TestCluster cluster = new TestCluster();
  private final ClusterOperations ops = cluster.ops();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void theWatchEndsWhenEveryJobHasEndedWithTaskCountsFromTheWorkersResultLines() throws Exception {
    WatchResult result;
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS,
        job -> Script.succeeds(Attempt.completed(TestRuns.completedLog(index(job), 3))))) {
      jobs.hold();
      jobs.start();
      cluster.deploy(ops, TestRuns.resources(RUN, 2, 3));
      Future<WatchResult> watch = cluster.inBackground(() -> ops.watch(2, 6, Duration.ofMinutes(2)));
      Eventually.await("the first progress line", () -> cluster.output().contains("📊 Active: 2 | Succeeded: 0"));

      jobs.release();
      result = watch.get(60, TimeUnit.SECONDS);
    }

    assertThat(result.ending()).isEqualTo(Ending.FINISHED);
    assertThat(result).extracting(WatchResult::jobs, WatchResult::active, WatchResult::succeeded, WatchResult::failed,
        WatchResult::tasksSeen, WatchResult::totalTasks).containsExactly(2, 0, 2, 0, 6, 6);
    List<String> progress = cluster.lines().stream().filter(l -> l.startsWith("📊")).toList();
    assertThat(progress.get(0)).matches("📊 Active: 2 \\| Succeeded: 0 \\| Failed: 0 \\| Time: \\d+s \\| Tasks: 0/6");
    assertThat(progress.get(progress.size() - 1))
        .matches("📊 Active: 0 \\| Succeeded: 2 \\| Failed: 0 \\| Time: \\d+s \\| Tasks: 6/6");
    assertThat(cluster.output()).contains("✅ k8s-worker-1 succeeded in 1m00s", "✅ k8s-worker-2 succeeded in 1m00s");
  }

  @Test
  void aFailedJobIsCountedAndReportedWithItsReason() throws Exception {
    WatchResult result = runToTheEnd(job -> index(job) == 1
        ? Script.succeeds(Attempt.completed(TestRuns.completedLog(1, 2)))
        : Script.fails("DeadlineExceeded", "Job was active longer than specified deadline",
            Attempt.pastDeadline(TestRuns.workerLog(2, List.of(TestRuns.completed("T-2-1", 2)), false))));

    assertThat(result).extracting(WatchResult::ending, WatchResult::succeeded, WatchResult::failed, WatchResult::tasksSeen)
        .containsExactly(Ending.FINISHED, 1, 1, 3);
    assertThat(cluster.output())
        .contains("❌ k8s-worker-2 failed after 1m00s: DeadlineExceeded (Job was active longer than specified deadline)");
  }

  /** `kubectl delete job`, or `cleanup` from another terminal: that worker will never end, nor the watch wait for it. */
  @Test
  void aJobDeletedBeforeItEndedEndsTheWatchCountedAsFailedNotAfterTheTimeout() throws Exception {
    Future<WatchResult> watch;
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS, job -> index(job) == 1
        ? Script.succeeds(Attempt.completed(TestRuns.completedLog(1, 3)))
        : Script.keepsRunning(Attempt.running(TestRuns.workerLog(2, List.of(), false)))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 2, 3));
      watch = cluster.inBackground(() -> ops.watch(2, 6, Duration.ofHours(1)));
      Eventually.await("worker 1 to succeed", () -> cluster.output().contains("📊 Active: 1 | Succeeded: 1"));
    }

    cluster.mock.client().batch().v1().jobs().inNamespace(NS).withName("k8s-worker-2").delete();

    WatchResult result = watch.get(60, TimeUnit.SECONDS);

    assertThat(result).extracting(WatchResult::ending, WatchResult::active, WatchResult::succeeded, WatchResult::failed)
        .containsExactly(Ending.FINISHED, 0, 1, 1);
    assertThat(cluster.output()).contains("❌ k8s-worker-2 was deleted before it ended");
  }

  @Test
  void aWatchThatOutlivesItsTimeoutSaysSoAndLeavesTheJobsRunning() throws Exception {
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS, job -> Script.keepsRunning(
        Attempt.running(TestRuns.workerLog(1, List.of(TestRuns.completed("T-1-1", 1)), false)))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 1, 3));

      WatchResult result = ops.watch(1, 3, Duration.ofSeconds(2));

      assertThat(result).extracting(WatchResult::ending, WatchResult::active).containsExactly(Ending.TIMED_OUT, 1);
    }
    assertThat(cluster.mock.client().batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(1);
  }

  /**
   * {@code kubectl patch job k8s-worker-2 -p '{"spec":{"suspend":true}}'}: the Job controller deletes
   * its pod and sets {@code Suspended}. The Job may be resumed, so the run keeps waiting, but says so
   * at once, and its ending at the timeout names the suspended Job instead of a bare "--timeout".
   * Suspended before the watch starts, so that it is seen before the timeout however slow the machine
   * (a suspension while the watch runs is reported in the next test, without a timeout to race).
   */
  @Test
  void aJobSuspendedDuringTheRunIsReportedAtOnceWithHowToResumeItAndNamedWhenTheWatchTimesOut() throws Exception {
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS, job -> Script.keepsRunning(
        Attempt.running(TestRuns.workerLog(index(job), List.of(), false)))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 2, 3));
      awaitStarted(2);
    }
    suspend("k8s-worker-2");

    long started = System.nanoTime();
    WatchResult result = ops.watch(2, 6, Duration.ofSeconds(2));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(cluster.lines()).contains("⏸ k8s-worker-2 is suspended (spec.suspend: true): the Job controller stopped"
        + " its pod and starts none until it is resumed; it stays counted as Active and the run waits for it until"
        + " --timeout. Resume it with: kubectl patch job k8s-worker-2 -n " + NS
        + " -p '{\"spec\":{\"suspend\":false}}'");
    assertThat(cluster.lines().stream().filter(l -> l.startsWith("⏸"))).hasSize(1);
    assertThat(cluster.lines().stream().filter(l -> l.startsWith("📊")))
        .allMatch(l -> l.matches("📊 Active: 2 \\| Succeeded: 0 \\| Failed: 0 \\| Time: \\d+s \\| Tasks: 0/6"));
    assertThat(result).extracting(WatchResult::ending, WatchResult::active, WatchResult::suspended)
        .containsExactly(Ending.TIMED_OUT, 2, List.of("k8s-worker-2"));
    assertThat(result.stillWaitingFor())
        .isEqualTo(": k8s-worker-2 was suspended (spec.suspend: true) and not resumed");
  }

  @Test
  void aSuspendedJobThatIsResumedIsReportedAndTheWatchEndsWhenItEnds() throws Exception {
    Future<WatchResult> watch;
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS, job -> Script.keepsRunning(
        Attempt.running(TestRuns.workerLog(1, List.of(), false)))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 1, 3));
      watch = cluster.inBackground(() -> ops.watch(1, 3, Duration.ofHours(1)));
      awaitStarted(1);
      Eventually.await("the first progress line", () -> cluster.output().contains("📊 Active: 1"));
    }
    suspend("k8s-worker-1");
    Eventually.await("the suspension to be reported", () -> cluster.output().contains("⏸ k8s-worker-1 is suspended"));
    assertThat(cluster.lines()).contains("⏸ k8s-worker-1 is suspended (spec.suspend: true): the Job controller stopped"
        + " its pod and starts none until it is resumed; it stays counted as Active and the run waits for it until"
        + " --timeout. Resume it with: kubectl patch job k8s-worker-1 -n " + NS
        + " -p '{\"spec\":{\"suspend\":false}}'");

    // `kubectl patch job k8s-worker-1 -p '{"spec":{"suspend":false}}'`; the controller starts a pod, which completes.
    var job = cluster.mock.client().batch().v1().jobs().inNamespace(NS).withName("k8s-worker-1");
    job.edit(j -> {
      j.getSpec().setSuspend(false);
      return j;
    });
    FakeController.editStatus(job, j -> {
      j.getStatus().setConditions(List.of(
          new JobConditionBuilder().withType("Suspended").withStatus("False").withReason("JobResumed").build()));
      return j;
    });
    Eventually.await("the resumption to be reported", () -> cluster.output().contains("▶ k8s-worker-1 was resumed"));
    FakeController.editStatus(job, j -> {
      j.getStatus().setConditions(List.of(
          new JobConditionBuilder().withType("Complete").withStatus("True").withReason("CompletionsReached").build()));
      return j;
    });
    WatchResult result = watch.get(60, TimeUnit.SECONDS);

    assertThat(result).extracting(WatchResult::ending, WatchResult::succeeded, WatchResult::suspended)
        .containsExactly(Ending.FINISHED, 1, List.of());
    assertThat(cluster.lines()).contains("▶ k8s-worker-1 was resumed");
    assertThat(cluster.lines().stream().filter(l -> l.startsWith("⏸"))).hasSize(1);
  }

  /**
   * The API server goes away mid-run (or the {@code watch} right is taken away): fabric8 retries the
   * Jobs' watch forever, so the counts would only repeat. Once the watch has been down for longer than
   * {@code watchBrokenAfter} one line says so with the last error, and what the watch still waited for
   * when it ended names it. The line comes a little after {@code watchBrokenAfter}, not after fabric8's
   * retries: against an API server whose connections time out those take minutes, as they do here with
   * a long retry interval.
   */
  @Test
  void aWatchOfJobsThatBreaksAndDoesNotComeBackIsReportedWithTheLastErrorAndNamedInWhatTheWatchWaitedFor()
      throws Exception {
    Config slowRetries = new ConfigBuilder(cluster.mock.client().getConfiguration())
        .withRequestRetryBackoffInterval(20_000).build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(slowRetries).build()) {
      ClusterOperations ops = cluster.opsThrough(client);
      ops.watchBrokenAfter = Duration.ofSeconds(1);
      Future<WatchResult> watch;
      try (FakeJobController jobs = new FakeJobController(cluster.mock, NS, job -> Script.keepsRunning(
          Attempt.running(TestRuns.workerLog(1, List.of(), false)))).start()) {
        cluster.deploy(ops, TestRuns.resources(RUN, 1, 3));
        watch = cluster.inBackground(() -> ops.watch(1, 3, Duration.ofHours(1)));
        Eventually.await("the first progress line", () -> cluster.output().contains("📊 Active: 1"));
      }
      String url = client.getMasterUrl().toString().replaceAll("/$", "");

      try {
        cluster.mock.server().destroy();
      } catch (IllegalStateException slowToClose) {
        // The server is closing all the same; on a busy machine that takes longer than destroy() waits.
      }
      Eventually.await("the line that the watch is down", () -> cluster.output().contains("⚠"));
      ops.stopWatching();
      WatchResult result = watch.get(60, TimeUnit.SECONDS);

      List<String> warnings = cluster.lines().stream().filter(l -> l.startsWith("⚠")).toList();
      assertThat(warnings).singleElement().asString().matches(Pattern.quote("⚠ The watch of Jobs in namespace " + NS
          + " has been down for ") + "\\d+s" + Pattern.quote(": fabric8 keeps retrying, and the counts below are as"
          + " last seen, not current. Last error: cannot reach the cluster at " + url) + ".*");
      assertThat(result.ending()).isEqualTo(Ending.INTERRUPTED);
      assertThat(result.stillWaitingFor()).matches(Pattern.quote(": the watch of Jobs had been down for ") + "\\d+s"
          + Pattern.quote(" (last error: cannot reach the cluster at " + url) + ".*"
          + Pattern.quote("), so how the Jobs ended since was not seen"));
    }
  }

  @Test
  void stoppingTheWatchEndsItAsInterruptedAndLeavesTheClusterAlone() throws Exception {
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS, job -> Script.keepsRunning(
        Attempt.running(TestRuns.workerLog(1, List.of(), false)))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 1, 3));
      Future<WatchResult> watch = cluster.inBackground(() -> ops.watch(1, 3, Duration.ofHours(1)));
      Eventually.await("the first progress line", () -> cluster.output().contains("📊 Active: 1"));

      ops.stopWatching();

      assertThat(watch.get(30, TimeUnit.SECONDS).ending()).isEqualTo(Ending.INTERRUPTED);
    }
    assertThat(cluster.mock.client().batch().v1().jobs().inNamespace(NS).withName("k8s-worker-1").get()).isNotNull();
  }

  @Test
  void interruptingTheWatchingThreadEndsItAsInterruptedAndKeepsTheFlag() throws Exception {
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS, job -> Script.keepsRunning(
        Attempt.running(TestRuns.workerLog(1, List.of(), false)))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 1, 3));
      CompletableFuture<Object[]> seen = new CompletableFuture<>();
      Future<?> watch = cluster.inBackground(() -> {
        WatchResult r = ops.watch(1, 3, Duration.ofHours(1));
        return seen.complete(new Object[] {r.ending(), Thread.currentThread().isInterrupted()});
      });
      Eventually.await("the first progress line", () -> cluster.output().contains("📊 Active: 1"));

      watch.cancel(true);

      assertThat(seen.get(30, TimeUnit.SECONDS)).containsExactly(Ending.INTERRUPTED, true);
    }
  }

  /**
   * At the Job's {@code activeDeadlineSeconds} (= {@code --timeout}) the Job controller deletes the
   * pods still running, and with them their logs: the tasks the worker finished before must still be
   * in what is collected, as the watch read them while it followed the pod.
   */
  @Test
  void theTasksAWorkerFinishedBeforeItsJobsDeadlineAreCollectedAfterTheControllerDeletedItsPod(@TempDir Path out)
      throws Exception {
    Future<WatchResult> watch = watchOneWorkerThatFinished(PARTIAL);
    deadlinePassed(FakeJobController.podName("k8s-worker-1", 1));
    assertThat(watch.get(60, TimeUnit.SECONDS).ending()).isEqualTo(Ending.FINISHED);

    WorkerOutcome worker = ops.collect(out).get(0);

    assertThat(worker).extracting(WorkerOutcome::status, WorkerOutcome::reason).containsExactly("failed", "DeadlineExceeded");
    assertThat(worker.log()).contains(PARTIAL);
  }

  /** What the Job controller does when worker 1's deadline passes: deletes its running pod, fails the Job. */
  private void deadlinePassed(String pod) throws InterruptedException {
    cluster.mock.client().pods().inNamespace(NS).withName(pod).delete();
    Eventually.await("the pod to be gone", () -> cluster.mock.client().pods().inNamespace(NS).withName(pod).get() == null);
    FakeController.editStatus(cluster.mock.client().batch().v1().jobs().inNamespace(NS).withName("k8s-worker-1"), j -> {
      j.getStatus().setActive(0);
      j.getStatus().setFailed(1);
      j.getStatus().setConditions(List.of(
          new JobConditionBuilder().withType("FailureTarget").withStatus("True").withReason("DeadlineExceeded")
              .withMessage("Job was active longer than specified deadline").build(),
          new JobConditionBuilder().withType("Failed").withStatus("True").withReason("DeadlineExceeded")
              .withMessage("Job was active longer than specified deadline").build()));
      return j;
    });
  }

  @Test
  void theTasksAWorkerFinishedBeforeItsJobWasDeletedAreCollectedFromTheLogFollowedWhileItRan(@TempDir Path out)
      throws Exception {
    Future<WatchResult> watch = watchOneWorkerThatFinished(PARTIAL);
    // `kubectl delete job`: the Job goes, and the garbage collector takes its pod with it.
    cluster.mock.client().batch().v1().jobs().inNamespace(NS).withName("k8s-worker-1").delete();
    cluster.mock.client().pods().inNamespace(NS).withName(FakeJobController.podName("k8s-worker-1", 1)).delete();
    assertThat(watch.get(60, TimeUnit.SECONDS).ending()).isEqualTo(Ending.FINISHED);

    WorkerOutcome worker = ops.collect(out).get(0);

    assertThat(worker.status()).isEqualTo("missing");
    assertThat(worker.log()).contains(PARTIAL);
    assertThat(worker.pods()).singleElement().extracting(PodOutcome::describe).asString()
        .contains("deleted since (its log as the launcher followed it while it ran)");
    assertThat(out.resolve("k8s-worker-1-log.txt")).content(StandardCharsets.UTF_8).contains(PARTIAL);
  }

  /**
   * A followed log still streaming when the watch stops waiting for the last lines (the kubelet's
   * stream stalled) keeps what was read of it: a pod deleted since, its tasks finished before are
   * collected from there, not reported lost with a log that is gone.
   */
  @Test
  void theTasksReadFromALogStillStreamingWhenTheWatchEndsAreCollectedAfterItsPodWasDeleted(@TempDir Path out)
      throws Exception {
    String pod = FakeJobController.podName("k8s-worker-1", 1);
    cluster.mock.stallFollowedLog(NS, pod, PARTIAL);
    ops.logDrain = Duration.ofSeconds(1);
    Future<WatchResult> watch = watchOneWorkerThatFinished(PARTIAL);
    deadlinePassed(pod);
    assertThat(watch.get(60, TimeUnit.SECONDS).ending()).isEqualTo(Ending.FINISHED);

    WorkerOutcome worker = ops.collect(out).get(0);

    assertThat(worker.log()).contains(PARTIAL);
    assertThat(worker.pods()).singleElement().extracting(PodOutcome::describe).asString()
        .contains("deleted since (its log as the launcher followed it while it ran)");
  }

  /** The log of a worker that finished one of its three tasks and goes on running. */
  private static final String PARTIAL = TestRuns.workerLog(1, List.of(TestRuns.completed("T-1-1", 1)), false);

  /** Watches one worker that printed {@code log} and keeps running, until its finished task is counted. */
  private Future<WatchResult> watchOneWorkerThatFinished(String log) throws Exception {
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS,
        job -> Script.keepsRunning(Attempt.running(log))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 1, 3));
      Future<WatchResult> watch = cluster.inBackground(() -> ops.watch(1, 3, Duration.ofHours(1)));
      Eventually.await("the finished task to be counted", () -> cluster.output().contains("Tasks: 1/3"));
      return watch;
    }
  }

  /** Memory: a succeeded Job's logs are kept once, in its outcome collected as it ended, not also as followed. */
  @Test
  void theFollowedLogsOfJobsCollectedAsTheyEndedAreLetGo() throws Exception {
    WatchResult result = runToTheEnd(job -> Script.succeeds(Attempt.completed(TestRuns.completedLog(index(job), 3))));

    assertThat(result.succeeded()).isEqualTo(2);
    Eventually.await("the followed logs of the Jobs collected as they ended to be let go",
        () -> ops.followedLogs().isEmpty());
  }

  private WatchResult runToTheEnd(Function<Job, Script> scripts) throws Exception {
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS, scripts).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 2, 3));
      return ops.watch(2, 6, Duration.ofMinutes(2));
    }
  }

  /**
   * Waits until the fake Job controller has started each of the run's {@code jobs} Jobs (its pod
   * created, its status set): a progress line comes as soon as the Jobs exist, before that, and a
   * controller closed earlier would never start them.
   */
  /**
   * An image the cluster cannot pull (a wrong --image, a registry it may not read) leaves every worker
   * pod waiting and its Job Active until the deadline: one line says so at once, for all of them.
   */
  @Test
  void workerPodsThatCannotPullTheirImageAreReportedAtOnceInOneLine() throws Exception {
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS, job -> Script.keepsRunning(
        Attempt.running(TestRuns.workerLog(index(job), List.of(), false)))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 2, 3));
      awaitStarted(2);
      Eventually.await("the workers' pods", () -> workerPods().size() == 2);
    }
    List<Pod> pods = workerPods();
    waiting(pods.get(0), "ErrImagePull", "failed to pull and unpack image \"docker.io/library/honest-worker:0.1.0\":"
        + " not found");
    waiting(pods.get(1), "ImagePullBackOff", "Back-off pulling image \"honest-worker:0.1.0\"");

    Future<WatchResult> watch = cluster.inBackground(() -> ops.watch(2, 6, Duration.ofHours(1)));
    Eventually.await("the pods that cannot start to be reported", () -> cluster.output().contains("⚠"));
    ops.stopWatching();
    watch.get(30, TimeUnit.SECONDS);

    String first = pods.get(0).getMetadata().getName();
    assertThat(cluster.lines().stream().filter(l -> l.startsWith("⚠"))).containsExactly("⚠ Worker pod " + first
        + " (and 1 more) cannot start: container worker: ErrImagePull (failed to pull and unpack image"
        + " \"docker.io/library/honest-worker:0.1.0\": not found). The cluster cannot pull the worker image: check"
        + " --image and that the cluster may pull from its registry. The Jobs stay Active meanwhile, and their deadline"
        + " (--timeout) counts. See: kubectl -n " + NS + " describe pod " + first);
  }

  private List<Pod> workerPods() {
    return cluster.mock.client().pods().inNamespace(NS).list().getItems().stream()
        .filter(p -> p.getMetadata().getLabels().containsKey(RunLabels.JOB_NAME))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
  }

  /** The kubelet's status of a pod whose worker container waits for {@code reason}. */
  private void waiting(Pod pod, String reason, String message) {
    FakeController.editStatus(cluster.mock.client().pods().inNamespace(NS).withName(pod.getMetadata().getName()), p -> {
      p.getStatus().setPhase("Pending");
      p.getStatus().getContainerStatuses().get(0).setReady(false);
      p.getStatus().getContainerStatuses().get(0).setState(new ContainerStateBuilder().withNewWaiting()
          .withReason(reason).withMessage(message).endWaiting().build());
      return p;
    });
  }

  private void awaitStarted(int jobs) throws InterruptedException {
    Eventually.await(jobs + " Jobs started by the Job controller", () -> cluster.mock.client().batch().v1().jobs()
        .inNamespace(NS).list().getItems().stream().filter(j -> j.getStatus() != null).count() == jobs);
  }

  /** {@code kubectl patch job NAME -p '{"spec":{"suspend":true}}'}, then what the Job controller does. */
  private void suspend(String name) {
    var job = cluster.mock.client().batch().v1().jobs().inNamespace(NS).withName(name);
    job.edit(j -> {
      j.getSpec().setSuspend(true);
      return j;
    });
    cluster.mock.client().pods().inNamespace(NS).withLabel(RunLabels.JOB_NAME, name).delete();
    FakeController.editStatus(job, j -> {
      j.getStatus().setActive(0);
      j.getStatus().setConditions(List.of(new JobConditionBuilder().withType("Suspended").withStatus("True")
          .withReason("JobSuspended").withMessage("Job suspended").build()));
      return j;
    });
  }

  static int index(Job job) {
    return JobState.workerIndex(job.getMetadata().getName());
  }
}
