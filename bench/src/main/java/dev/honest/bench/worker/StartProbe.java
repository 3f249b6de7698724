package dev.honest.bench.worker;

import dev.honest.bench.worker.RecordingOllama.Exchange;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Comparator;
import java.util.List;

/**
 * How long a worker takes from its start to its first request ({@code GET /api/tags}) reaching a
 * {@link RecordingOllama}: as a host process, and as the container image under podman.
 */
final class StartProbe {
  private static final Duration LIMIT = Duration.ofMinutes(5);
  /** podman's {@code {{.State.StartedAt}}} without its zone name: Go's time.Time default format. */
  private static final DateTimeFormatter GO_TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss").appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
      .appendPattern(" xx").toFormatter();

  private final RecordingOllama ollama;
  private final Path logDir;

  StartProbe(RecordingOllama ollama, Path logDir) {
    this.ollama = ollama;
    this.logDir = logDir;
  }

  /**
   * One start of a host process.
   *
   * @param seconds from starting it to its first request
   * @param cpuSeconds the CPU it had used by then
   */
  record HostStart(double seconds, double cpuSeconds) {}

  HostStart host(List<String> command, String name) throws IOException, InterruptedException {
    Path log = logDir.resolve(name + ".log");
    TimedProcess.Result result;
    try {
      result = TimedProcess.run(command, log, LIMIT, ollama::watch);
    } finally {
      ollama.watch(-1);
    }
    if (result.exitCode() != 0) {
      throw new IllegalStateException(name + ": the worker exited " + result.exitCode() + "; see " + log);
    }
    Exchange first = firstRequestAfter(result.startedAt(), log);
    return new HostStart((first.arrivedAt() - result.startedAt()) / 1e9, first.watchedCpuNanos() / 1e9);
  }

  /**
   * One start of the worker image.
   *
   * @return seconds from {@code podman run} to the first request, and from the container's start
   *     (podman's {@code StartedAt}) to it
   */
  double[] image(WorkerImage image, Fixture fixture, Path configDir, String name)
      throws IOException, InterruptedException {
    String container = WorkerImage.containerName(name);
    Path log = logDir.resolve(name + ".log");
    try {
      TimedProcess.Result result = TimedProcess.run(image.command(fixture, configDir, container), log, LIMIT,
          pid -> { });
      if (result.exitCode() != 0) {
        throw new IllegalStateException(name + ": podman run exited " + result.exitCode() + "; see " + log);
      }
      long first = firstRequestAfter(result.startedAt(), log).arrivedAt();
      // The container's start is wall-clock time; carry the first request over to that clock.
      long wallMinusNano = epochNanos(Instant.now()) - System.nanoTime();
      String startedAt = WorkerImage.podman("inspect", "--format", "{{.State.StartedAt}}", container);
      Instant started = OffsetDateTime.parse(startedAt.substring(0, startedAt.lastIndexOf(' ')), GO_TIME).toInstant();
      return new double[] {(first - result.startedAt()) / 1e9, (first + wallMinusNano - epochNanos(started)) / 1e9};
    } finally {
      WorkerImage.podman("rm", "-f", container);
    }
  }

  private static long epochNanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000 + t.getNano();
  }

  private Exchange firstRequestAfter(long startedAt, Path log) {
    return ollama.exchanges().stream().filter(e -> e.arrivedAt() >= startedAt)
        .min(Comparator.comparingLong(Exchange::arrivedAt))
        .orElseThrow(() -> new IllegalStateException("the worker sent no request; see " + log));
  }
}
