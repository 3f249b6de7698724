package dev.honest.launcher.cluster;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C while a command waits on the cluster: a shutdown hook runs {@code onShutdown} (for instance
 * {@link ClusterOperations#stopWatching}) and then holds the JVM open until the command has printed
 * its last words and closed the guard, for at most {@link #GRACE}. The process then exits with the
 * code the command gave {@link #exitCode} (the exit-code table's, not the 130 of a SIGINT); without
 * one, as the signal would have it.
 *
 * <pre>{@code
 * try (ShutdownGuard guard = ShutdownGuard.install(ops::stopWatching)) {
 *   WatchResult result = ops.watch(jobs, tasks, timeout);
 *   // print the result, and for INTERRUPTED how to collect later, then
 *   guard.exitCode(1);
 * }
 * }</pre>
 */
public final class ShutdownGuard implements AutoCloseable {
  static final Duration GRACE = Duration.ofSeconds(10);

  private final Runnable onShutdown;
  private final Duration grace;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Integer exitCode;
  private final Thread hook = new Thread(this::runHook, "honest-shutdown");

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

  /**
   * The code the process exits with if it is being shut down (Ctrl-C) once the guard is closed; set
   * it after the last words are printed and flushed.
   */
  public void exitCode(int code) {
    exitCode = code;
  }

  private void runHook() {
    Integer code = onShutdown();
    if (code != null) {
      // A shutdown under way keeps the signal's status: only halting gives the command's.
      Runtime.getRuntime().halt(code);
    }
  }

  /**
   * The hook's work; package-private so that a test can run it without ending the JVM.
   *
   * @return the command's exit code, or null when it gave none (or did not finish within its grace)
   */
  Integer onShutdown() {
    onShutdown.run();
    try {
      return closed.await(grace.toMillis(), TimeUnit.MILLISECONDS) ? exitCode : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
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
