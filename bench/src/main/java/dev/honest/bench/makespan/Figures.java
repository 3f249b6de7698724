package dev.honest.bench.makespan;

import dev.honest.bench.standin.BusyMeter;
import dev.honest.bench.standin.Replica;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one benchmark run, in seconds.
 *
 * @param wall from starting the launcher to its exit
 * @param totalService sum of the service times (slot-seconds) of the chats the results account for: every
 *     call the results record, failed attempts included, is one chat; a chat beyond them (a task run twice,
 *     a request nobody recorded) is work the run did not need and counts in {@code unrecorded} instead
 * @param longestChat the longest of those chats' service times
 * @param bound the capacity lower bound: {@code max(totalService / (replicas x parallel), longestChat)}
 * @param toFirstChat from starting the launcher to the first chat reaching a replica
 * @param llmWindow from the first chat's arrival to the last chat's end
 * @param afterLastChat from the last chat's end to the launcher's exit
 * @param clientCpu CPU of the launcher and its workers
 * @param replicas each replica's figures
 * @param unrecordedChats chats served that no call in the results accounts for
 * @param unrecordedService their service time, left out of the bound
 */
record Figures(double wall, double totalService, double longestChat, double bound, double toFirstChat,
    double llmWindow, double afterLastChat, double clientCpu, List<ReplicaFigures> replicas, long unrecordedChats,
    double unrecordedService) {

  /**
   * @param busy time with at least one chat in service
   * @param slots slot-seconds: the sum of its chats' service times
   * @param connections connections the proxy pinned to it
   */
  record ReplicaFigures(int index, double busy, double slots, long chats, int connections, int maxInService) {}

  double ratio() {
    return wall / bound;
  }

  double windowRatio() {
    return llmWindow / bound;
  }

  /**
   * Figures from a finished launcher run against {@code replicas}.
   *
   * @param recordedCalls how many calls the run's results record for each {@code request_sha256}; null
   *     when there are no results, and every chat served counts
   */
  static Figures of(ChildProcess.Measured run, List<Replica> replicas, int parallel, List<Integer> connections,
      Map<String, Long> recordedCalls) {
    List<Replica.Chat> all = new ArrayList<>();
    List<ReplicaFigures> perReplica = new ArrayList<>();
    for (Replica r : replicas) {
      all.addAll(r.chats());
      BusyMeter.Snapshot busy = r.busy();
      perReplica.add(new ReplicaFigures(r.index(), seconds(busy.busyNanos()), seconds(busy.slotNanos()),
          busy.served(), connections.get(r.index() - 1), busy.maxInService()));
    }
    if (all.isEmpty()) {
      throw new IllegalStateException("no chat reached any replica");
    }
    long firstArrival = all.stream().mapToLong(Replica.Chat::arrivedAt).min().orElseThrow();
    long lastEnd = all.stream().mapToLong(Replica.Chat::endedAt).max().orElseThrow();
    Needed needed = needed(all, recordedCalls);
    double bound = Math.max(seconds(needed.serviceNanos()) / (replicas.size() * parallel),
        seconds(needed.longestNanos()));
    return new Figures(seconds(run.wallNanos()), seconds(needed.serviceNanos()), seconds(needed.longestNanos()),
        bound, seconds(firstArrival - run.startedAt()), seconds(lastEnd - firstArrival),
        seconds(run.endedAt() - lastEnd), seconds(run.cpuNanos()), perReplica, needed.unrecordedChats(),
        seconds(needed.unrecordedNanos()));
  }

  /**
   * The work the bound counts: of the chats served, those that a call in the results accounts for
   * (matched by the request body's SHA-256, as many as the results record of it, the earliest served
   * first); the others apart.
   */
  record Needed(long serviceNanos, long longestNanos, long unrecordedChats, long unrecordedNanos) {}

  static Needed needed(List<Replica.Chat> chats, Map<String, Long> recordedCalls) {
    Map<String, Long> left = recordedCalls == null ? null : new HashMap<>(recordedCalls);
    long service = 0;
    long longest = 0;
    long unrecorded = 0;
    long unrecordedNanos = 0;
    List<Replica.Chat> byStart = new ArrayList<>(chats);
    byStart.sort(Comparator.comparingLong(Replica.Chat::startedAt));
    for (Replica.Chat c : byStart) {
      if (left != null && left.merge(c.requestSha256(), -1L, Long::sum) < 0) {
        unrecorded++;
        unrecordedNanos += c.serviceNanos();
        continue;
      }
      service += c.serviceNanos();
      longest = Math.max(longest, c.serviceNanos());
    }
    return new Needed(service, longest, unrecorded, unrecordedNanos);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
