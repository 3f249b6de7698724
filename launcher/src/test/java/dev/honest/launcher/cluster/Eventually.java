package dev.honest.launcher.cluster;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for something another thread does; a bound against hanging, not a timing assertion. */
final class Eventually {
  private static final Duration BOUND = Duration.ofSeconds(30);

  private Eventually() {}

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what);
      }
      Thread.sleep(20);
    }
  }
}
