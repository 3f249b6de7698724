package dev.honest.launcher.results;

import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns what the workers printed into one {@link ClusterResults}: for each planned task its final
 * record and the signed statement that followed it (a later attempt's replaces an earlier one,
 * except that a failed record never replaces a completed one: {@link WorkerLog#replaces}),
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
    return aggregate(plan, tasks, outcomes, Map.of(), start, end, carried);
  }

  /**
   * @param tasks every task of the run, the carried ones included
   * @param claimedBy which worker claimed each task, when the workers shared claims and took over
   *     each other's tasks (empty otherwise): a task without a result is laid at its claimant's door
   * @param carried the records carried over from an earlier run (tasks the plan does not hold)
   */
  public ClusterResults aggregate(Plan plan, List<TaskSpec> tasks, List<WorkerOutcome> outcomes,
      Map<String, Integer> claimedBy, Instant start, Instant end, Carried carried) {
    try (LogReader reader = new LogReader(plan, signer.publicKey())) {
      return aggregate(plan, tasks, outcomes, claimedBy, start, end, carried, reader);
    }
  }

  /**
   * @param reader reads the workers' logs; it may have read some already, as their workers ended
   *     ({@link LogReader#readAhead}), which leaves less to do here
   */
  public ClusterResults aggregate(Plan plan, List<TaskSpec> tasks, List<WorkerOutcome> outcomes,
      Map<String, Integer> claimedBy, Instant start, Instant end, Carried carried, LogReader reader) {
    Map<String, TaskSpec> specs = tasks.stream()
        .collect(Collectors.toMap(TaskSpec::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    Map<Integer, WorkerOutcome> byIndex = outcomes.stream()
        .collect(Collectors.toMap(WorkerOutcome::index, Function.identity(), (a, b) -> b));
    List<String> problems = new ArrayList<>();
    List<TaskRecord> records = new ArrayList<>();
    List<RunSigner.Signed> statements = new ArrayList<>();
    List<WorkerChain> chains = new ArrayList<>();

    Map<Integer, WorkerSlice> slices = new LinkedHashMap<>();
    Map<String, Integer> owner = new HashMap<>();
    for (WorkerSlice slice : plan.workers()) {
      slices.put(slice.index(), slice);
      for (String id : slice.tasks()) {
        if (!specs.containsKey(id)) {
          throw new IllegalArgumentException("plan names task " + id + ", which is not in the task list");
        }
        owner.put(id, slice.index());
      }
    }
    Map<Integer, WorkerOutcome> outcomeOf = new HashMap<>();
    for (WorkerSlice slice : slices.values()) {
      WorkerOutcome outcome = Optional.ofNullable(byIndex.get(slice.index()))
          .orElseGet(() -> new WorkerOutcome(slice.index(), slice.job(), "missing", "no outcome collected",
              List.of(), "", 0));
      outcomeOf.put(slice.index(), outcome);
      unreadLogs(outcome).forEach(note -> problems.add(slice.job() + ": " + note));
    }
    // Each worker's log on its own: parsing and authenticating is the cost, and it divides over the cores.
    List<LogReader.ReadLog> read = slices.values().parallelStream()
        .map(slice -> reader.read(slice, outcomeOf.get(slice.index()))).toList();
    Map<Integer, WorkerLog> logs = new LinkedHashMap<>();
    for (LogReader.ReadLog r : read) {
      logs.put(r.worker(), r.log());
      problems.addAll(r.problems());
      chains.addAll(r.log().chains(plan.runId(), r.worker()));
    }
    Map<String, Integer> reportedBy = reporters(logs, owner, problems);

    Map<Integer, List<String>> tasksOf = new HashMap<>();
    Map<Integer, Integer> completedBy = new HashMap<>();
    for (WorkerSlice slice : slices.values()) {
      for (String id : slice.tasks()) {
        Integer worker = reportedBy.get(id);
        if (worker != null) {
          WorkerLog.Attested reported = logs.get(worker).attested(id).orElseThrow();
          records.add(reported.record());
          statements.add(reported.statement());
        } else {
          Integer claimant = claimedBy.get(id);
          worker = claimant != null && slices.containsKey(claimant) ? claimant : slice.index();
          TaskRecord lost = lost(specs.get(id), slices.get(worker), outcomeOf.get(worker), end,
              logs.get(worker).unattested(id), worker == slice.index() ? null : slice,
              Objects.equals(claimant, worker));
          records.add(lost);
          statements.add(RunSigner.Signed.of(signer.lost(specs.get(id), lost)));
        }
        tasksOf.computeIfAbsent(worker, k -> new ArrayList<>()).add(id);
        if (records.get(records.size() - 1).completed()) {
          completedBy.merge(worker, 1, Integer::sum);
        }
      }
    }
    List<WorkerResult> workers = new ArrayList<>();
    for (WorkerSlice slice : slices.values()) {
      WorkerOutcome outcome = outcomeOf.get(slice.index());
      List<String> its = tasksOf.getOrDefault(slice.index(), List.of());
      int completed = completedBy.getOrDefault(slice.index(), 0);
      workers.add(new WorkerResult(slice.index(), slice.name(), slice.job(),
          outcome.pods().stream().map(PodOutcome::describe).toList(), outcome.status(), outcome.reason(),
          its, completed, its.size() - completed, outcome.durationMs() / 1000.0));
    }
    List<TaskRecord> ran = List.copyOf(records);
    records.addAll(carried.records());
    carried.statements().forEach(s -> statements.add(RunSigner.Signed.of(s)));
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

  /**
   * Which worker's log reports each task. When several do (which shared claims rule out, so it is a
   * problem worth a line): the worker it was planned for, else the first in plan order, unless the
   * other's result replaces that one's ({@link WorkerLog#replaces}: a completed one, where that one failed).
   */
  private static Map<String, Integer> reporters(Map<Integer, WorkerLog> logs, Map<String, Integer> owner,
      List<String> problems) {
    Map<String, Integer> reportedBy = new HashMap<>();
    for (Map.Entry<Integer, WorkerLog> e : logs.entrySet()) {
      for (String id : e.getValue().attestedTasks()) {
        Integer first = reportedBy.putIfAbsent(id, e.getKey());
        if (first != null) {
          int preferred = owner.get(id).equals(e.getKey()) ? e.getKey() : first;
          int other = preferred == first ? e.getKey() : first;
          int kept = WorkerLog.replaces(record(logs, preferred, id), record(logs, other, id)) ? preferred : other;
          reportedBy.put(id, kept);
          problems.add("task " + id + " was reported by worker " + first + " and by worker " + e.getKey()
              + "; the result of worker " + kept + " is kept");
        }
      }
    }
    return reportedBy;
  }

  private static TaskRecord record(Map<Integer, WorkerLog> logs, int worker, String id) {
    return logs.get(worker).attested(id).orElseThrow().record();
  }

  /** What each of the worker's pods whose log could not be read means, oldest first. */
  private static List<String> unreadLogs(WorkerOutcome outcome) {
    return outcome.pods().stream().map(PodOutcome::unreadLogNote).filter(Objects::nonNull).toList();
  }

  /**
   * @param slice the worker that claimed the task and did not report it
   * @param plannedFor the worker whose slice held the task, when another took it over; else null
   * @param claimed the run's claims say that this worker claimed the task: a pod of it ran
   */
  private static TaskRecord lost(TaskSpec spec, WorkerSlice slice, WorkerOutcome outcome, Instant end,
      boolean unattested, WorkerSlice plannedFor, boolean claimed) {
    StringBuilder why = new StringBuilder(unattested ? "no signed result from worker " : "no result from worker ")
        .append(slice.index()).append(" (").append(slice.job()).append(", ").append(outcome.status());
    if (outcome.reason() != null) {
      why.append(": ").append(outcome.reason());
    }
    why.append(')');
    if (plannedFor != null) {
      why.append(", which took it over from worker ").append(plannedFor.index());
    }
    if (unattested) {
      why.append("; its record had no valid statement after it");
    }
    if (outcome.pods().isEmpty() && outcome.podsEnded() > 0) {
      why.append("; its pods are gone: the Job's status counts ").append(outcome.podsEnded())
          .append(" pod(s) that ran, deleted since (e.g. by `kubectl delete pod` or the pod garbage collector), and their logs"
              + " with them");
    } else if (outcome.pods().isEmpty() && claimed) {
      // Its claim proves a pod of it ran: what is gone is the record of it, not the work.
      why.append("; a pod of it claimed the task, but none of its pods is left: ").append("missing".equals(outcome.status())
          ? "its Job was deleted since (e.g. by `kubectl delete job`), and its pods and their logs with it"
          : "they were deleted since, and their logs with them");
    } else if (outcome.pods().isEmpty()) {
      why.append("; no pod ran");
    } else {
      why.append("; last ").append(outcome.pods().get(outcome.pods().size() - 1).describe());
    }
    unreadLogs(outcome).forEach(note -> why.append("; ").append(note));
    PodOutcome last = outcome.pods().isEmpty() ? null : outcome.pods().get(outcome.pods().size() - 1);
    return new TaskRecord(spec.id(), spec.title(), spec.priority(), spec.category(), spec.area(), spec.action(),
        slice.index(), last == null ? null : last.pod(), last == null ? null : last.node(), TaskStatus.FAILED,
        new TaskError("worker_lost", why.toString()), null, null, 0, null, end,
        List.of(), List.of(), List.of(), List.of());
  }
}
