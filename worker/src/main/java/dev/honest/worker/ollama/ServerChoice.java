package dev.honest.worker.ollama;

import java.util.Comparator;
import java.util.TreeSet;

/**
 * Which server an attempt goes to: the one with the fewest of this client's chats in flight, ties
 * broken round-robin, and never the server of the previous attempt when there is another. A worker
 * process has one chat in flight at a time, so for it this is plain round-robin; when many threads
 * share one client (local runs in one JVM) each request joins the shortest queue, so no server
 * idles while another holds a backlog of this client's requests.
 *
 * <p>With a cap (a server's {@code OLLAMA_NUM_PARALLEL}), a chat waits here, in this client,
 * until some server has fewer than that many of its chats in flight, instead of queueing inside one
 * server: the waiting chats go to whichever server frees a slot first, as from one queue, lowest
 * {@code order} first and in turn of arrival among equals (never by chance, so none starves).
 *
 * <p>{@code queued} more chats per server may wait in the server's own queue, so that its next chat
 * starts the moment a slot frees instead of after this client's round trip; but only while at least
 * as many chats wait here as there are servers with room in their queues. With fewer, at the end of
 * a run, a chat committed to one server's queue could wait behind a long chat there while another
 * server idles, so the last chats wait here and take whichever slot frees first.
 */
final class ServerChoice {
  private final int[] inFlight;
  private final int cap;
  private final int queued;
  private final TreeSet<Waiter> waiting =
      new TreeSet<>(Comparator.comparingLong(Waiter::order).thenComparingLong(Waiter::arrival));
  private long arrivals;
  private int next;

  private record Waiter(long order, long arrival, int avoid) {}

  /**
   * @param first the server that comes first in turn; workers that start at different servers do not
   *     all send their first chats to the same one
   * @param cap chats in service per server at most (its slots), or 0 for no limit
   * @param queued chats that may wait in a server's own queue beyond {@code cap}, while there is a
   *     backlog here (see above); 0 for none
   */
  ServerChoice(int servers, int first, int cap, int queued) {
    if (servers < 1 || first < 0 || first >= servers) {
      throw new IllegalArgumentException("need 0 <= first < servers, got first " + first + " of " + servers);
    }
    if (cap < 0) {
      throw new IllegalArgumentException("cap must be 0 (no limit) or more, got " + cap);
    }
    if (queued < 0 || cap == 0 && queued > 0) {
      throw new IllegalArgumentException("queued chats must be 0 or more, and need a cap; got " + queued
          + " with cap " + cap);
    }
    inFlight = new int[servers];
    this.cap = cap;
    this.queued = queued;
    next = first;
  }

  ServerChoice(int servers, int first, int cap) {
    this(servers, first, cap, 0);
  }

  ServerChoice(int servers, int first) {
    this(servers, first, 0);
  }

  /** {@link #acquire(int, long)} in turn of arrival. */
  int acquire(int avoid) throws InterruptedException {
    return acquire(avoid, 0);
  }

  /**
   * Picks a server and counts a chat in flight there until {@link #release}, waiting while every
   * server it may pick is at the cap or taken by chats of a lower order (or equal and earlier) that
   * wait. A waiting chat that can use none of the free servers (a retry avoiding the only one) does
   * not keep the chats behind it from them.
   *
   * @param avoid the previous attempt's server, or -1
   * @param order waiting chats go lowest order first
   */
  synchronized int acquire(int avoid, long order) throws InterruptedException {
    Waiter me = new Waiter(order, arrivals++, avoid);
    waiting.add(me);
    notifyAll(); // a longer backlog may let the chats ahead join a server's queue
    try {
      int best;
      while ((best = inTurn(me)) < 0) {
        wait();
      }
      next = (next + 1) % inFlight.length;
      inFlight[best]++;
      return best;
    } finally {
      waiting.remove(me);
      notifyAll(); // the next in line may take another free slot, or its turn after an interrupt
    }
  }

  /**
   * The server {@code me} gets now, or -1: the chats ahead of it in line pick first, as if each
   * took its server in turn; one that can pick none is passed over, not waited for.
   */
  private int inTurn(Waiter me) {
    int[] counts = inFlight.clone();
    int turn = next;
    int left = waiting.size();
    for (Waiter w : waiting) {
      int server = pick(w.avoid(), counts, turn, left);
      if (w == me) {
        return server;
      }
      if (server >= 0) {
        counts[server]++;
        turn = (turn + 1) % counts.length;
        left--;
      }
    }
    throw new IllegalStateException("a waiting chat is not in line");
  }

  /**
   * The least busy server below the limit, from {@code turn} on, skipping {@code avoid} if there
   * are others; -1 if none. {@code waitingHere} counts the chats waiting here, the one picking included.
   */
  private int pick(int avoid, int[] inFlight, int turn, int waitingHere) {
    // A chat joins a server's own queue only while the chats waiting here (the one picking included)
    // are at least as many as the servers with room left in their queues: each of them gets one.
    int room = 0;
    for (int n : inFlight) {
      room += n < cap + queued ? 1 : 0;
    }
    int limit = cap + (waitingHere >= room ? queued : 0);
    int best = -1;
    for (int k = 0; k < inFlight.length; k++) {
      int i = (turn + k) % inFlight.length;
      if (i == avoid && inFlight.length > 1) {
        continue;
      }
      if ((cap == 0 || inFlight[i] < limit) && (best < 0 || inFlight[i] < inFlight[best])) {
        best = i;
      }
    }
    return best;
  }

  /** Chats waiting for a slot now. */
  synchronized int waiting() {
    return waiting.size();
  }

  synchronized void release(int server) {
    inFlight[server]--;
    notifyAll();
  }
}
