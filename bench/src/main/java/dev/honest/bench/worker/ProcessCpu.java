package dev.honest.bench.worker;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * CPU time of a running Linux process, in nanoseconds: the sum over its live threads of the first
 * field of {@code /proc/<pid>/task/<tid>/schedstat} (time on a CPU). Unlike {@code /proc/<pid>/stat}
 * it is not rounded to clock ticks; threads that have already ended are not counted.
 */
final class ProcessCpu {
  private ProcessCpu() {}

  /** The process's CPU so far, or -1 once it has ended. */
  static long nanos(long pid) {
    long total = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path thread : threads) {
        try {
          String schedstat = Files.readString(thread.resolve("schedstat"));
          total += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
        } catch (NoSuchFileException ended) {
          // The thread ended while we looked.
        }
      }
    } catch (IOException ended) {
      return -1;
    }
    return total;
  }
}
