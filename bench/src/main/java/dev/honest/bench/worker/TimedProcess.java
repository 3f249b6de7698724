package dev.honest.bench.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Runs a command to its end and notes when each line of its output (stdout and stderr together)
 * arrived, in {@link System#nanoTime}, the clock {@link RecordingOllama} records in, and how much
 * CPU the process had used by then. The output is also written to a log file.
 */
final class TimedProcess {
  private TimedProcess() {}

  /**
   * One output line.
   *
   * @param at when this process read it
   * @param cpuNanos the {@link ProcessCpu} of the process then (-1 once it had ended)
   */
  record Line(long at, long cpuNanos, String text) {}

  /**
   * @param startedAt {@link System#nanoTime} just before the process was started
   * @param lines its output lines, in order
   */
  record Result(int exitCode, long startedAt, List<Line> lines) {}

  /**
   * Runs {@code command}; stops it and fails after {@code limit}.
   *
   * @param started told the process id as soon as it runs
   * @throws IOException when it cannot start or did not end within {@code limit}
   */
  static Result run(List<String> command, Path log, Duration limit, LongConsumer started)
      throws IOException, InterruptedException {
    List<Line> lines = new ArrayList<>();
    long startedAt = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    started.accept(process.pid());
    Thread reader = new Thread(() -> read(process, lines, log), "output-of-" + process.pid());
    reader.start();
    try {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("still running after " + limit.toSeconds() + " s, stopped: " + String.join(" ", command)
            + " (output in " + log + ")");
      }
      reader.join();
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    synchronized (lines) {
      return new Result(process.exitValue(), startedAt, List.copyOf(lines));
    }
  }

  /**
   * Runs a command to its end and returns its output (stdout and stderr).
   *
   * @throws IOException when it fails or runs longer than ten minutes
   */
  static String output(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  private static void read(Process process, List<Line> lines, Path log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter copy = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
      String text;
      while ((text = in.readLine()) != null) {
        long at = System.nanoTime();
        long cpu = ProcessCpu.nanos(process.pid());
        synchronized (lines) {
          lines.add(new Line(at, cpu, text));
        }
        copy.println(text);
      }
    } catch (IOException e) {
      // The process was stopped: its output ends here.
    }
  }
}
