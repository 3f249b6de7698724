package dev.honest.launcher.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.honest.common.attest.RecordDigest;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.result.AttestationLine;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskError;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.common.attest.TaskPredicate;
import dev.honest.common.json.Json;
import dev.honest.common.proof.Dsse;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.proof.Statement;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.SignedLogs;
import dev.honest.launcher.attest.Carried;
import dev.honest.launcher.attest.RunAttestation;
import dev.honest.launcher.attest.Verifier;
import dev.honest.worker.run.Attestor;
import dev.honest.worker.run.WorkerIdentity;
import java.nio.file.Path;
import java.util.Base64;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

class AggregatorTest {
  private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");
  private static final Instant END = Instant.parse("2026-11-26T10:05:30Z");

  private final List<TaskSpec> tasks = List.of(spec("T-1"), spec("T-2"), spec("T-3"), spec("T-4"));
  private final Plan plan = new Plan("run-1", List.of(
      new WorkerSlice(1, "critical-security", "k8s-worker-1", List.of("T-1", "T-2"), 100),
      new WorkerSlice(2, "high-perf", "k8s-worker-2", List.of("T-3", "T-4"), 100)));

  static TaskSpec spec(String id) {
    return new TaskSpec(id, "Title " + id, "", Priority.HIGH, "security", "api", List.of(), Action.ANALYZE, null);
  }

  static CallRecord call(long prompt, long completion, String error) {
    return new CallRecord("llama3.1:8b", "http://ollama:11434", "task", error == null ? 200 : 503, prompt,
        completion, 0, 10, error == null ? "stop" : null, "a".repeat(64), "b".repeat(32), null, error);
  }

  static TaskRecord completed(String id, int worker, String pod, CallRecord... calls) {
    return new TaskRecord(id, "Title " + id, Priority.HIGH, "security", "api", Action.ANALYZE, worker, pod, null,
        TaskStatus.COMPLETED, null, "llama3.1:8b", "d".repeat(64), calls.length, START, START.plusSeconds(5),
        List.of(), List.of(calls), List.of(), List.of());
  }

  static TaskRecord failed(String id, int worker, String pod) {
    return new TaskRecord(id, "Title " + id, Priority.HIGH, "security", "api", Action.ANALYZE, worker, pod, null,
        TaskStatus.FAILED, new TaskError("invalid_model_output", "not JSON twice"), "llama3.1:8b", "d".repeat(64), 2,
        START, START.plusSeconds(5), List.of(), List.of(call(50, 5, null), call(50, 5, null)), List.of(), List.of());
  }

  private static Aggregator aggregator(CostSettings prices) {
    return new Aggregator(prices, SignedLogs.signer("run-1"));
  }

  private static String attempt(int worker, String pod, TaskRecord... records) {
    return SignedLogs.attempt("run-1", worker, pod, List.of(records), false);
  }

  @Test
  void everyPlannedTaskEndsWithExactlyOneRecordAndALaterAttemptWins() {
    String log1 = "[worker-1] starting\n" + attempt(1, "p1", failed("T-1", 1, "p1"))
        + attempt(1, "p2", completed("T-1", 1, "p2", call(100, 20, null)),
            completed("T-2", 1, "p2", call(200, 30, "HTTP 503"), call(200, 30, null)));
    WorkerOutcome w1 = new WorkerOutcome(1, "k8s-worker-1", "succeeded", null,
        List.of(new PodOutcome("p1", "n1", 137, "OOMKilled", null), new PodOutcome("p2", "n1", 0, "Completed", null)),
        log1, 60_000);
    String log2 = attempt(2, "p3", completed("T-3", 2, "p3", call(10, 1, null)))
        + ResultLines.format(completed("T-4", 2, "p3", call(10, 1, null))).substring(0, 40);
    WorkerOutcome w2 = new WorkerOutcome(2, "k8s-worker-2", "failed", "DeadlineExceeded",
        List.of(new PodOutcome("p3", "n2", 137, "DeadlineExceeded", null)), log2, 90_000);

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks, List.of(w1, w2), START, END, Carried.NONE);

