package dev.honest.worker.claim;

import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.task.TaskSpec;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** Hands a worker its tasks one at a time. Not shared between threads: each worker has its own. */
public abstract class TaskSource {
  /** Every task this worker may run: the models they need are awaited before the first. */
  public abstract List<TaskSpec> candidates();

  /** The next task, now this worker's; empty when there is none left for it. */
  public abstract Optional<TaskSpec> next();

  /**
   * After this, {@link #next} hands out only what is left of the worker's own slice: a worker that
   * cannot reach Ollama must not take (and fail) the tasks of workers that can.
   */
  public abstract void ownSliceOnly();

  /** Exactly {@code slice}, in order. */
  public static TaskSource fixed(List<TaskSpec> slice) {
    return new Fixed(slice);
  }

  /**
   * Worker {@code worker}'s slice of {@code plan} first, each task claimed before it is handed out
   * (a task another worker took already is skipped); then, repeatedly, the last unclaimed task of
   * the slice with the most unclaimed tasks (the lowest worker index on a tie), until every task of
   * the plan is claimed.
   *
   * <p>When the claims fail ({@link UncheckedIOException}), the task whose claim failed is handed
   * out all the same (the claim may have been made before the failure: at worst the task runs twice,
   * it is never lost), then the rest of the worker's own slice, unclaimed, and nothing else.
   *
   * @param tasks the tasks this worker has the specification of, by id: its whole slice, and the
   *     tasks of others it may take over (all of them, unless the run was too large to give every
   *     worker every task)
   * @param claimsFailed told why, once, when the claims fail
   * @throws IllegalArgumentException when a task of the worker's own slice is missing
   */
  public static TaskSource claiming(Plan plan, Map<String, TaskSpec> tasks, int worker, Claims claims,
      Consumer<String> claimsFailed) {
    return new Claiming(plan, tasks, worker, claims, claimsFailed);
  }

  private static final class Fixed extends TaskSource {
    private final List<TaskSpec> slice;
    private int next;

    Fixed(List<TaskSpec> slice) {
      this.slice = List.copyOf(slice);
    }

    @Override
    public List<TaskSpec> candidates() {
      return slice;
    }

    @Override
    public Optional<TaskSpec> next() {
      return next < slice.size() ? Optional.of(slice.get(next++)) : Optional.empty();
    }

    @Override
    public void ownSliceOnly() {
      // it never takes anything else
    }
  }

  private static final class Claiming extends TaskSource {
    private final Map<String, TaskSpec> tasks;
    private final Claims claims;
    private final Consumer<String> claimsFailed;
    private final Deque<String> own;
    /** The other slices' tasks not known to be claimed, each in plan order. */
    private final List<Deque<String>> others = new ArrayList<>();
    /** Claims are never withdrawn, so a task once seen claimed need not be looked up again. */
    private final Set<String> seenClaimed = new HashSet<>();
    private boolean stealing = true;
    /** False once the claims failed: the rest of the own slice is handed out unclaimed. */
    private boolean claiming = true;

    Claiming(Plan plan, Map<String, TaskSpec> tasks, int worker, Claims claims, Consumer<String> claimsFailed) {
      this.tasks = tasks;
      this.claims = claims;
      this.claimsFailed = claimsFailed;
      Deque<String> mine = null;
      for (WorkerSlice slice : plan.workers()) {
        if (slice.index() == worker) {
          for (String id : slice.tasks()) {
            if (!tasks.containsKey(id)) {
              throw new IllegalArgumentException("the plan gives worker " + worker + " task " + id
                  + ", which is not among the tasks it was given");
            }
          }
          mine = new ArrayDeque<>(slice.tasks());
        } else {
          // Only what this worker has the specification of: a large run gives each its own tasks only.
          others.add(slice.tasks().stream().filter(tasks::containsKey)
              .collect(Collectors.toCollection(ArrayDeque::new)));
        }
      }
      if (mine == null) {
        throw new IllegalArgumentException("the plan has no slice for worker " + worker);
      }
      own = mine;
    }

    @Override
    public List<TaskSpec> candidates() {
      return List.copyOf(tasks.values());
    }

    @Override
    public Optional<TaskSpec> next() {
      while (!own.isEmpty()) {
        String id = own.removeFirst();
        if (!claiming || claim(id)) {
          return Optional.of(tasks.get(id));
        }
      }
      try {
        while (stealing) {
          Deque<String> victim = null;
          int most = 0;
          for (Deque<String> slice : others) {
            slice.removeIf(this::knownClaimed);
            if (slice.size() > most) {
              most = slice.size();
              victim = slice;
            }
          }
          if (victim == null) {
            return Optional.empty();
          }
          String id = victim.removeLast();
          if (claim(id)) {
            return Optional.of(tasks.get(id));
          }
          seenClaimed.add(id);
        }
      } catch (UncheckedIOException e) {
        failed(e); // a claim could not be read: nothing more is taken over
      }
      return Optional.empty();
    }

    /** True when this worker claimed {@code id} now, or may have: a claim that failed counts as made. */
    private boolean claim(String id) {
      try {
        return claims.claim(id);
      } catch (UncheckedIOException e) {
        failed(e);
        return true;
      }
    }

    private void failed(UncheckedIOException e) {
      claiming = false;
      stealing = false;
      claimsFailed.accept(e.getMessage());
    }

    @Override
    public void ownSliceOnly() {
      stealing = false;
    }

    private boolean knownClaimed(String id) {
      if (seenClaimed.contains(id)) {
        return true;
      }
      if (claims.claimed(id)) {
        seenClaimed.add(id);
        return true;
      }
      return false;
    }
  }
}
