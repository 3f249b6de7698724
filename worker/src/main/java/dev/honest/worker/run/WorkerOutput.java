package dev.honest.worker.run;

import dev.honest.common.result.ResultLines;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A worker's output: every line the worker prints, for people or for the launcher, goes through
 * here, one line or a record with its statement at a time, so that no line interleaves with
 * another and a stop ({@link #stop}) can wait for the one being printed, say where the worker
 * stopped, and keep anything more from being printed.
 */
public final class WorkerOutput {
  private final PrintStream out;
  private final int worker;
  /**
   * Held while lines are printed: {@link #stop} takes it for good. Fair, so that a stop waiting for it
   * comes before the next line.
   */
  private final ReentrantLock printing = new ReentrantLock(true);
  /** The task being run, for the line a stop prints; null between tasks. */
  private volatile String running;
  /** True once the last lines (the summary) are printed: nothing is said after them. */
  private boolean ended;
  /** True once stopped: nothing is printed after the stop line, not even by the thread that stopped. */
  private boolean stopped;

  /** @param worker the worker's index, which starts each of its lines for people */
  public WorkerOutput(PrintStream out, int worker) {
    this.out = out;
    this.worker = worker;
  }

  /**
   * Prints a line for people. The message may quote untrusted text (a model's answer, Ollama's error,
   * an API server's, a task id or file name): it is printed {@linkplain ResultLines#forPeople inert},
   * so that it can neither print a line the launcher would read as a record or statement nor drive a
   * terminal.
   */
  public void say(String message) {
    print(peopleLine(message));
  }

  /** Prints {@code lines} as one: no other line comes between them, and a stop waits for the last. */
  void print(String... lines) {
    printing.lock();
    try {
      if (stopped) {
        return;
      }
      for (String line : lines) {
        out.println(line);
      }
      out.flush();
    } finally {
      printing.unlock();
    }
  }

  /** Prints {@code lines} as {@link #print} does, as the last: a stop after them says nothing. */
  void printLast(String... lines) {
    printing.lock();
    try {
      print(lines);
      ended = true;
    } finally {
      printing.unlock();
    }
  }

  /** The line {@link #say} prints for {@code message}. */
  String peopleLine(String message) {
    return "[worker-" + worker + "] " + ResultLines.forPeople(message);
  }

  /** Names the task being run, for the line a stop prints; null between tasks. */
  void running(String task) {
    running = task;
  }

  /**
   * For a process being stopped (SIGTERM: its pod deleted, evicted or past its Job's deadline; the
   * JVM ends as soon as its shutdown hooks have run): waits, up to {@code wait}, for the line being
   * printed to end, a record together with its statement, so that the log never ends in the middle of
   * one; then keeps anything more from being printed and, unless the summary is out, says that the
   * worker was stopped and which task it was running. That task and those after it have no record:
   * the launcher reports them as lost, with how the pod ended.
   *
   * @return false when the wait ran out (the output is blocked)
   */
  public boolean stop(Duration wait) {
    try {
      if (!printing.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    // Never released: the process is ending, and any line after this one could be cut.
    if (!ended) {
      String task = running;
      // SIGTERM: in a cluster its pod was deleted or evicted, or its Job's deadline passed; under `local`, the
      // launcher stopped it (Ctrl-C, --timeout).
      say("stopped by a signal (SIGTERM) before its summary" + (task == null ? "" : ", while task " + task
          + " was running") + ": tasks without a record above were not finished by this worker");
    }
    stopped = true;
    return true;
  }
}
