package dev.honest.launcher.local;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import dev.honest.launcher.progress.Progress;
import dev.honest.launcher.progress.ProgressPrinter;
import dev.honest.launcher.results.PodOutcome;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.WorkerOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs a plan's workers as local processes: the real worker, with the same configuration layout a
 * pod gets ({@link ConfigLayout} in {@code configDir}, task files in {@code workspace}). Each
 * worker's output streams into {@code k8s-worker-N-log.txt} as it is written, and its result lines
 * drive the progress line.
 *
 * <p>The run's private key reaches the workers as a file only its owner can read, in a directory
 * only its owner can enter ({@code HONEST_SIGNING_KEY}); both are deleted when the workers have
 * ended, and on the launcher's exit should it be interrupted.
 */
public final class LocalRunner {
  /** The worker's entry point, run from the launcher's own class path. */
  public static final String WORKER_MAIN = "dev.honest.worker.WorkerMain";
  /** The JVM options of each worker process: small, quick to start, like the image's. */
  public static final List<String> WORKER_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1");

  private final Path configDir;
  private final Path workspace;
  private final Path outputDir;
  private final Duration timeout;
  private final SigningKey key;
  private final PrintWriter out;

  /** @param key the run's signing key, handed to the workers */
  public LocalRunner(Path configDir, Path workspace, Path outputDir, Duration timeout, SigningKey key,
      PrintWriter out) {
    this.configDir = configDir;
    this.workspace = workspace;
    this.outputDir = outputDir;
    this.timeout = timeout;
    this.key = key;
    this.out = out;
  }

  /** What the run produced, and whether it hit the timeout. */
  public record Result(List<WorkerOutcome> outcomes, boolean timedOut) {}

  public Result run(Plan plan) throws IOException, InterruptedException {
    Files.createDirectories(outputDir);
    Path keyDir = Files.createTempDirectory("honest-signing-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path keyFile = keyDir.resolve("key.pem");
    // deleteOnExit removes in reverse order of registration: the file, then its directory.
    keyDir.toFile().deleteOnExit();
    keyFile.toFile().deleteOnExit();
    try {
      key.write(keyFile);
      return run(plan, keyFile);
    } finally {
      Files.deleteIfExists(keyFile);
      Files.deleteIfExists(keyDir);
    }
  }

  private Result run(Plan plan, Path keyFile) throws IOException, InterruptedException {
    long started = System.nanoTime();
    List<Worker> workers = new ArrayList<>();
    Thread killer = new Thread(() -> workers.forEach(w -> w.process.destroyForcibly()), "local-workers-shutdown");
    Runtime.getRuntime().addShutdownHook(killer);
    Set<String> done = ConcurrentHashMap.newKeySet();
    try {
      for (WorkerSlice slice : plan.workers()) {
        workers.add(start(slice, keyFile, done));
      }
      boolean timedOut = false;
      try (ProgressPrinter progress = new ProgressPrinter(out,
          () -> progress(workers, done, started, plan.taskCount()), Duration.ofSeconds(15)).start()) {
        long deadline = started + timeout.toNanos();
        for (Worker w : workers) {
          long left = deadline - System.nanoTime();
          if (!w.process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
            timedOut = true;
            break;
          }
        }
        if (timedOut) {
          out.println("⏱ Timeout of " + timeout.toSeconds() + "s reached: stopping the workers still running.");
          for (Worker w : workers) {
            if (w.process.isAlive()) {
              w.killedByTimeout = true;
              w.process.destroy();
            }
          }
          for (Worker w : workers) {
            if (!w.process.waitFor(10, TimeUnit.SECONDS)) {
              w.process.destroyForcibly().waitFor();
            }
          }
        }
      }
      List<WorkerOutcome> outcomes = new ArrayList<>();
      for (Worker w : workers) {
        w.reader.join();
        outcomes.add(w.outcome());
      }
      return new Result(outcomes, timedOut);
    } finally {
      workers.forEach(w -> w.process.destroyForcibly());
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
      if (w.process.isAlive()) {
        active++;
      } else if (w.process.exitValue() == 0) {
        ok++;
      } else {
        bad++;
      }
    }
    return new Progress(active, ok, bad, Duration.ofNanos(System.nanoTime() - started), done.size(), total);
  }

  private Worker start(WorkerSlice slice, Path keyFile, Set<String> done) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(WORKER_JVM_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), WORKER_MAIN));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("HONEST_CONFIG_DIR", configDir.toAbsolutePath().toString());
    pb.environment().put("HONEST_WORKSPACE", workspace.toAbsolutePath().toString());
    pb.environment().put("HONEST_WORKER_INDEX", Integer.toString(slice.index()));
    pb.environment().put("HONEST_POD_NAME", "local-worker-" + slice.index());
    pb.environment().put("HONEST_NODE_NAME", "localhost");
    pb.environment().put("HONEST_SIGNING_KEY", keyFile.toAbsolutePath().toString());
    pb.redirectErrorStream(true);
    Path logFile = outputDir.resolve(ResultsFiles.logFileName(slice.index()));
    Worker w = new Worker(slice, pb.start(), System.nanoTime());
    w.reader = new Thread(() -> w.pump(logFile, done), "worker-" + slice.index() + "-log");
    w.reader.start();
    return w;
  }

  private static final class Worker {
    final WorkerSlice slice;
    final Process process;
    final long startedAt;
    final StringBuilder log = new StringBuilder();
    volatile boolean killedByTimeout;
    volatile long endedAt;
    volatile String readError;
    Thread reader;

    Worker(WorkerSlice slice, Process process, long startedAt) {
      this.slice = slice;
      this.process = process;
      this.startedAt = startedAt;
    }

    /** Copies the worker's output, line by line, to its log file and notes each finished task. */
    void pump(Path logFile, Set<String> done) {
      try (BufferedReader in = new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
          Writer file = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          file.write(line);
          file.write('\n');
          file.flush();
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
        endedAt = System.nanoTime();
      }
    }

    WorkerOutcome outcome() {
      int exit = process.exitValue();
      String reason = killedByTimeout ? "DeadlineExceeded" : exit == 0 ? "Completed" : "Error";
      String message = readError == null ? null : "log read failed: " + readError;
      PodOutcome pod = new PodOutcome("local-worker-" + slice.index() + "-" + process.pid(), "localhost", exit,
          reason, message);
      String text;
      synchronized (log) {
        text = log.toString();
      }
      return new WorkerOutcome(slice.index(), slice.job(), exit == 0 ? "succeeded" : "failed",
          exit == 0 ? null : reason, List.of(pod), text, (endedAt - startedAt) / 1_000_000);
    }
  }
}
