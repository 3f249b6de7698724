package dev.honest.bench.standin;

import java.util.function.LongSupplier;

/**
 * What one replica spent its time on: busy time (with at least one chat in service), slot time (the
 * sum of every chat's service time, so {@code P} overlapping chats count {@code P} times), and the
 * largest number of chats in service at once. Thread-safe.
 */
public final class BusyMeter {
  private final LongSupplier clock;
  private int inService;
  private int maxInService;
  private long busySince;
  private long busyNanos;
  private long slotNanos;
  private long served;

  /** @param clock a monotonic clock in nanoseconds, e.g. {@code System::nanoTime} */
  public BusyMeter(LongSupplier clock) {
    this.clock = clock;
  }

  /** A chat enters service; returns its start time for {@link #end}. */
  public synchronized long begin() {
    long now = clock.getAsLong();
    if (inService++ == 0) {
      busySince = now;
    }
    maxInService = Math.max(maxInService, inService);
    return now;
  }

  /** The chat that began at {@code started} leaves service; returns the time it left. */
  public synchronized long end(long started) {
    if (inService == 0) {
      throw new IllegalStateException("end() without a matching begin()");
    }
    long now = clock.getAsLong();
    slotNanos += now - started;
    served++;
    if (--inService == 0) {
      busyNanos += now - busySince;
    }
    return now;
  }

  /** The figures so far; a chat still in service counts up to now. */
  public synchronized Snapshot snapshot() {
    long busy = busyNanos + (inService > 0 ? clock.getAsLong() - busySince : 0);
    return new Snapshot(busy, slotNanos, served, inService, maxInService);
  }

  /**
   * @param busyNanos time with at least one chat in service
   * @param slotNanos sum of the finished chats' service times
   * @param served chats finished
   * @param inService chats in service now
   * @param maxInService most chats in service at once
   */
  public record Snapshot(long busyNanos, long slotNanos, long served, int inService, int maxInService) {}
}