    assertThat(r.tasks()).extracting(TaskRecord::id).containsExactly("T-1", "T-2", "T-3", "T-4");
    assertThat(r.tasks()).extracting(TaskRecord::status).containsExactly(
        TaskStatus.COMPLETED, TaskStatus.COMPLETED, TaskStatus.COMPLETED, TaskStatus.FAILED);
    assertThat(r.tasks().get(0).pod()).isEqualTo("p2");
    TaskRecord lost = r.tasks().get(3);
    assertThat(lost.error().errorClass()).isEqualTo("worker_lost");
    assertThat(lost.error().message()).contains("worker 2", "k8s-worker-2", "DeadlineExceeded", "pod p3 on n2");
    assertThat(r.totalTasks()).isEqualTo(4);
    assertThat(r.completedTasks()).isEqualTo(3);
    assertThat(r.failedTasks()).isEqualTo(1);
    assertThat(r.totalDuration()).isEqualTo(330.0);
    assertThat(r.problems()).singleElement().asString().contains("k8s-worker-2 log line 3", "malformed");
    assertThat(r.workers()).extracting(WorkerResult::completed).containsExactly(2, 1);
    assertThat(r.workers().get(1).pods()).containsExactly("pod p3 on n2: DeadlineExceeded (exit 137)");
  }

  @Test
  void costsComeOnlyFromTokenCountsTheServerReturnedOverTheRunsDuration() {
    String log = attempt(1, "p", completed("T-1", 1, "p", call(1000, 500, "HTTP 503"), call(1000, 500, null)),
        completed("T-2", 1, "p", call(0, 0, null)));
    WorkerOutcome w1 = new WorkerOutcome(1, "k8s-worker-1", "succeeded", null, List.of(), log, 1);
    PriceTable table = new PriceTable("paid", List.of(new ModelPrice("paid", "Acme", 3.0, 15.0, 1.5, 7.5,
        LocalDate.parse("2026-11-26"), "https://acme.example/pricing")));

    ClusterResults r = aggregator(new CostSettings(table, null, 0.002, 1.2)).aggregate(plan, tasks, List.of(w1),
        START, END, Carried.NONE);

    CostSavings c = r.costSavings();
    assertThat(c.apiCallsAvoided()).isEqualTo(2);
    assertThat(c.promptTokens()).isEqualTo(2000);
    assertThat(c.completionTokens()).isEqualTo(1000);
    // 2,000 x $3/1M + 1,000 x $15/1M; the run took 5.5 minutes at $1.20 an hour.
    assertThat(c.paidCostUsd()).isEqualTo(0.021);
    assertThat(c.localCostUsd()).isEqualTo(0.11);
    assertThat(c.estimatedSavingsUsd()).isEqualTo(-0.089);
    assertThat(c.perTask()).extracting(CostSavings.TaskCost::id).containsExactly("T-1");
    assertThat(r.workers().get(1).status()).isEqualTo("missing");
    assertThat(r.tasks().get(2).error().message()).contains("no pod ran");
  }

  @Test
  void aRecordForATaskOutsideThePlanIsNotedAndIgnored() {
    String log = attempt(1, "p", completed("T-9", 1, "p", call(1, 1, null)));
    WorkerOutcome w1 = new WorkerOutcome(1, "k8s-worker-1", "succeeded", null, List.of(), log, 1);

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks, List.of(w1), START, END, Carried.NONE);

    assertThat(r.problems()).singleElement().asString().contains("task T-9", "not in the plan");
    assertThat(r.tasks()).extracting(TaskRecord::id).containsExactly("T-1", "T-2", "T-3", "T-4");
  }

  @Test
  void aTaskAnotherWorkerTookOverCountsForTheWorkerThatRanIt() {
    WorkerOutcome w1 = new WorkerOutcome(1, "k8s-worker-1", "succeeded", null, List.of(), attempt(1, "p1",
        completed("T-1", 1, "p1", call(10, 2, null)), completed("T-2", 1, "p1", call(10, 2, null)), completed("T-3", 1, "p1", call(10, 2, null))), 1);
    WorkerOutcome w2 = new WorkerOutcome(2, "k8s-worker-2", "succeeded", null, List.of(),
        attempt(2, "p2", completed("T-4", 2, "p2", call(10, 2, null))), 1);

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks, List.of(w1, w2), START, END,
        Carried.NONE);

    assertThat(r.problems()).isEmpty();
    assertThat(r.completedTasks()).isEqualTo(4);
    assertThat(r.tasks().get(2).worker()).isEqualTo(1);
    assertThat(r.workers().get(0).tasks()).containsExactly("T-1", "T-2", "T-3");
    assertThat(r.workers().get(0).completed()).isEqualTo(3);
    assertThat(r.workers().get(1).tasks()).containsExactly("T-4");
    assertThat(Verifier.verify(Json.mapper().valueToTree(r), SignedLogs.KEY.publicKey(), null).problems()).isEmpty();
  }

  @Test
  void aTaskLostByTheWorkerThatTookItOverIsLaidAtItsDoor() {
    WorkerOutcome w1 = new WorkerOutcome(1, "k8s-worker-1", "failed", "BackoffLimitExceeded",
        List.of(new PodOutcome("p1", "n1", 137, "OOMKilled", null)),
        attempt(1, "p1", completed("T-1", 1, "p1", call(10, 2, null)), completed("T-2", 1, "p1", call(10, 2, null))), 1);
    WorkerOutcome w2 = new WorkerOutcome(2, "k8s-worker-2", "succeeded", null, List.of(),
        attempt(2, "p2", completed("T-4", 2, "p2", call(10, 2, null))), 1);

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks, List.of(w1, w2),
        Map.of("T-1", 1, "T-2", 1, "T-3", 1, "T-4", 2), START, END, Carried.NONE);

    TaskRecord lost = r.tasks().get(2);
    assertThat(lost.error().errorClass()).isEqualTo("worker_lost");
    assertThat(lost.worker()).isEqualTo(1);
    assertThat(lost.error().message()).contains("worker 1 (k8s-worker-1, failed: BackoffLimitExceeded)",
        "took it over from worker 2", "pod p1 on n1");
    assertThat(r.workers().get(0).tasks()).containsExactly("T-1", "T-2", "T-3");
    assertThat(r.workers().get(0).failed()).isEqualTo(1);
    assertThat(r.workers().get(1).tasks()).containsExactly("T-4");
    assertThat(Verifier.verify(Json.mapper().valueToTree(r), SignedLogs.KEY.publicKey(), null).problems()).isEmpty();
  }

  @Test
  void aTaskClaimedByAWorkerWhoseJobIsGoneIsNotSaidToHaveHadNoPod() {
    // Worker 1 took over T-3 and claimed T-4 of worker 2; worker 2's Job was deleted (`kubectl delete job`)
    // before collect: collect finds no such Job, yet the claims prove that pods of both ran.
    WorkerOutcome w1 = new WorkerOutcome(1, "k8s-worker-1", "succeeded", null,
        List.of(new PodOutcome("p1", "n1", 0, "Completed", null)),
        attempt(1, "p1", completed("T-1", 1, "p1", call(10, 2, null)), completed("T-2", 1, "p1", call(10, 2, null))), 1);
    WorkerOutcome w2 = new WorkerOutcome(2, "k8s-worker-2", "missing", null, List.of(), "", 0);

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks, List.of(w1, w2),
        Map.of("T-1", 1, "T-2", 1, "T-3", 2, "T-4", 2), START, END, Carried.NONE);

    assertThat(r.tasks().subList(2, 4)).allSatisfy(t -> {
      assertThat(t.error().errorClass()).isEqualTo("worker_lost");
      assertThat(t.error().message()).startsWith("no result from worker 2 (k8s-worker-2, missing)")
          .doesNotContain("no pod ran").contains("claimed the task", "Job", "deleted");
    });
    assertThat(Verifier.verify(Json.mapper().valueToTree(r), SignedLogs.KEY.publicKey(), null).problems()).isEmpty();
  }

  @Test
  void aTaskReportedByTwoWorkersKeepsThePlannedWorkersResultUnlessOnlyTheOthersCompletedAndSaysSo() {
    WorkerOutcome w1 = new WorkerOutcome(1, "k8s-worker-1", "succeeded", null, List.of(),
        attempt(1, "p1", completed("T-3", 1, "p1", call(10, 2, null)), completed("T-4", 1, "p1", call(10, 2, null))), 1);
    WorkerOutcome w2 = new WorkerOutcome(2, "k8s-worker-2", "succeeded", null, List.of(),
        attempt(2, "p2", failed("T-3", 2, "p2"), completed("T-4", 2, "p2", call(10, 2, null))), 1);

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks, List.of(w1, w2), START, END,
        Carried.NONE);

    assertThat(r.tasks().get(2)).extracting(TaskRecord::worker, TaskRecord::completed).containsExactly(1, true);
    assertThat(r.tasks().get(3).worker()).isEqualTo(2);
    assertThat(r.problems()).containsExactlyInAnyOrder(
        "task T-3 was reported by worker 1 and by worker 2; the result of worker 1 is kept",
        "task T-4 was reported by worker 1 and by worker 2; the result of worker 2 is kept");
    assertThat(Verifier.verify(Json.mapper().valueToTree(r), SignedLogs.KEY.publicKey(), null).problems()).isEmpty();
  }

  @Test
  void aLaterAttemptsFailedRecordDoesNotReplaceACompletedOneButACompletedOneReplacesAnyEarlierRecord() throws Exception {
    // p1 completed T-1 and was killed; its retry p2, whose Ollama was unreachable, failed it again.
    String log1 = attempt(1, "p1", completed("T-1", 1, "p1", call(100, 20, null)), failed("T-2", 1, "p1"))
        + attempt(1, "p2", failed("T-1", 1, "p2"), completed("T-2", 1, "p2", call(10, 2, null)));
    String log2 = attempt(2, "p3", completed("T-3", 2, "p3", call(10, 2, null)))
        + attempt(2, "p4", completed("T-3", 2, "p4", call(20, 4, null)), completed("T-4", 2, "p4", call(10, 2, null)));
    List<WorkerOutcome> outcomes = List.of(
        new WorkerOutcome(1, "k8s-worker-1", "succeeded", null, List.of(), log1, 1),
        new WorkerOutcome(2, "k8s-worker-2", "succeeded", null, List.of(), log2, 1));

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks, outcomes, START, END, Carried.NONE);

    assertThat(r.tasks()).extracting(TaskRecord::id, TaskRecord::pod, TaskRecord::completed).containsExactly(
        tuple("T-1", "p1", true), tuple("T-2", "p2", true),
        tuple("T-3", "p4", true), tuple("T-4", "p4", true));
    Statement kept = Dsse.verifiedStatement(Dsse.Envelope.fromJson(r.attestation().tasks().get(0).envelope()),
        SignedLogs.KEY.publicKey());
    assertThat(TaskPredicate.from(kept)).extracting(TaskPredicate::pod, p -> p.error()).containsExactly("p1", null);
    assertThat(r.problems()).isEmpty();
    assertThat(Verifier.verify(Json.mapper().valueToTree(r), SignedLogs.KEY.publicKey(), null).problems()).isEmpty();
  }

  @Test
  void aLaterCompletedRecordWithoutItsStatementLeavesTheEarlierProvenOneInPlace() {
    // p1 completed T-1 and was killed; its retry p2 printed T-1 completed again and was killed before its statement.
    String retried = attempt(1, "p2", completed("T-1", 1, "p2", call(10, 2, null))).lines()
        .filter(l -> !l.startsWith(ResultLines.ATTESTATION_PREFIX)).collect(Collectors.joining("\n", "", "\n"));
    String log1 = attempt(1, "p1", completed("T-1", 1, "p1", call(100, 20, null)), completed("T-2", 1, "p1",
        call(10, 2, null))) + retried;

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks,
        List.of(new WorkerOutcome(1, "k8s-worker-1", "succeeded", null, List.of(), log1, 1)), START, END, Carried.NONE);

    assertThat(r.tasks().get(0)).extracting(TaskRecord::id, TaskRecord::pod, TaskRecord::completed)
        .containsExactly("T-1", "p1", true);
  }

  @Test
  void theResultsFileReadsBackIntoTheSameResults(@TempDir Path dir) throws Exception {
    String log = attempt(1, "p", completed("T-1", 1, "p", call(10, 2, null)));
    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks,
        List.of(new WorkerOutcome(1, "k8s-worker-1", "succeeded", null, List.of(), log, 1)), START, END, Carried.NONE);

    Path file = ResultsFiles.writeResults(dir, r);

    assertThat(file.getFileName().toString()).isEqualTo("k8s-cluster-results.json");
    assertThat(ResultsFiles.readResults(file)).isEqualTo(r);
    assertThat(java.nio.file.Files.readString(file)).contains("\"start_time\" : 1795687200",
        "\"estimated_savings_usd\"", "\"api_calls_avoided\" : 1", "\"input_usd_per_1m\" : 2.0",
        "\"price_date\" : \"2026-11-26\"", "\"per_task\"");
  }

  @Test
  void theResultsVerifyAndEachPodOfAWorkerIsItsOwnChain() {
    String log1 = attempt(1, "p1", failed("T-1", 1, "p1"))
        + attempt(1, "p2", completed("T-1", 1, "p2", call(100, 20, null)), completed("T-2", 1, "p2", call(1, 1, null)));
    String log2 = SignedLogs.attempt("run-1", 2, "p3",
        List.of(completed("T-3", 2, "p3", call(1, 1, null)), completed("T-4", 2, "p3", call(1, 1, null))), true);

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks, List.of(
        new WorkerOutcome(1, "k8s-worker-1", "succeeded", null, List.of(), log1, 1),
        new WorkerOutcome(2, "k8s-worker-2", "succeeded", null, List.of(), log2, 1)), START, END, Carried.NONE);

    assertThat(r.problems()).isEmpty();
    assertThat(r.attestation().chains()).extracting(c -> c.worker() + "/" + c.attempt() + "/" + c.pod() + "/"
        + c.envelopes().size()).containsExactly("1/1/p1/1", "1/2/p2/2", "2/1/p3/3");
    assertThat(r.attestation().treeSize()).isEqualTo(4);
    assertThat(r.attestation().tasks()).extracting(RunAttestation.TaskProof::id).containsExactly("T-1", "T-2", "T-3", "T-4");
    Verifier.Verification v = Verifier.verify(Json.mapper().valueToTree(r), SignedLogs.KEY.publicKey(), null);
    assertThat(v.problems()).isEmpty();
  }

  @Test
  void aPodWhoseLogCouldNotBeReadIsNamedWithWhyInTheLostTasksAndTheProblemsWithCollectToReadIt() {
    String why = "HTTP 500: dial tcp 10.224.0.5:10250: connect: no route to host";
    WorkerOutcome w1 = new WorkerOutcome(1, "k8s-worker-1", "succeeded", null,
        List.of(new PodOutcome("p1", "n1", 137, "OOMKilled", null, why), new PodOutcome("p2", "n1", 0, "Completed", null)),
        attempt(1, "p2", completed("T-2", 1, "p2", call(10, 2, null))), 1);
    WorkerOutcome w2 = new WorkerOutcome(2, "k8s-worker-2", "succeeded", null,
        List.of(new PodOutcome("p3", "n2", 0, "Completed", null)),
        attempt(2, "p3", completed("T-3", 2, "p3", call(10, 2, null)), completed("T-4", 2, "p3", call(10, 2, null))), 1);

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks, List.of(w1, w2), START, END,
        Carried.NONE);

    String note = "the log of pod p1 could not be read (" + why + "), so any result the worker printed there is"
        + " missing: run `collect` again to read it";
    assertThat(r.tasks().get(0).error().message()).contains("no result from worker 1", "last pod p2", note);
    assertThat(r.problems()).containsExactly("k8s-worker-1: " + note);
    assertThat(r.completedTasks()).isEqualTo(3);
  }

  @Test
  void aRecordWithoutItsSignedStatementIsNotTakenAndTheLauncherSignsItsLoss() throws Exception {
    String log = ResultLines.format(completed("T-1", 1, "p", call(10, 2, null))) + "\n";

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks,
        List.of(new WorkerOutcome(1, "k8s-worker-1", "failed", "Error", List.of(), log, 1)), START, END, Carried.NONE);

    TaskRecord t1 = r.tasks().get(0);
    assertThat(t1.completed()).isFalse();
    assertThat(t1.error().errorClass()).isEqualTo("worker_lost");
    assertThat(t1.error().message()).contains("no signed result from worker 1", "no valid statement");
    Statement statement = Dsse.verifiedStatement(Dsse.Envelope.fromJson(r.attestation().tasks().get(0).envelope()),
        SignedLogs.KEY.publicKey());
    TaskPredicate p = TaskPredicate.from(statement);
    assertThat(p.attestedBy()).isEqualTo("launcher");
    assertThat(p.error().errorClass()).isEqualTo("worker_lost");
    assertThat(Verifier.verify(Json.mapper().valueToTree(r), SignedLogs.KEY.publicKey(), null).problems()).isEmpty();
  }

  @Test
  void aRecordPrintedOtherwiseThanCanonicallyIsMatchedByItsConvertedDigestAndAnAlteredOneIsNot() {
    TaskRecord t1 = completed("T-1", 1, "p", call(10, 2, null));
    TaskRecord t2 = completed("T-2", 1, "p", call(20, 3, null));
    Attestor attestor = new Attestor(SignedLogs.KEY, SignedLogs.config("run-1"), new WorkerIdentity(1, "p", null));
    // T-1 printed by the mapper, as an older worker did; T-2 canonically, then changed after signing.
    String t1Line = ResultLines.format(t1);
    String t1Statement = ResultLines.format(attestor.task(SignedLogs.spec(t1), t1));
    String t2Statement = ResultLines.format(attestor.task(SignedLogs.spec(t2), t2));
    String t2Line = ResultLines.formatRecord(RecordDigest.Printed.of(t2).canonical()
        .replace("\"prompt_tokens\":20", "\"prompt_tokens\":2000"));
    // Lines without a prefix in between, as the worker prints them: they count for the line numbers.
    String log = t1Line + "\n" + t1Statement + "\n[worker-1] ✅ T-1 completed\n\n"
        + t2Line + "\n" + t2Statement + "\n";

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks,
        List.of(new WorkerOutcome(1, "k8s-worker-1", "failed", "Error", List.of(), log, 1)), START, END, Carried.NONE);

    assertThat(t1Line).isNotEqualTo(ResultLines.formatRecord(RecordDigest.Printed.of(t1).canonical()));
    assertThat(t2Line).contains("\"prompt_tokens\":2000");
    assertThat(r.tasks().get(0)).isEqualTo(t1);
    assertThat(r.tasks().get(1).error().errorClass()).isEqualTo("worker_lost");
    assertThat(r.problems()).singleElement().asString()
        .contains("k8s-worker-1 log line 6", "statement of task T-2 does not match the record printed before it");
  }

  @Test
  void resultLinesAreTakenWhateverPrecedesTheirPrefixOnTheLineAndWhateverEndsIt() {
    String log = SignedLogs.attempt("run-1", 1, "p", List.of(completed("T-1", 1, "p", call(10, 2, null)),
        completed("T-2", 1, "p", call(20, 3, null))), false);
    // kubectl logs --timestamps before every line, Windows line ends, and text with a mark of its own
    // ahead of one line's prefix.
    String[] lines = log.split("\n");
    StringBuilder printed = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      printed.append("2026-11-26T10:00:0").append(i).append("Z ")
          .append(i == 1 ? "HONEST-NOTE \u2705 " : "").append(lines[i]).append("\r\n");
    }

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks,
        List.of(new WorkerOutcome(1, "k8s-worker-1", "succeeded", null, List.of(), printed.toString(), 1)),
        START, END, Carried.NONE);

    assertThat(lines[1]).startsWith(ResultLines.ATTESTATION_PREFIX);
    assertThat(r.problems()).isEmpty();
    assertThat(r.tasks().subList(0, 2)).containsExactly(completed("T-1", 1, "p", call(10, 2, null)),
        completed("T-2", 1, "p", call(20, 3, null)));
    assertThat(Verifier.verify(Json.mapper().valueToTree(r), SignedLogs.KEY.publicKey(), null).problems()).isEmpty();
  }

  @Test
  void aSignedStatementNotInCanonicalFormIsTakenWhenAggregatingAndNamedByVerify() {
    TaskRecord record = completed("T-1", 1, "p", call(10, 2, null));
    AttestationLine signed = new Attestor(SignedLogs.KEY, SignedLogs.config("run-1"), new WorkerIdentity(1, "p", null))
        .task(SignedLogs.spec(record), record);
    // The same statement, signed with the run's key, but indented: valid, and the last of its chain.
    byte[] pretty = Json.pretty().writeValueAsBytes(Json.mapper().readTree(Dsse.Envelope.fromJson(signed.envelope()).payload()));
    AttestationLine indented = new AttestationLine(signed.kind(), signed.task(), signed.worker(),
        Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, pretty, SignedLogs.KEY).toJson());
    String log = ResultLines.formatRecord(RecordDigest.Printed.of(record).canonical()) + "\n"
        + ResultLines.format(indented) + "\n";

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks,
        List.of(new WorkerOutcome(1, "k8s-worker-1", "failed", "Error", List.of(), log, 1)), START, END, Carried.NONE);

    assertThat(r.problems()).isEmpty();
    assertThat(r.tasks().get(0)).isEqualTo(record);
    assertThat(Verifier.verify(Json.mapper().valueToTree(r), SignedLogs.KEY.publicKey(), null).problems())
        .anySatisfy(p -> assertThat(p).contains("T-1", "canonical form"));
  }

  @Test
  void aStatementSignedWithAnotherKeyIsNotedAndItsRecordNotTaken() {
    SigningKey other = SigningKey.generate();
    TaskRecord record = completed("T-1", 1, "p", call(10, 2, null));
    String log = ResultLines.format(record) + "\n" + ResultLines.format(new Attestor(other,
        SignedLogs.config("run-1"), new WorkerIdentity(1, "p", null)).task(SignedLogs.spec(record), record)) + "\n";

    ClusterResults r = aggregator(CostSettings.defaults()).aggregate(plan, tasks,
        List.of(new WorkerOutcome(1, "k8s-worker-1", "failed", "Error", List.of(), log, 1)), START, END, Carried.NONE);

    assertThat(r.problems()).singleElement().asString().contains("k8s-worker-1 log line 2",
        "does not verify with the run's key", "wrong keyid");
    assertThat(r.tasks().get(0).error().errorClass()).isEqualTo("worker_lost");
  }

  /** The log with the signature of its {@code n}th statement (0-based) damaged: one bit of it flipped. */
  private static String damageSignature(String log, int n) {
    String[] lines = log.split("\n", -1);
    int seen = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith(ResultLines.ATTESTATION_PREFIX) && seen++ == n) {
        ObjectNode line = (ObjectNode) Json.mapper().readTree(lines[i].substring(ResultLines.ATTESTATION_PREFIX.length()));
        ObjectNode signature = (ObjectNode) line.get("envelope").get("signatures").get(0);
        byte[] sig = Base64.getDecoder().decode(signature.get("sig").stringValue());
        sig[0] ^= 1;
        signature.put("sig", Base64.getEncoder().encodeToString(sig));
        lines[i] = ResultLines.ATTESTATION_PREFIX + Json.mapper().writeValueAsString(line);
      }
    }
    return String.join("\n", lines);
  }

  /** Worker 1's log of T-1 and T-2 and its summary, the signature of statement {@code statement} damaged. */
  private ClusterResults aggregateTwoTasksWithADamagedSignature(int statement) {
    String finished = SignedLogs.attempt("run-1", 1, "p",
        List.of(completed("T-1", 1, "p", call(10, 2, null)), completed("T-2", 1, "p", call(10, 2, null))), true);
    return aggregator(CostSettings.defaults()).aggregate(plan, tasks,
        List.of(new WorkerOutcome(1, "k8s-worker-1", "succeeded", null, List.of(), damageSignature(finished, statement), 1)),
        START, END, Carried.NONE);
  }

  @Test
  void aDamagedSignatureOnTheLastStatementOfAChainIsCaughtAndTheStatementsBeforeItAreCheckedOneByOne() {
    ClusterResults r = aggregateTwoTasksWithADamagedSignature(2);

    assertThat(r.problems()).singleElement().asString().contains("k8s-worker-1 log line 6",
        "does not verify with the run's key", "bad signature");
    assertThat(r.tasks().subList(0, 2)).allMatch(TaskRecord::completed);
  }

  @Test
  void aStatementWhoseOwnSignatureIsDamagedIsStillAuthenticatedByTheSignedStatementAfterItAndVerifyNamesIt() {
    ClusterResults r = aggregateTwoTasksWithADamagedSignature(0);

    // Its payload is what the worker signed: the next statement names its hash, and that one verifies.
    assertThat(r.problems()).isEmpty();
    assertThat(r.tasks().get(0).completed()).isTrue();
    // The envelope kept is the one printed, so a check of every signature still finds the damage.
    assertThat(Verifier.verify(Json.mapper().valueToTree(r), SignedLogs.KEY.publicKey(), null).problems())
        .anySatisfy(p -> assertThat(p).contains("T-1", "bad signature"));
  }

  @Test
  void logsReadAheadAsTheirWorkersEndedGiveTheResultsOfLogsReadAtTheEnd() {
    WorkerOutcome w1 = new WorkerOutcome(1, "k8s-worker-1", "succeeded", null, List.of(),
        attempt(1, "p1", completed("T-1", 1, "p1", call(10, 2, null)), failed("T-2", 1, "p1")), 1);
    WorkerOutcome w2 = new WorkerOutcome(2, "k8s-worker-2", "succeeded", null, List.of(),
        damageSignature(attempt(2, "p2", completed("T-3", 2, "p2", call(10, 2, null))), 0), 1);
    ClusterResults atTheEnd = aggregator(CostSettings.defaults())
        .aggregate(plan, tasks, List.of(w1, w2), Map.of(), START, END, Carried.NONE);

    for (int threads : new int[] {1, 2}) {
      ClusterResults readAhead;
      try (LogReader reader = new LogReader(plan, SignedLogs.KEY.publicKey(), threads)) {
        CompletableFuture<Void> second = reader.readAhead(w2);
        CompletableFuture<Void> first = reader.readAhead(w1);
        reader.readAhead(new WorkerOutcome(9, "k8s-worker-9", "succeeded", null, List.of(), "not in the plan", 1));
        if (threads > 1) {
          CompletableFuture.allOf(first, second).join(); // both read before the aggregation asks
        }
        readAhead = aggregator(CostSettings.defaults())
            .aggregate(plan, tasks, List.of(w1, w2), Map.of(), START, END, Carried.NONE, reader);
      }

      assertThat(readAhead.tasks()).as("%d thread(s)", threads).isEqualTo(atTheEnd.tasks());
      assertThat(readAhead.problems()).as("%d thread(s)", threads).isEqualTo(atTheEnd.problems())
          .singleElement().asString().contains("k8s-worker-2 log line 2", "bad signature");
      assertThat(readAhead.tasks()).extracting(TaskRecord::completed).containsExactly(true, false, false, false);
    }
  }

  @Test
  void aReaderNeedsAtLeastOneThread() {
    assertThatThrownBy(() -> new LogReader(plan, SignedLogs.KEY.publicKey(), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("threads must be at least 1, got 0");
  }
}
