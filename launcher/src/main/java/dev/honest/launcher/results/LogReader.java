package dev.honest.launcher.results;

import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Reads (parses and authenticates) the workers' logs for an {@link Aggregator}, and can start on a
 * worker's log as soon as that worker has ended ({@link #readAhead}), while the others still run: the
 * aggregation after the last worker then has only that worker's log left to read. A log read ahead
 * is used only for the very outcome it was read from; anything else is read when asked for.
 */
public final class LogReader implements AutoCloseable {
  /** One worker's log, read, and the problems found in it. */
  record ReadLog(int worker, WorkerLog log, List<String> problems) {}

  /** A log to read ahead: whoever claims it first (the background thread or the aggregation) reads it. */
  private record Ahead(AtomicBoolean claimed, CompletableFuture<ReadLog> result) {}

  private final Map<Integer, WorkerSlice> slices;
  private final Set<String> planned;
  private final PublicKey key;
  private final int threads;
  private final Map<WorkerOutcome, Ahead> ahead = new IdentityHashMap<>();
  private ExecutorService pool;

  /**
   * A reader that reads ahead on one background thread, so that a run's own work keeps the other cores.
   *
   * @param plan the run's plan: its workers and tasks
   * @param key the run's public key, which the workers' statements must verify with
   */
  public LogReader(Plan plan, PublicKey key) {
    this(plan, key, 1);
  }

  /**
   * @param plan the run's plan: its workers and tasks
   * @param key the run's public key, which the workers' statements must verify with
   * @param threads how many logs are read ahead at once, at most
   */
  public LogReader(Plan plan, PublicKey key, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.slices = plan.workers().stream().collect(Collectors.toMap(WorkerSlice::index, s -> s));
    this.planned = plan.workers().stream().flatMap(w -> w.tasks().stream()).collect(Collectors.toUnmodifiableSet());
    this.key = key;
    this.threads = threads;
  }

  /**
   * Starts reading the log of an ended worker in the background (on as many threads as this reader
   * was given). An outcome of a worker the plan does not hold is ignored.
   *
   * @return completes when the log has been read (or is to be read by the aggregation instead)
   */
  public synchronized CompletableFuture<Void> readAhead(WorkerOutcome outcome) {
    WorkerSlice slice = slices.get(outcome.index());
    if (slice == null) {
      return CompletableFuture.completedFuture(null);
    }
    if (ahead.containsKey(outcome)) {
      return ahead.get(outcome).result().handle((r, e) -> null);
    }
    if (pool == null) {
      pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "log-reader");
        t.setDaemon(true);
        return t;
      });
    }
    Ahead read = new Ahead(new AtomicBoolean(), new CompletableFuture<>());
    ahead.put(outcome, read);
    pool.execute(() -> {
      if (read.claimed().compareAndSet(false, true)) {
        try {
          read.result().complete(readNow(slice, outcome));
        } catch (RuntimeException | Error e) {
          read.result().completeExceptionally(e);
        }
      } else {
        read.result().complete(null); // the aggregation came first and reads it itself
      }
    });
    return read.result().handle((r, e) -> null);
  }

  /** The log of {@code outcome}: read ahead if that is done or under way, else read now. */
  ReadLog read(WorkerSlice slice, WorkerOutcome outcome) {
    Ahead started;
    synchronized (this) {
      started = ahead.remove(outcome);
    }
    if (started == null || started.claimed().compareAndSet(false, true)) {
      return readNow(slice, outcome);
    }
    try {
      return started.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the log of " + slice.job(), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private ReadLog readNow(WorkerSlice slice, WorkerOutcome outcome) {
    List<String> problems = new ArrayList<>();
    WorkerLog log = WorkerLog.read(slice, outcome, planned, key, problems);
    return new ReadLog(slice.index(), log, problems);
  }

  @Override
  public synchronized void close() {
    ahead.values().forEach(a -> a.claimed().set(true));
    ahead.clear();
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
