package dev.honest.worker.ollama;

/**
 * Which server an attempt goes to: the one with the fewest of this client's chats in flight, ties
 * broken round-robin, and never the server of the previous attempt when there is another. A worker
 * process has one chat in flight at a time, so for it this is plain round-robin; when many threads
 * share one client (local runs in one JVM) each request joins the shortest queue, so no server
 * idles while another holds a backlog of this client's requests.
 */
final class ServerChoice {
  private final int[] inFlight;
  private int next;

  /**
   * @param first the server that comes first in turn; workers that start at different servers do not
   *     all send their first chats to the same one
   */
  ServerChoice(int servers, int first) {
    if (servers < 1 || first < 0 || first >= servers) {
      throw new IllegalArgumentException("need 0 <= first < servers, got first " + first + " of " + servers);
    }
    inFlight = new int[servers];
    next = first;
  }

  /**
   * Picks a server and counts a chat in flight there until {@link #release}.
   *
   * @param avoid the previous attempt's server, or -1
   */
  synchronized int acquire(int avoid) {
    int start = next;
    next = (next + 1) % inFlight.length;
    int best = -1;
    for (int k = 0; k < inFlight.length; k++) {
      int i = (start + k) % inFlight.length;
      if (i == avoid && inFlight.length > 1) {
        continue;
      }
      if (best < 0 || inFlight[i] < inFlight[best]) {
        best = i;
      }
    }
    inFlight[best]++;
    return best;
  }

  synchronized void release(int server) {
    inFlight[server]--;
  }
}
