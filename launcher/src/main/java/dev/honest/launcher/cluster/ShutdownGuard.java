package dev.honest.launcher.cluster;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C while a command waits on the cluster: a shutdown hook runs {@code onShutdown} (for instance
 * {@link ClusterOperations#stopWatching}) and then holds the JVM open until the command has printed
 * its last words and closed the guard, for at most {@link #GRACE}.
 *
 * <pre>{@code
 * try (ShutdownGuard guard = ShutdownGuard.install(ops::stopWatching)) {
 *   WatchResult result = ops.watch(jobs, tasks, timeout);
 *   // print the result, and for INTERRUPTED how to collect later
 * }
 * }</pre>
 */
public final class ShutdownGuard implements AutoCloseable {
  static final Duration GRACE = Duration.ofSeconds(10);

  private final Runnable onShutdown;
  private final Duration grace;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread hook = new Thread(this::onShutdown, "honest-shutdown");

  private ShutdownGuard(Runnable onShutdown, Duration grace) {
    this.onShutdown = onShutdown;
    this.grace = grace;
  }

  public static ShutdownGuard install(Runnable onShutdown) {
    return install(onShutdown, GRACE);
  }

  /** As {@link #install(Runnable)}, holding the JVM open for at most {@code grace}. */
  public static ShutdownGuard install(Runnable onShutdown, Duration grace) {
    ShutdownGuard guard = new ShutdownGuard(onShutdown, grace);
    Runtime.getRuntime().addShutdownHook(guard.hook);
    return guard;
  }

  /** The hook's work; package-private so that a test can run it without ending the JVM. */
  void onShutdown() {
    onShutdown.run();
    try {
      closed.await(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running; counting down above has let it finish.
    }
  }
}
