package dev.honest.bench.makespan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one command to its end and measures it: wall time, and the CPU time of the command and every
 * descendant it waited for (Linux {@code /proc/self/stat} {@code cutime + cstime}, which the kernel
 * adds up as processes are reaped: the launcher reaps its workers, this JVM reaps the launcher).
 */
final class ChildProcess {
  /** Linux reports {@code /proc} times in USER_HZ, which is 100 on every architecture's ABI. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ChildProcess() {}

  /**
   * @param startedAt {@link System#nanoTime} just before the process started
   * @param endedAt {@link System#nanoTime} once it had ended
   * @param cpuNanos user and system CPU of the process and its reaped descendants
   */
  record Measured(int exitCode, long startedAt, long endedAt, long cpuNanos) {
    long wallNanos() {
      return endedAt - startedAt;
    }
  }

  /**
   * Runs {@code command}, its output (stdout and stderr) into {@code log}; destroys it after
   * {@code limit}.
   *
   * @throws IOException when it cannot start, or did not end within {@code limit}
   */
  static Measured run(List<String> command, Path log, Duration limit) throws IOException, InterruptedException {
    long cpuBefore = reapedChildrenCpuNanos();
    long startedAt = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Thread stopper = new Thread(() -> stop(process), "stop-" + process.pid());
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("still running after " + limit.toSeconds() + " s, stopped: " + String.join(" ", command)
            + " (output in " + log + ")");
      }
    } finally {
      stop(process);
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs already
      }
    }
    long endedAt = System.nanoTime();
    process.waitFor();
    return new Measured(process.exitValue(), startedAt, endedAt, reapedChildrenCpuNanos() - cpuBefore);
  }

  /** Ends the process and what it started, if still running (a timeout, or the benchmark is stopped). */
  private static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** {@code cutime + cstime} of this process. */
  static long reapedChildrenCpuNanos() throws IOException {
    String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
    // Fields after the command name in parentheses (which may hold spaces) start at field 3.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    long cutime = Long.parseLong(fields[16 - 3]);
    long cstime = Long.parseLong(fields[17 - 3]);
    return (cutime + cstime) * NANOS_PER_TICK;
  }
}
