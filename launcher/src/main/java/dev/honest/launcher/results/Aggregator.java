package dev.honest.launcher.results;

import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.proof.Dsse;
import dev.honest.common.result.TaskError;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.attest.Carried;
import dev.honest.launcher.attest.RunAttestation;
import dev.honest.launcher.attest.RunAttestation.WorkerChain;
import dev.honest.launcher.attest.RunSigner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns what the workers printed into one {@link ClusterResults}: for each planned task its final
 * record and the signed statement that followed it (a later attempt's replaces an earlier one),
 * and for a task with no such pair a {@code failed} record that says which worker, which pod and
 * how it ended, with a statement the launcher signs; then the records carried over from an earlier
 * run, and the run's Merkle root and signed run statement over all of them. Nothing is dropped and
 * nothing is invented.
 */
public final class Aggregator {
  private final CostSettings prices;
  private final RunSigner signer;

  /**
   * @param prices for the savings estimate
   * @param signer the run's key: checks the workers' statements and signs the launcher's
   */
  public Aggregator(CostSettings prices, RunSigner signer) {
    this.prices = prices;
    this.signer = signer;
  }

  /**
   * @param tasks every task of the run, the carried ones included
   * @param carried the records carried over from an earlier run (tasks the plan does not hold)
   */
  public ClusterResults aggregate(Plan plan, List<TaskSpec> tasks, List<WorkerOutcome> outcomes, Instant start,
      Instant end, Carried carried) {
    Map<String, TaskSpec> specs = tasks.stream()
        .collect(Collectors.toMap(TaskSpec::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    Map<Integer, WorkerOutcome> byIndex = outcomes.stream()
        .collect(Collectors.toMap(WorkerOutcome::index, Function.identity(), (a, b) -> b));
    // Each worker's log on its own: verifying every statement is the cost, and it divides over the cores.
    List<SliceResult> slices = plan.workers().parallelStream()
        .map(slice -> slice(plan.runId(), slice, Optional.ofNullable(byIndex.get(slice.index()))
            .orElseGet(() -> new WorkerOutcome(slice.index(), slice.job(), "missing", "no outcome collected",
                List.of(), "", 0)), specs, end))
        .toList();
    List<String> problems = new ArrayList<>();
    List<TaskRecord> records = new ArrayList<>();
    List<Dsse.Envelope> statements = new ArrayList<>();
    List<WorkerChain> chains = new ArrayList<>();
    List<WorkerResult> workers = new ArrayList<>();
    for (SliceResult slice : slices) {
      problems.addAll(slice.problems());
      records.addAll(slice.records());
      statements.addAll(slice.statements());
      chains.addAll(slice.chains());
      workers.add(slice.worker());
    }
    List<TaskRecord> ran = List.copyOf(records);
    records.addAll(carried.records());
    statements.addAll(carried.statements());
    chains.addAll(carried.chains());
    if (records.size() != specs.size()) {
      throw new IllegalArgumentException("plan and carried tasks cover " + records.size() + " of " + specs.size()
          + " tasks");
    }
    RunAttestation attestation = signer.seal(records, statements, chains, carried.keys(), carried.records().size());
    int completed = (int) records.stream().filter(TaskRecord::completed).count();
    return new ClusterResults(plan.runId(), start.getEpochSecond(), end.getEpochSecond(),
        Duration.between(start, end).toMillis() / 1000.0, records.size(), completed, records.size() - completed,
        carried.records().size(), workers, records, CostSavings.of(ran, prices, Duration.between(start, end)),
        problems, attestation);
  }

  /** What one worker's log gives: its records and statements in plan order, its chains, its problems. */
  private record SliceResult(List<TaskRecord> records, List<Dsse.Envelope> statements, List<WorkerChain> chains,
      List<String> problems, WorkerResult worker) {}

  private SliceResult slice(String runId, WorkerSlice slice, WorkerOutcome outcome, Map<String, TaskSpec> specs,
      Instant end) {
    List<String> problems = new ArrayList<>();
    WorkerLog log = WorkerLog.read(slice, outcome, signer.publicKey(), problems);
    List<TaskRecord> records = new ArrayList<>();
    List<Dsse.Envelope> statements = new ArrayList<>();
    int completed = 0;
    for (String id : slice.tasks()) {
      TaskSpec spec = specs.get(id);
      if (spec == null) {
        throw new IllegalArgumentException("plan names task " + id + ", which is not in the task list");
      }
      Optional<WorkerLog.Attested> reported = log.attested(id);
      if (reported.isPresent()) {
        records.add(reported.get().record());
        statements.add(reported.get().envelope());
      } else {
        TaskRecord lost = lost(spec, slice, outcome, end, log.unattested(id));
        records.add(lost);
        statements.add(signer.lost(spec, lost));
      }
      if (records.get(records.size() - 1).completed()) {
        completed++;
      }
    }
    WorkerResult worker = new WorkerResult(slice.index(), slice.name(), slice.job(),
        outcome.pods().stream().map(PodOutcome::describe).toList(), outcome.status(), outcome.reason(),
        slice.tasks(), completed, slice.tasks().size() - completed, outcome.durationMs() / 1000.0);
    return new SliceResult(records, statements, log.chains(runId, slice.index()), problems, worker);
  }

  private static TaskRecord lost(TaskSpec spec, WorkerSlice slice, WorkerOutcome outcome, Instant end,
      boolean unattested) {
    StringBuilder why = new StringBuilder(unattested ? "no signed result from worker " : "no result from worker ")
        .append(slice.index()).append(" (").append(slice.job()).append(", ").append(outcome.status());
    if (outcome.reason() != null) {
      why.append(": ").append(outcome.reason());
    }
    why.append(')');
    if (unattested) {
      why.append("; its record had no valid statement after it");
    }
    if (outcome.pods().isEmpty()) {
      why.append("; no pod ran");
    } else {
      why.append("; last ").append(outcome.pods().get(outcome.pods().size() - 1).describe());
    }
    PodOutcome last = outcome.pods().isEmpty() ? null : outcome.pods().get(outcome.pods().size() - 1);
    return new TaskRecord(spec.id(), spec.title(), spec.priority(), spec.category(), spec.area(), spec.action(),
        slice.index(), last == null ? null : last.pod(), last == null ? null : last.node(), TaskStatus.FAILED,
        new TaskError("worker_lost", why.toString()), null, null, 0, null, end,
        List.of(), List.of(), List.of(), List.of());
  }
}
