package dev.honest.bench.standin;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/** A {@link Replica.Service} that holds every chat until the test lets one go. */
final class Gate implements Replica.Service {
  private final Semaphore permits = new Semaphore(0);

  @Override
  public void hold(long nanos) throws InterruptedException {
    permits.acquire();
  }

  /** Lets {@code chats} chats finish their service. */
  void open(int chats) {
    permits.release(chats);
  }

  /** Waits (at most 10 s: this is a sync point, not a timing check) until {@code condition} holds. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(5);
    }
  }
}
