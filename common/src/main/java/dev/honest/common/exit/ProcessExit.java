package dev.honest.common.exit;

/**
 * Ends the process promptly once a program's work is done and its output flushed.
 *
 * <p>At exit HotSpot waits up to 300 ms for every thread that is inside native code to come back
 * (JDK 17, {@code VM_Exit::wait_for_threads_in_native_to_block}). A JDK {@code HttpClient} keeps
 * one such thread for as long as it lives, its selector manager, blocked in {@code epoll_wait}, and
 * JDK 17 offers no way to close the client: so every JVM that has used one (the worker, the launcher
 * with its Ollama client or fabric8's JDK client) took about 0.33 s from its last line to its exit,
 * on every pod and at the end of every run. Interrupting a selector manager ends its loop and shuts
 * its client down (what {@code HttpClient.close()} does from JDK 21 on); the process then exits in
 * a few milliseconds.
 */
public final class ProcessExit {
  /** The JDK names its HTTP clients' selector threads {@code HttpClient-<n>-SelectorManager}. */
  private static final String PREFIX = "HttpClient-";
  private static final String SUFFIX = "-SelectorManager";
  private static final long JOIN_MILLIS = 100;

  private ProcessExit() {}

  /** Stops the JDK HTTP clients' selector threads, then exits with {@code code}. */
  public static void exit(int code) {
    stopHttpClientSelectors();
    System.exit(code);
  }

  /**
   * Interrupts every JDK HTTP client's selector thread and waits briefly for each to end; their
   * clients cannot be used afterwards. Returns how many were still alive after the wait.
   */
  static int stopHttpClientSelectors() {
    int alive = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
        t.interrupt();
        try {
          t.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return alive + 1;
        }
        alive += t.isAlive() ? 1 : 0;
      }
    }
    return alive;
  }
}
