package dev.honest.launcher.cluster;

import static dev.honest.launcher.cluster.FakeJobController.Attempt;
import static dev.honest.launcher.cluster.FakeJobController.Script;
import static dev.honest.launcher.cluster.FakeJobController.podName;
import static dev.honest.launcher.cluster.TestRuns.NS;
import static dev.honest.launcher.cluster.TestRuns.RUN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.exit.ExitCode;
import dev.honest.common.result.Finding;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import dev.honest.launcher.cluster.WatchResult.Ending;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.SignedLogs;
import dev.honest.launcher.attest.Carried;
import dev.honest.launcher.results.Aggregator;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.CostSettings;
import dev.honest.launcher.results.PodOutcome;
import dev.honest.launcher.results.WorkerOutcome;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class CollectTest {
  private static final String W1 = "k8s-worker-1";

  private final TestCluster cluster = new TestCluster();
  private final ClusterOperations ops = cluster.ops();
  @TempDir Path out;

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void anAttemptKilledForMemoryAndItsSuccessfulRetryAreBothCollectedOldestFirst() throws Exception {
    String killed = TestRuns.workerLog(1, List.of(TestRuns.completed("T-1-1", 1)), false);
    String retried = TestRuns.completedLog(1, 3);
    runOneWorker(job -> Script.succeeds(Attempt.failed(killed, 137, "OOMKilled"), Attempt.completed(retried)));

    WorkerOutcome worker = ops.collect(out).get(0);

    assertThat(worker).extracting(WorkerOutcome::index, WorkerOutcome::job, WorkerOutcome::status, WorkerOutcome::reason,
        WorkerOutcome::durationMs).containsExactly(1, W1, "succeeded", null, 120_000L);
    assertThat(worker.pods()).containsExactly(
        new PodOutcome(podName(W1, 1), "node-1", 137, "OOMKilled", null),
        new PodOutcome(podName(W1, 2), "node-2", 0, "Completed", null));
    assertThat(worker.log()).isEqualTo(
        "==> attempt 1/2: pod " + podName(W1, 1) + " on node-1: OOMKilled (exit 137) <==\n" + killed
            + "==> attempt 2/2: pod " + podName(W1, 2) + " on node-2: Completed (exit 0) <==\n" + retried);
    assertThat(Files.readString(out.resolve(W1 + "-log.txt"), StandardCharsets.UTF_8)).isEqualTo(worker.log());
    assertThat(taskIds(worker.log())).containsExactly("T-1-1", "T-1-1", "T-1-2", "T-1-3");
  }

  @Test
  void aJobPastItsDeadlineFailsWithThatReasonAndItsPartialLogIsKept() throws Exception {
    String partial = TestRuns.workerLog(1, List.of(TestRuns.completed("T-1-1", 1)), false);
    runOneWorker(job -> Script.fails("DeadlineExceeded", "Job was active longer than specified deadline",
        Attempt.pastDeadline(partial)));

    WorkerOutcome worker = ops.collect(out).get(0);

    assertThat(worker).extracting(WorkerOutcome::status, WorkerOutcome::reason).containsExactly("failed", "DeadlineExceeded");
    assertThat(worker.pods()).containsExactly(new PodOutcome(podName(W1, 1), "node-1", 137, "DeadlineExceeded",
        "Pod was active on the node longer than the specified deadline"));
    assertThat(worker.log()).endsWith(partial);
  }

  @Test
  void aWorkerKilledHalfWayKeepsItsOutcomeAndEveryLineItPrinted() throws Exception {
    TaskRecord third = TestRuns.failed("T-1-3", 1);
    String cutOff = ResultLines.format(third).substring(0, 80);
    String log = TestRuns.workerLog(1, List.of(TestRuns.completed("T-1-1", 1), TestRuns.failed("T-1-2", 1)), false)
        + cutOff;
    runOneWorker(job -> Script.fails("BackoffLimitExceeded", "Job has reached the specified backoff limit",
        Attempt.failed(log, 137, "Error")));

    WorkerOutcome worker = ops.collect(out).get(0);

    assertThat(worker).extracting(WorkerOutcome::status, WorkerOutcome::reason).containsExactly("failed", "BackoffLimitExceeded");
    assertThat(worker.pods()).extracting(PodOutcome::exitCode, PodOutcome::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple(137, "Error"));
    assertThat(worker.log()).endsWith(cutOff + "\n");
    List<String> lines = worker.log().lines().toList();
    assertThat(lines.subList(0, lines.size() - 1).stream().map(ResultLines::parseRecord).flatMap(Optional::stream)
        .map(TaskRecord::id)).containsExactly("T-1-1", "T-1-2");
    assertThatThrownBy(() -> ResultLines.parseRecord(lines.get(lines.size() - 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRestartedContainersEarlierLogComesBeforeItsCurrentOne() throws Exception {
    String before = TestRuns.workerLog(1, List.of(TestRuns.completed("T-1-1", 1)), false);
    String after = TestRuns.completedLog(1, 3);
    runOneWorker(job -> Script.succeeds(Attempt.completed(after).restartedAfter(before)));

    WorkerOutcome worker = ops.collect(out).get(0);

    assertThat(worker.log()).isEqualTo(
        "==> attempt 1/1: pod " + podName(W1, 1) + " on node-1: Completed (exit 0) <==\n"
            + "--- container before restart 1 ---\n" + before
            + "--- container after restart 1 ---\n" + after);
  }

  @Test
  void aWorkerOfThePlanWithoutAJobIsReportedMissingAndCollectWorksWithoutTheRunId() throws Exception {
    Files.createDirectories(out);
    Files.writeString(out.resolve("k8s-worker-3-log.txt"), "an earlier run's worker 3\n");
    RunResources twoOfThree = TestRuns.resources(RUN, 2, 2);
    RunResources run = new RunResources(twoOfThree.namespace(), twoOfThree.ollama(), twoOfThree.ollamaService(),
        twoOfThree.ollamaPods(), twoOfThree.networkPolicies(), twoOfThree.workerAccess(),
        List.of(TestRuns.planConfigMap(TestRuns.plan(RUN, 3, 2))), twoOfThree.signingKey(), twoOfThree.jobs());
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS,
        job -> Script.succeeds(Attempt.completed(TestRuns.completedLog(WatchTest.index(job), 2)))).start()) {
      cluster.deploy(ops, run);
      assertThat(ops.watch(2, 6, Duration.ofMinutes(2)).ending()).isEqualTo(Ending.FINISHED);
    }

    List<WorkerOutcome> workers = cluster.ops(null).collect(out);

    assertThat(workers).extracting(WorkerOutcome::index, WorkerOutcome::job, WorkerOutcome::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, "k8s-worker-1", "succeeded"),
        org.assertj.core.groups.Tuple.tuple(2, "k8s-worker-2", "succeeded"),
        org.assertj.core.groups.Tuple.tuple(3, "k8s-worker-3", "missing"));
    assertThat(out.resolve("k8s-worker-2-log.txt")).exists();
    // README: k8s-worker-N-log.txt is everything worker N (of this run) printed; worker 3 of this run printed nothing.
    assertThat(out.resolve("k8s-worker-3-log.txt")).doesNotExist();
    assertThat(cluster.output()).contains("📥 k8s-worker-3: missing (no such Job in namespace " + NS + ")");
  }

  @Test
  void aSucceededJobsOutcomeIsCollectedAsItEndsAndKeepsItsLogsWhenItsPodsAreDeletedBeforeCollect() throws Exception {
    List<WorkerOutcome> early = twoWorkersCollectedAsTheyEnd();
    // A TTL controller, or a user, may delete the pods of an ended Job before the launcher collects.
    cluster.mock.client().pods().inNamespace(NS).delete();

    List<WorkerOutcome> workers = ops.collect(out);

    assertThat(workers).extracting(WorkerOutcome::status).containsExactly("succeeded", "succeeded");
    assertThat(workers).allSatisfy(w -> assertThat(taskIds(w.log())).hasSize(2));
    assertThat(workers).containsExactlyInAnyOrderElementsOf(early);
    assertThat(Files.readString(out.resolve("k8s-worker-2-log.txt"), StandardCharsets.UTF_8))
        .isEqualTo(workers.get(1).log());
  }

  @Test
  void theTasksOfASucceededJobWhosePodsWereDeletedAreLostBecauseThePodsAreGoneNotBecauseNoneRan() throws Exception {
    runOneWorker(job -> Script.succeeds(Attempt.completed(TestRuns.completedLog(1, 3))));
    // A user or the pod garbage collector deletes the pods before `collect` (a TTL would delete the Job too).
    cluster.mock.client().pods().inNamespace(NS).delete();

    // A launcher of its own, as `collect` is: nothing was collected while the Job ran.
    ClusterResults results = aggregate(cluster.ops().collect(out));

    assertThat(results.tasks()).extracting(t -> t.error().message()).containsOnly("no result from worker 1 ("
        + W1 + ", succeeded); its pods are gone: the Job's status counts 1 pod(s) that ran, deleted since (e.g. by"
        + " `kubectl delete pod` or the pod garbage collector), and their logs with them");
    assertThat(cluster.output()).contains("📥 " + W1 + ": succeeded, 0 pod(s) (1 ran, deleted since: their logs are"
        + " gone) → ");
  }

  @Test
  void theTasksOfAFailedJobWhosePodsWereDeletedAreLostBecauseThePodsAreGoneNotBecauseNoneRan() throws Exception {
    String log = TestRuns.workerLog(1, List.of(TestRuns.completed("T-1-1", 1)), false);
    runOneWorker(job -> Script.fails("BackoffLimitExceeded", "Job has reached the specified backoff limit",
        Attempt.failed(log, 1, "Error"), Attempt.failed(log, 1, "Error")));
    cluster.mock.client().pods().inNamespace(NS).delete();

    ClusterResults results = aggregate(cluster.ops().collect(out));

    assertThat(results.tasks()).extracting(t -> t.error().message()).containsOnly("no result from worker 1 ("
        + W1 + ", failed: BackoffLimitExceeded); its pods are gone: the Job's status counts 2 pod(s) that ran, deleted"
        + " since (e.g. by `kubectl delete pod` or the pod garbage collector), and their logs with them");
  }

  /**
   * {@code collect} again while a pod's node is down: the pod is still there, but the API server
   * cannot get its log from the kubelet. What the earlier collect read of it stays, so its completed
   * tasks stay completed with their proof; the log file is not replaced with the error, which would
   * lose them for good once the pod is gone.
   */
  @Test
  void collectAgainWhileAPodsLogCannotBeReadKeepsItsLogAsCollectedEarlier() throws Exception {
    runOneWorker(job -> Script.succeeds(Attempt.completed(TestRuns.completedLog(1, 3))));
    WorkerOutcome first = cluster.ops().collect(out, o -> {}, true).get(0);
    String why = "Get https://10.224.0.5:10250/containerLogs/" + NS + "/" + podName(W1, 1) + "/worker: dial tcp"
        + " 10.224.0.5:10250: connect: no route to host";
    cluster.mock.unreadableLog(NS, podName(W1, 1), why);

    WorkerOutcome again = cluster.ops().collect(out, o -> {}, true).get(0);

    assertThat(taskIds(again.log())).containsExactly("T-1-1", "T-1-2", "T-1-3");
    assertThat(again.log()).isEqualTo(first.log());
    assertThat(Files.readString(out.resolve(W1 + "-log.txt"), StandardCharsets.UTF_8)).isEqualTo(first.log());
    assertThat(aggregate(List.of(again)).completedTasks()).isEqualTo(3);
  }

  /**
   * {@code collect} again reads the earlier log for the attempts of pods gone since: a Ctrl-C or a crash
   * while a log is written must not leave it cut. Each log is written whole to a file of its own, then
   * moved over the earlier one, never rewritten in place.
   */
  @Test
  void collectAgainReplacesEachLogWithAWholeNewFileRatherThanRewritingTheEarlierInPlace() throws Exception {
    runOneWorker(job -> Script.succeeds(Attempt.completed(TestRuns.completedLog(1, 3))));
    cluster.ops().collect(out, o -> {}, true);
    Path log = out.resolve(W1 + "-log.txt");
    Object earlier = Files.readAttributes(log, BasicFileAttributes.class).fileKey();

    WorkerOutcome again = cluster.ops().collect(out, o -> {}, true).get(0);

    assertThat(Files.readAttributes(log, BasicFileAttributes.class).fileKey()).isNotNull().isNotEqualTo(earlier);
    assertThat(Files.readString(log, StandardCharsets.UTF_8)).isEqualTo(again.log());
    try (var files = Files.list(out)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
    }
  }

  /**
   * {@code collect} again after the pods are gone reads the attempts of the earlier log by their
   * headers, which start lines: a model's answer that quotes a header (a review of these very tests)
   * is inside a record's line, not one, and the record stays whole with its task.
   */
  @Test
  void collectAgainAfterThePodsAreGoneKeepsARecordWhoseTextQuotesAnAttemptHeader() throws Exception {
    TaskRecord done = TestRuns.completed("T-1-1", 1);
    TaskRecord quoting = new TaskRecord(done.id(), done.title(), done.priority(), done.category(), done.area(),
        done.action(), done.worker(), done.pod(), done.node(), done.status(), done.error(), done.model(),
        done.modelDigest(), done.attempts(), done.startedAt(), done.finishedAt(), done.inputs(), done.calls(),
        List.of(new Finding("CollectTest.java", 66, "low", "Long literal", "The test spells out \"==> attempt 2/2:"
            + " pod \" + podName(W1, 2) + \" on node-2: Completed (exit 0) <==\\n\" in one line.", "Split it.")),
        done.changes(), done.carriedFrom());
    String killed = TestRuns.workerLog(1, List.of(quoting, TestRuns.completed("T-1-2", 1)), false);
    String retried = TestRuns.workerLog(1, List.of(TestRuns.completed("T-1-3", 1)), true);
    runOneWorker(job -> Script.succeeds(Attempt.failed(killed, 137, "OOMKilled"), Attempt.completed(retried)));
    WorkerOutcome first = cluster.ops().collect(out, o -> {}, true).get(0);
    cluster.mock.client().pods().inNamespace(NS).delete();

    WorkerOutcome again = cluster.ops().collect(out, o -> {}, true).get(0);

    assertThat(taskIds(first.log())).containsExactly("T-1-1", "T-1-2", "T-1-3");
    assertThat(taskIds(again.log())).containsExactly("T-1-1", "T-1-2", "T-1-3");
    assertThat(again.log()).isEqualTo(first.log().replace(" <==\n2026", ", deleted since (its log as collected"
        + " earlier) <==\n2026"));
  }

  /**
   * A worker log opened and saved in an editor: on Windows with CRLF line ends, by Notepad with a
   * byte-order mark before the first line. {@code collect} again after the pods are gone still reads
   * its attempts, and their records keep their proof (the lines are the ones the worker printed).
   */
  @ParameterizedTest
  @ValueSource(strings = {"CRLF line ends", "a byte-order mark"})
  void collectAgainAfterThePodsAreGoneKeepsALogSavedByAnEditor(String savedWith) throws Exception {
    runOneWorker(job -> Script.succeeds(Attempt.completed(TestRuns.completedLog(1, 3))));
    WorkerOutcome first = cluster.ops().collect(out, o -> {}, true).get(0);
    String saved = savedWith.startsWith("CRLF") ? first.log().replace("\n", "\r\n") : "\uFEFF" + first.log();
    Files.writeString(out.resolve(W1 + "-log.txt"), saved, StandardCharsets.UTF_8);
    cluster.mock.client().pods().inNamespace(NS).delete();

    WorkerOutcome again = cluster.ops().collect(out, o -> {}, true).get(0);

    assertThat(again.pods()).hasSize(1);
    assertThat(again.log()).isEqualTo(first.log().replaceFirst(" <==\n", ", deleted since (its log as collected"
        + " earlier) <==\n"));
    assertThat(aggregate(List.of(again)).completedTasks()).isEqualTo(3);
  }

  /**
   * A pod whose log the earlier collect could not read, gone since: collected again, its attempt
   * still says that its log was never read, and so do its tasks' errors, rather than that the worker
   * printed no result.
   */
  @Test
  void collectAgainAfterThePodsAreGoneStillSaysALogWasNeverRead() throws Exception {
    runOneWorker(job -> Script.succeeds(Attempt.completed(TestRuns.completedLog(1, 3))));
    String why = "Get https://10.224.0.5:10250/containerLogs/" + NS + "/" + podName(W1, 1) + "/worker: dial tcp"
        + " 10.224.0.5:10250: connect: no route to host";
    cluster.mock.unreadableLog(NS, podName(W1, 1), why);
    WorkerOutcome first = cluster.ops().collect(out, o -> {}, true).get(0);
    cluster.mock.client().pods().inNamespace(NS).delete();

    WorkerOutcome again = cluster.ops().collect(out, o -> {}, true).get(0);

    assertThat(first.pods()).extracting(PodOutcome::unreadLog).containsExactly("HTTP 500: " + why);
    assertThat(again.pods()).extracting(PodOutcome::unreadLog).containsExactly("HTTP 500: " + why);
    assertThat(aggregate(List.of(again)).tasks()).extracting(t -> t.error().message())
        .allSatisfy(m -> assertThat(m).contains("the log of pod " + podName(W1, 1) + " could not be read"));
  }

  /** A log that neither the earlier collect nor this one could read is still said to be unread. */
  @Test
  void collectAgainWhileAPodsLogStillCannotBeReadStillSaysItWasNeverRead() throws Exception {
    runOneWorker(job -> Script.succeeds(Attempt.completed(TestRuns.completedLog(1, 3))));
    String why = "Get https://10.224.0.5:10250/containerLogs/" + NS + "/" + podName(W1, 1) + "/worker: dial tcp"
        + " 10.224.0.5:10250: connect: no route to host";
    cluster.mock.unreadableLog(NS, podName(W1, 1), why);
    cluster.ops().collect(out, o -> {}, true);

    WorkerOutcome again = cluster.ops().collect(out, o -> {}, true).get(0);

    assertThat(again.pods()).extracting(PodOutcome::unreadLog).containsExactly("HTTP 500: " + why);
    assertThat(aggregate(List.of(again)).tasks()).extracting(t -> t.error().message())
        .allSatisfy(m -> assertThat(m).contains("the log of pod " + podName(W1, 1) + " could not be read"));
  }

  /** What {@code collect} makes of the outcomes of the run of {@link #runOneWorker}. */
  private static ClusterResults aggregate(List<WorkerOutcome> workers) {
    List<TaskSpec> tasks = TestRuns.taskIds(1, 3).stream().map(id -> SignedLogs.spec(TestRuns.completed(id, 1)))
        .toList();
    Instant now = Instant.now();
    return new Aggregator(CostSettings.defaults(), SignedLogs.signer(RUN))
        .aggregate(TestRuns.plan(RUN, 1, 3), tasks, workers, now, now, Carried.NONE);
  }

  @Test
  void eachOutcomeFetchedIsHandedOverInTheWorkersOrderBeforeItsLogFileIsWritten() throws Exception {
    runThreeWorkersOfTwoTasks();
    List<WorkerOutcome> handed = new ArrayList<>();
    List<String> logFilesThen = new ArrayList<>();

    // A launcher of its own, as `collect` is: nothing was collected while the Jobs ran.
    List<WorkerOutcome> workers = cluster.ops().collect(out, outcome -> {
      handed.add(outcome);
      try (var files = Files.list(out)) {
        logFilesThen.add(outcome.job() + " saw " + files.map(f -> f.getFileName().toString()).sorted().toList());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    assertThat(handed).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(handed.get(i)).isSameAs(workers.get(i));
    }
    // Handed over in order, as soon as it and those before it are fetched: before its own log file is written.
    assertThat(logFilesThen).containsExactly("k8s-worker-1 saw []", "k8s-worker-2 saw [k8s-worker-1-log.txt]",
        "k8s-worker-3 saw [k8s-worker-1-log.txt, k8s-worker-2-log.txt]");
  }

  @Test
  void theLogsOfSeveralJobsAreFetchedTogetherNotOneAfterTheOther(@TempDir Path earlier) throws Exception {
    runThreeWorkersOfTwoTasks();
    ops.collect(earlier); // waits for what the run's launcher fetched as the Jobs ended
    int printedBefore = cluster.lines().size();
    Duration delay = Duration.ofSeconds(2);
    cluster.mock.slowLogs(delay);

    List<WorkerOutcome> workers = cluster.ops().collect(out);

    List<Long> asked = cluster.mock.logsAskedAt();
    assertThat(asked).hasSize(3);
    // One at a time, each log would be asked for only after the one before it had come, `delay` later.
    assertThat(Duration.ofNanos(asked.get(2) - asked.get(0))).isLessThan(delay);
    assertThat(ClusterOperations.DEFAULT_LOG_REQUESTS).isGreaterThanOrEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(workers.get(i).job()).isEqualTo("k8s-worker-" + (i + 1));
      assertThat(taskIds(workers.get(i).log())).containsExactly("T-" + (i + 1) + "-1", "T-" + (i + 1) + "-2");
      assertThat(Files.readString(out.resolve("k8s-worker-" + (i + 1) + "-log.txt"), StandardCharsets.UTF_8))
          .isEqualTo(workers.get(i).log());
    }
    List<String> printed = cluster.lines().subList(printedBefore, cluster.lines().size());
    assertThat(printed).filteredOn(l -> l.startsWith("📥")).extracting(l -> l.substring(0, l.indexOf(',')))
        .containsExactly("📥 k8s-worker-1: succeeded", "📥 k8s-worker-2: succeeded", "📥 k8s-worker-3: succeeded");

    // The same collect one Job at a time: each log is asked for only once the one before it has come.
    cluster.mock.slowLogs(delay);
    assertThat(cluster.ops().logRequests(1).collect(out)).isEqualTo(workers);
    asked = cluster.mock.logsAskedAt();
    assertThat(Duration.ofNanos(asked.get(1) - asked.get(0))).isGreaterThanOrEqualTo(delay);
    assertThat(Duration.ofNanos(asked.get(2) - asked.get(1))).isGreaterThanOrEqualTo(delay);
  }

  @Test
  void aLogTheClusterForbidsStopsCollectNamingItAfterTheWorkersBeforeIt() throws Exception {
    String denial = "pods \"" + podName("k8s-worker-2", 1) + "\" is forbidden: User \"dev\" cannot get resource"
        + " \"pods/log\"";
    cluster.mock.server().expect().get()
        .withPath("/api/v1/namespaces/" + NS + "/pods/" + podName("k8s-worker-2", 1) + "/log?pretty=false")
        .andReturn(403, new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
            .withMessage(denial).build())
        .always();
    runThreeWorkersOfTwoTasks();

    assertThatThrownBy(() -> cluster.ops().collect(out))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE))
        .hasMessage("forbidden: cannot get pods/log in namespace " + NS + " (" + denial + ")"
            + " — ask for an RBAC role that allows get on pods/log");
    // The workers' logs are written in order: the first one's was, no later one's.
    try (var files = Files.list(out)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly(W1 + "-log.txt");
    }
  }

  @Test
  void aLogTheKubeletCouldNotServeIsNotedInItsAttemptWithWhyAndTheOtherLogsAreCollected() throws Exception {
    String w2 = "k8s-worker-2";
    String why = "Get \"https://10.224.0.5:10250/containerLogs/" + NS + "/" + podName(w2, 1) + "/worker\": dial tcp"
        + " 10.224.0.5:10250: connect: no route to host";
    cluster.mock.server().expect().get()
        .withPath("/api/v1/namespaces/" + NS + "/pods/" + podName(w2, 1) + "/log?pretty=false")
        .andReturn(404, new StatusBuilder().withStatus("Failure").withCode(404).withMessage(why).build())
        .always();
    runThreeWorkersOfTwoTasks();

    List<WorkerOutcome> workers = ops.collect(out);

    assertThat(workers.get(1).pods()).containsExactly(
        new PodOutcome(podName(w2, 1), "node-1", 0, "Completed", null, "HTTP 404: " + why));
    assertThat(workers.get(1).log()).endsWith("(no log: HTTP 404: " + why + ")\n");
    assertThat(workers.get(0).pods()).extracting(PodOutcome::unreadLog).containsOnlyNulls();
    assertThat(taskIds(workers.get(2).log())).containsExactly("T-3-1", "T-3-2");
  }

  @Test
  void jobsThatEndTogetherHaveTheirLogsFetchedTogetherAsTheyEnd() throws Exception {
    // Longer than in the test above: here the spread of the asks includes the fake controller ending
    // the Jobs one after the other (API calls of its own for each), up to 0.7 s measured on one loaded core.
    Duration delay = Duration.ofSeconds(5);
    cluster.mock.slowLogs(delay);
    List<WorkerOutcome> early = new CopyOnWriteArrayList<>();
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS,
        job -> Script.succeeds(Attempt.completed(TestRuns.completedLog(WatchTest.index(job), 2)))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 3, 2));
      assertThat(ops.watch(3, 6, Duration.ofMinutes(2), early::add).ending()).isEqualTo(Ending.FINISHED);
    }
    List<WorkerOutcome> workers = ops.collect(out); // waits for those still being fetched

    assertThat(early).hasSize(3);
    assertThat(workers).containsExactlyInAnyOrderElementsOf(early);
    List<Long> asked = cluster.mock.logsAskedAt();
    assertThat(asked).hasSize(3);
    // The fake controller ends the three Jobs within moments of each other; one at a time, each log
    // would be asked for only after the one before it had come, `delay` later.
    assertThat(Duration.ofNanos(asked.get(2) - asked.get(0))).isLessThan(delay);
  }

  /** At 10,000 tasks the workspace files' ConfigMaps weigh tens of MB: {@code collect} needs only the task shards. */
  @Test
  void theRunsConfigMapsAreListedWithoutThoseOfItsWorkspaceFiles() {
    for (String component : List.of("config", "task-files")) {
      cluster.mock.client().configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata()
          .withName("cm-" + component).addToLabels(RunLabels.INSTANCE, RUN)
          .addToLabels("app.kubernetes.io/component", component).endMetadata().addToData("k", "v").build()).create();
    }

    assertThat(ops.configMaps(RUN)).extracting(c -> c.getMetadata().getName()).containsExactly("cm-config");
  }

  @Test
  void theRunsPodsAreListedOnceForAllItsJobsAndEachJobKeepsItsOwn() throws Exception {
    runThreeWorkersOfTwoTasks();
    podRequests();

    List<WorkerOutcome> workers = cluster.ops().collect(out);

    List<String> podRequests = podRequests();
    String pods = "GET /api/v1/namespaces/" + NS + "/pods";
    // One list of the run's pods; per pod, fabric8 looks the pod up by name before it reads its log.
    assertThat(podRequests).filteredOn(r -> r.startsWith(pods + "?labelSelector="))
        .containsExactly(pods + "?labelSelector=app.kubernetes.io%2Finstance%3D" + RUN);
    assertThat(podRequests).filteredOn(r -> r.contains("/log"))
        .containsExactlyInAnyOrder(pods + "/" + podName(W1, 1) + "/log?pretty=false",
            pods + "/" + podName("k8s-worker-2", 1) + "/log?pretty=false",
            pods + "/" + podName("k8s-worker-3", 1) + "/log?pretty=false");
    assertThat(podRequests).hasSize(7);
    for (int i = 0; i < 3; i++) {
      assertThat(workers.get(i).pods()).extracting(PodOutcome::pod).containsExactly(podName("k8s-worker-" + (i + 1), 1));
      assertThat(taskIds(workers.get(i).log())).containsExactly("T-" + (i + 1) + "-1", "T-" + (i + 1) + "-2");
    }
  }

  @Test
  void outcomesCollectedAsTheirJobsEndedAreNotHandedOverAgain() throws Exception {
    List<WorkerOutcome> early = twoWorkersCollectedAsTheyEnd();
    List<WorkerOutcome> handed = new CopyOnWriteArrayList<>();
    podRequests();

    List<WorkerOutcome> workers = ops.collect(out, handed::add);

    assertThat(early).hasSize(2);
    assertThat(workers).containsExactlyInAnyOrderElementsOf(early);
    assertThat(handed).isEmpty();
    assertThat(podRequests()).as("nothing left to fetch: not even the run's pods are listed").isEmpty();
  }

  /** Runs two workers of two tasks each while {@link #ops} collects each as it ends; returns what it collected so. */
  private List<WorkerOutcome> twoWorkersCollectedAsTheyEnd() throws Exception {
    List<WorkerOutcome> early = new CopyOnWriteArrayList<>();
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS,
        job -> Script.succeeds(Attempt.completed(TestRuns.completedLog(WatchTest.index(job), 2)))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 2, 2));
      assertThat(ops.watch(2, 4, Duration.ofMinutes(2), early::add).ending()).isEqualTo(Ending.FINISHED);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (early.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return early;
  }

  /** The requests for pods and their logs the mock server answered since the last call, as {@code GET /path?query}. */
  /**
   * The pod requests the mock server recorded so far, once none has come for half a second (50 ms let
   * a loaded machine's late requests of the watch before fall into the next call's count; a run under
   * load once counted 6 requests of {@code collect} instead of 7, not reproduced since).
   */
  private List<String> podRequests() throws InterruptedException {
    List<String> requests = new ArrayList<>();
    for (RecordedRequest r = cluster.mock.server().takeRequest(500, TimeUnit.MILLISECONDS); r != null;
        r = cluster.mock.server().takeRequest(500, TimeUnit.MILLISECONDS)) {
      if (r.getPath().startsWith("/api/v1/namespaces/" + NS + "/pods")) {
        requests.add(r.getMethod() + " " + r.getPath());
      }
    }
    return requests;
  }

  /** Runs three workers of two tasks each, collecting nothing while they run. */
  private void runThreeWorkersOfTwoTasks() throws Exception {
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS,
        job -> Script.succeeds(Attempt.completed(TestRuns.completedLog(WatchTest.index(job), 2)))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 3, 2));
      assertThat(ops.watch(3, 6, Duration.ofMinutes(2)).ending()).isEqualTo(Ending.FINISHED);
    }
  }

  private void runOneWorker(Function<Job, Script> script) throws Exception {
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS, script).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 1, 3));
      assertThat(ops.watch(1, 3, Duration.ofMinutes(2)).ending()).isEqualTo(Ending.FINISHED);
    }
  }

  private static List<String> taskIds(String log) {
    return log.lines().map(ResultLines::parseRecord).flatMap(Optional::stream).map(TaskRecord::id).toList();
  }
}
