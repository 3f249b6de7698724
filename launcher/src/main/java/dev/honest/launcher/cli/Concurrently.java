package dev.honest.launcher.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Work started on a daemon thread of its own and taken up where its result is needed: the
 * launcher's start-up runs independent steps (a key, a network check, a plan) at once instead of one
 * after another. The work is the same, and a failure surfaces where the result is taken, as thrown,
 * so a command reports the same error it would report doing the steps in turn.
 *
 * @param <T> what the work returns
 */
final class Concurrently<T> {
  private final FutureTask<T> task;

  private Concurrently(FutureTask<T> task) {
    this.task = task;
  }

  /** Starts {@code work} on a new daemon thread named {@code name}; it does not keep the JVM alive. */
  static <T> Concurrently<T> start(String name, Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(work);
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
    return new Concurrently<>(task);
  }

  /**
   * Waits for the result.
   *
   * @throws RuntimeException or {@link Error}: what the work threw, as it was thrown
   * @throws IllegalStateException wrapping a checked exception the work threw
   */
  T join() throws InterruptedException {
    try {
      return task.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }
}
