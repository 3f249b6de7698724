package dev.honest.launcher.cli;

import dev.honest.common.exit.ExitCode;
import dev.honest.launcher.cluster.ShutdownGuard;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (SIGINT or SIGTERM) during a command that changes the cluster or its output: the command's
 * thread is interrupted (after {@code alsoOnStop}, e.g. stopping a watch), whatever it waited on
 * throws, and the command says what it left ({@link #leaves}) and exits 1, also while the JVM shuts
 * down ({@link ShutdownGuard}).
 *
 * <pre>{@code
 * try (StopOnCtrlC stop = new StopOnCtrlC("⏹ Stopped ...; what it left", () -> {})) {
 *   try {
 *     ...
 *     return stop.ended(code);
 *   } catch (Exception e) {
 *     if (!stop.byCtrlC()) {
 *       throw e;
 *     }
 *     return stop.said(out);
 *   }
 * }
 * }</pre>
 */
final class StopOnCtrlC implements AutoCloseable {
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final ShutdownGuard guard;
  private volatile String leaves;

  /** @param leaves what the command says it left if Ctrl-C stops it before {@link #leaves} says otherwise */
  StopOnCtrlC(String leaves, Runnable alsoOnStop) {
    this.leaves = leaves;
    Thread command = Thread.currentThread();
    guard = ShutdownGuard.install(() -> {
      stopping.set(true);
      alsoOnStop.run();
      command.interrupt();
    });
  }

  /** What the command says it left if it is stopped from now on (one or more lines). */
  void leaves(String lines) {
    leaves = lines;
  }

  /** The command's exit code, which the process also ends with after a Ctrl-C from now on. */
  int ended(int code) {
    guard.exitCode(code);
    return code;
  }

  /** Says what the command left and gives 1: for a command that returns when stopped (a watch). */
  int said(PrintWriter out) {
    out.println(leaves);
    out.flush();
    return ended(ExitCode.TASKS_FAILED.code());
  }

  /**
   * Whether Ctrl-C stopped the command (what it waited on then threw); clears the interrupt, so that
   * the command can still print.
   */
  boolean byCtrlC() {
    if (!stopping.get()) {
      return false;
    }
    Thread.interrupted();
    return true;
  }

  @Override
  public void close() {
    guard.close();
  }
}
