package dev.honest.launcher.local;

import dev.honest.common.config.ConfigException;
import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.task.TaskSpec;
import dev.honest.common.exit.ExitCode;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import dev.honest.launcher.progress.Progress;
import dev.honest.launcher.progress.ProgressPrinter;
import dev.honest.launcher.results.PodOutcome;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.WorkerOutcome;
import dev.honest.worker.WorkerMain;
import dev.honest.worker.claim.DirectoryClaims;
import dev.honest.worker.claim.TaskSource;
import dev.honest.worker.ollama.OllamaClient;
import dev.honest.worker.run.SliceRunner;
import dev.honest.worker.run.WorkerIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a plan's workers on this machine: the real worker, with the same configuration layout a pod
 * gets ({@link ConfigLayout} in {@code configDir}, task files in {@code workspace}). Each worker's
 * output streams into {@code k8s-worker-N-log.txt} as it is written, and its result lines drive the
 * progress line.
 *
 * <p>By default each worker is a process of its own, as in a pod. In process mode ({@code
 * inProcess}) each is a thread of this JVM running the same {@link SliceRunner} on the same files,
 * and all share one {@link OllamaClient}: one JVM start instead of one per worker (each costs
 * seconds of CPU), and each request goes to the Ollama URL with the fewest requests in flight, at
 * most {@link Mode#ollamaParallel} + 1 at a time on each (the others wait for the first free place).
 *
 * <p>Unless the slices are fixed ({@code fixedSlices}), the workers share a claims directory (a
 * private temporary directory, {@code HONEST_CLAIMS_DIR}): each claims a task before it starts it,
 * and one whose slice is done takes over unclaimed tasks of the others ({@link TaskSource#claiming}),
 * so the run does not wait on the longest slice. Which worker claimed what is read back for the
 * results ({@link Result#claimedBy}) before the directory is deleted.
 *
 * <p>The run's private key reaches worker processes as a file only its owner can read, in a
 * directory only its owner can enter ({@code HONEST_SIGNING_KEY}); both are deleted when the workers
 * have ended, and on the launcher's exit should it be interrupted. Threads are handed the key itself,
 * and no key file is written for them.
 *
 * <p>{@link #stop} (Ctrl-C: the launcher's shutdown calls it) stops the workers still running, as the
 * timeout does, and the run returns what they printed until then, so that the tasks they finished are
 * kept; their pods end {@code Interrupted}. Should the run not have returned within {@link #STOP_GRACE}
 * of the launcher's shutdown, the workers are killed.
 */
public final class LocalRunner {
  /** The worker's entry point, run from the launcher's own class path. */
  public static final String WORKER_MAIN = "dev.honest.worker.WorkerMain";
  /** The JVM options of each worker process: small, quick to start, like the image's. */
  public static final List<String> WORKER_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1");
  private static final String NODE = "localhost";
  /** How long the launcher's shutdown waits for a stopped run to return before it kills the workers. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(20);
  /** The pod reason of a worker stopped by {@link #stop}. */
  static final String INTERRUPTED = "Interrupted";
  private static final long STOP_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Path configDir;
  private final Path workspace;
  private final Path outputDir;
  private final Duration timeout;
  private final SigningKey key;
  private final Mode mode;
  private final PrintWriter out;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch returned = new CountDownLatch(1);
  private volatile List<Worker> running = List.of();

  /**
   * @param key the run's signing key, handed to the workers
   * @param mode how the workers run
   */
  public LocalRunner(Path configDir, Path workspace, Path outputDir, Duration timeout, SigningKey key, Mode mode,
      PrintWriter out) {
    this.configDir = configDir;
    this.workspace = workspace;
    this.outputDir = outputDir;
    this.timeout = timeout;
    this.key = key;
    this.mode = mode;
    this.out = out;
  }

  /**
   * How the workers run.
   *
   * @param inProcess as threads of this JVM sharing one Ollama client, instead of a process each
   * @param fixedSlices each worker runs exactly its slice instead of sharing claims
   * @param ollamaParallel in process, each Ollama URL's slots (its {@code OLLAMA_NUM_PARALLEL}): the
   *     client keeps that many chats plus one in flight on each, the rest wait in the client
   */
  public record Mode(boolean inProcess, boolean fixedSlices, int ollamaParallel) {
    public Mode {
      if (ollamaParallel < 1) {
        throw new IllegalArgumentException("--ollama-parallel must be at least 1, got " + ollamaParallel);
      }
    }
  }

  /**
   * What the run produced, and whether it hit the timeout.
   *
   * @param claimedBy which worker claimed each task (empty with fixed slices)
   */
  public record Result(List<WorkerOutcome> outcomes, boolean timedOut, Map<String, Integer> claimedBy) {}

  public Result run(Plan plan) throws IOException, InterruptedException {
    return run(plan, outcome -> {});
  }

  /**
   * Stops the run: the workers still running are stopped, as by the timeout, and {@link #run} returns
   * their outcomes with what they printed (pod reason {@code Interrupted}). Safe from any thread,
   * also before the run or after it.
   */
  public void stop() {
    for (Worker w : running) {
      w.interrupted = true;
    }
    stopRequested.countDown();
  }

  /**
   * @param ended given each worker's outcome as soon as it has ended and all its output is read
   *     (on that worker's log thread), while the others may still run; the same outcome is in the
   *     result
   */
  public Result run(Plan plan, Consumer<WorkerOutcome> ended) throws IOException, InterruptedException {
    Files.createDirectories(outputDir);
    // Only worker processes read the key from a file; threads are handed the key itself.
    Path keyDir = mode.inProcess() ? null : privateTempDirectory("honest-signing-");
    Path keyFile = keyDir == null ? null : keyDir.resolve("key.pem");
    Path claimsDir = mode.fixedSlices() ? null : privateTempDirectory("honest-claims-");
    try {
      if (keyFile != null) {
        keyFile.toFile().deleteOnExit();
        key.write(keyFile);
      }
      List<WorkerOutcome> outcomes = new ArrayList<>();
      boolean timedOut = run(plan, keyFile, claimsDir, outcomes, ended);
      Map<String, Integer> claimedBy = claimsDir == null ? Map.of()
          : DirectoryClaims.ledger(claimsDir, plan.workers().stream().flatMap(w -> w.tasks().stream()).toList());
      return new Result(outcomes, timedOut, claimedBy);
    } finally {
      deleteTree(keyDir);
      deleteTree(claimsDir);
    }
  }

  /** A new temporary directory only its owner can enter, removed on exit should the run be interrupted. */
  private static Path privateTempDirectory(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    // deleteOnExit removes in reverse order of registration: a file registered later goes first.
    dir.toFile().deleteOnExit();
    return dir;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }

  /** Runs the workers, adds their outcomes to {@code outcomes}, and returns true when the timeout stopped them. */
  private boolean run(Plan plan, Path keyFile, Path claimsDir, List<WorkerOutcome> outcomes,
      Consumer<WorkerOutcome> ended) throws IOException, InterruptedException {
    long started = System.nanoTime();
    List<Worker> workers = new CopyOnWriteArrayList<>();
    running = workers;
    // On the launcher's shutdown (Ctrl-C), the run is stopped and given the time to return its
    // outcomes; whatever still runs then is killed, so that no worker outlives the launcher.
    Thread killer = new Thread(() -> {
      stop();
      try {
        returned.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      workers.forEach(Worker::kill);
    }, "local-workers-shutdown");
    Runtime.getRuntime().addShutdownHook(killer);
    Set<String> done = ConcurrentHashMap.newKeySet();
    InProcess shared = mode.inProcess() ? InProcess.read(configDir, mode.ollamaParallel()) : null;
    try {
      for (WorkerSlice slice : plan.workers()) {
        workers.add(shared == null ? startProcess(slice, keyFile, claimsDir, done, ended)
            : startThread(slice, shared, claimsDir, done, ended));
      }
      if (stopRequested.getCount() == 0) {
        stop(); // stopped while the workers were starting
      }
      boolean timedOut = false;
      boolean stopped = false;
      try (ProgressPrinter progress = new ProgressPrinter(out,
          () -> progress(workers, done, started, plan.taskCount()), Duration.ofSeconds(15)).start()) {
        long deadline = started + timeout.toNanos();
        for (Worker w : workers) {
          // In steps, so that a stop is seen while a worker still runs.
          while (!w.waitFor(Math.max(0, Math.min(deadline - System.nanoTime(), STOP_POLL_NANOS)))) {
            if (stopRequested.getCount() == 0) {
              stopped = true;
              break;
            }
            if (deadline - System.nanoTime() <= 0) {
              timedOut = true;
              break;
            }
          }
          if (timedOut || stopped) {
            break;
          }
        }
        if (timedOut || stopped) {
          out.println(timedOut ? "⏱ Timeout of " + timeout.toSeconds() + "s reached: stopping the workers still running."
              : "⏹ Stopped: stopping the workers still running; the tasks they finished are kept.");
          out.flush();
          for (Worker w : workers) {
            if (w.isAlive()) {
              w.killedByTimeout = timedOut;
              w.stop();
            }
          }
          long patience = TimeUnit.SECONDS.toNanos(timedOut ? 10 : 3);
          for (Worker w : workers) {
            if (!w.waitFor(patience)) {
              w.kill();
              w.waitFor(patience);
            }
          }
        }
        // Every line read before the last progress line: a worker can end before its last lines are read.
        for (Worker w : workers) {
          w.reader.join();
        }
      }
      for (Worker w : workers) {
        outcomes.add(w.ended != null ? w.ended : w.outcome());
      }
      return timedOut;
    } finally {
      workers.forEach(Worker::kill);
      returned.countDown();
      if (shared != null) {
        shared.chunkPool.shutdownNow();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running already
      }
    }
  }

  private static Progress progress(List<Worker> workers, Set<String> done, long started, int total) {
    int active = 0;
    int ok = 0;
    int bad = 0;
    for (Worker w : workers) {
      if (w.isAlive()) {
        active++;
      } else if (w.exitCode() == 0) {
        ok++;
      } else {
        bad++;
      }
    }
    return new Progress(active, ok, bad, Duration.ofNanos(System.nanoTime() - started), done.size(), total);
  }

  private Worker startProcess(WorkerSlice slice, Path keyFile, Path claimsDir, Set<String> done,
      Consumer<WorkerOutcome> ended) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(WORKER_JVM_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), WORKER_MAIN));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("HONEST_CONFIG_DIR", configDir.toAbsolutePath().toString());
    pb.environment().put("HONEST_WORKSPACE", workspace.toAbsolutePath().toString());
    pb.environment().put("HONEST_WORKER_INDEX", Integer.toString(slice.index()));
    pb.environment().put("HONEST_POD_NAME", podName(slice));
    pb.environment().put("HONEST_NODE_NAME", NODE);
    pb.environment().put("HONEST_SIGNING_KEY", keyFile.toAbsolutePath().toString());
    if (claimsDir != null) {
      pb.environment().put("HONEST_CLAIMS_DIR", claimsDir.toAbsolutePath().toString());
    } else {
      pb.environment().remove("HONEST_CLAIMS_DIR");
    }
    pb.redirectErrorStream(true);
    ProcessWorker w = new ProcessWorker(slice, pb.start());
    w.startReading(w.process.getInputStream(), outputDir.resolve(ResultsFiles.logFileName(slice.index())), done,
        ended);
    return w;
  }

  private Worker startThread(WorkerSlice slice, InProcess shared, Path claimsDir, Set<String> done,
      Consumer<WorkerOutcome> ended) throws IOException {
    PipedInputStream output = new PipedInputStream(64 * 1024);
    PrintStream print = new PrintStream(new PipedOutputStream(output), true, StandardCharsets.UTF_8);
    TaskSource tasks;
    try {
      // Its messages go to its own output, as a worker process's standard error goes to its log.
      tasks = WorkerMain.taskSource(shared.plan, shared.tasks, slice.index(), claimsDir, print);
    } catch (ConfigException e) {
      throw new IllegalStateException("the run's own configuration is inconsistent: " + e.getMessage(), e);
    }
    ThreadWorker w = new ThreadWorker(slice, print);
    w.thread = new Thread(() -> {
      try (print) {
        WorkerIdentity identity = new WorkerIdentity(slice.index(), podName(slice), NODE);
        w.exit = new SliceRunner(shared.config, workspace, shared.ollama, identity, key, print, Clock.systemUTC(),
            shared.chunkPool)
            .run(tasks).code();
      } catch (RuntimeException | Error e) {
        // What WorkerMain does with an unexpected failure: report it, exit 4.
        print.println("[worker-" + slice.index() + "] internal error: " + e);
        e.printStackTrace(print);
        w.exit = ExitCode.INTERNAL.code();
      }
    }, podName(slice));
    w.thread.setDaemon(true);
    w.startReading(output, outputDir.resolve(ResultsFiles.logFileName(slice.index())), done, ended);
    w.thread.start();
    return w;
  }

  private static String podName(WorkerSlice slice) {
    return "local-worker-" + slice.index();
  }

  /**
   * What the worker threads share: the configuration as a worker reads it, one Ollama client, and
   * the threads that ask about the chunks of a file at once (daemons, idle ones end after a minute).
   */
  private record InProcess(WorkerConfig config, Plan plan, List<TaskSpec> tasks, OllamaClient ollama,
      ExecutorService chunkPool) {
    static InProcess read(Path configDir, int ollamaParallel) {
      try {
        WorkerConfig config = ConfigLayout.readConfig(configDir);
        return new InProcess(config, ConfigLayout.readPlan(configDir), ConfigLayout.readTasks(configDir),
            // Chats wait in the client for a free slot, one more at each server while there is a backlog.
            OllamaClient.shared(config, ollamaParallel), Executors.newCachedThreadPool(r -> {
              Thread t = new Thread(r, "local-chunks");
              t.setDaemon(true);
              return t;
            }));
      } catch (ConfigException e) {
        throw new IllegalStateException("cannot read back the run's configuration: " + e.getMessage(), e);
      }
    }
  }

  /** One local worker: a process or a thread, its output and how it ended. */
  private abstract static class Worker {
    final WorkerSlice slice;
    final long startedAt = System.nanoTime();
    final StringBuilder log = new StringBuilder();
    volatile boolean killedByTimeout;
    /** The run was stopped ({@link LocalRunner#stop}). */
    volatile boolean interrupted;
    volatile long endedAt;
    volatile String readError;
    /** Why the log file could not be written, or null: the output was read all the same. */
    volatile String fileError;
    /** Its outcome, once it has ended and its output is read. */
    volatile WorkerOutcome ended;
    Thread reader;

    Worker(WorkerSlice slice) {
      this.slice = slice;
    }

    abstract boolean isAlive();

    /** Waits up to {@code nanos}; true when the worker has ended. */
    abstract boolean waitFor(long nanos) throws InterruptedException;

    /** Asks the worker to stop. */
    abstract void stop();

    /** Stops the worker at once, if it still runs. */
    abstract void kill();

    /** Its exit code; null while it runs. */
    abstract Integer exitCode();

    abstract String pod();

    void startReading(InputStream output, Path logFile, Set<String> done, Consumer<WorkerOutcome> onEnd) {
      reader = new Thread(() -> {
        pump(output, logFile, done);
        try {
          // A process's output closes a moment before it exits; a stopped thread may not end at all,
          // and then its outcome is taken at the end of the run instead.
          if (waitFor(TimeUnit.SECONDS.toNanos(10))) {
            ended = outcome();
            onEnd.accept(ended);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "worker-" + slice.index() + "-log");
      reader.start();
    }

    /**
     * Copies the worker's output, line by line, to its log file and notes each finished task. The
     * output is read to its end even when the log file cannot be written (a full disk): the results
     * come from what was read, and a worker whose output is no longer read would block on it.
     */
    private void pump(InputStream output, Path logFile, Set<String> done) {
      Writer file = null;
      try {
        file = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        fileError = logFile + " could not be written: " + e;
      }
      try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (file != null) {
            try {
              file.write(line);
              file.write('\n');
              file.flush();
            } catch (IOException e) {
              fileError = logFile + " could not be written: " + e;
              file = close(file, logFile);
            }
          }
          synchronized (log) {
            log.append(line).append('\n');
          }
          if (line.contains(ResultLines.RESULT_PREFIX)) {
            try {
              ResultLines.parseRecord(line).map(TaskRecord::id).ifPresent(done::add);
            } catch (IllegalArgumentException malformed) {
              // kept in the log; the aggregation reports it
            }
          }
        }
      } catch (IOException e) {
        readError = e.getMessage();
      } finally {
        if (file != null) {
          close(file, logFile);
        }
        endedAt = System.nanoTime();
      }
    }

    /** Closes {@code file}, noting a failure; returns null. */
    private Writer close(Writer file, Path logFile) {
      try {
        file.close();
      } catch (IOException e) {
        if (fileError == null) {
          fileError = logFile + " could not be written: " + e;
        }
      }
      return null;
    }

    WorkerOutcome outcome() {
      Integer exit = exitCode();
      boolean ok = exit != null && exit == 0;
      String reason = killedByTimeout ? "DeadlineExceeded" : ok ? "Completed" : interrupted ? INTERRUPTED : "Error";
      List<String> notes = new ArrayList<>();
      if (readError != null) {
        notes.add("log read failed: " + readError);
      }
      if (fileError != null) {
        notes.add("log file not written (the results were read all the same): " + fileError);
      }
      String message = notes.isEmpty() ? null : String.join("; ", notes);
      PodOutcome pod = new PodOutcome(pod(), NODE, exit, reason, message);
      String text;
      synchronized (log) {
        text = log.toString();
      }
      return new WorkerOutcome(slice.index(), slice.job(), ok ? "succeeded" : "failed",
          ok ? null : reason, List.of(pod), text, (endedAt - startedAt) / 1_000_000);
    }
  }

  private static final class ProcessWorker extends Worker {
    final Process process;

    ProcessWorker(WorkerSlice slice, Process process) {
      super(slice);
      this.process = process;
    }

    @Override
    boolean isAlive() {
      return process.isAlive();
    }

    @Override
    boolean waitFor(long nanos) throws InterruptedException {
      return process.waitFor(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    void stop() {
      process.destroy();
    }

    @Override
    void kill() {
      process.destroyForcibly();
    }

    @Override
    Integer exitCode() {
      return process.isAlive() ? null : process.exitValue();
    }

    @Override
    String pod() {
      return podName(slice) + "-" + process.pid();
    }
  }

  private static final class ThreadWorker extends Worker {
    final PrintStream output;
    Thread thread;
    volatile Integer exit;

    ThreadWorker(WorkerSlice slice, PrintStream output) {
      super(slice);
      this.output = output;
    }

    @Override
    boolean isAlive() {
      return thread.isAlive();
    }

    @Override
    boolean waitFor(long nanos) throws InterruptedException {
      TimeUnit.NANOSECONDS.timedJoin(thread, nanos);
      return !thread.isAlive();
    }

    /**
     * A thread cannot be killed. Its output is closed first, so its log ends there and its unfinished
     * tasks get no record (worker_lost, as for a killed process), then it is interrupted so that it
     * stops sending requests; it is a daemon, so it does not keep the JVM alive either way.
     */
    @Override
    void stop() {
      output.close();
      thread.interrupt();
    }

    @Override
    void kill() {
      stop();
    }

    @Override
    Integer exitCode() {
      return thread.isAlive() ? null : exit;
    }

    @Override
    String pod() {
      return podName(slice);
    }
  }
}
