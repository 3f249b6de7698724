package dev.honest.launcher.progress;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Prints the progress line whenever the counts change (checked every second) and at least every
 * {@code heartbeat}, so a long quiet stretch still shows the run is alive.
 */
public final class ProgressPrinter implements AutoCloseable {
  private final PrintWriter out;
  private final Supplier<Progress> source;
  private final long heartbeatMs;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "progress");
    t.setDaemon(true);
    return t;
  });
  private Progress last;
  private long lastPrintedAt;

  public ProgressPrinter(PrintWriter out, Supplier<Progress> source, Duration heartbeat) {
    this.out = out;
    this.source = source;
    this.heartbeatMs = heartbeat.toMillis();
  }

  public ProgressPrinter start() {
    timer.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.SECONDS);
    return this;
  }

  /** Checks now; prints when something changed or the heartbeat is due. */
  public synchronized void tick() {
    Progress now = source.get();
    long at = System.nanoTime() / 1_000_000;
    if (!now.sameCountsAs(last) || at - lastPrintedAt >= heartbeatMs) {
      out.println(now.format());
      out.flush();
      last = now;
      lastPrintedAt = at;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    tick();
  }
}
