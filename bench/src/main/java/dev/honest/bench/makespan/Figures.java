package dev.honest.bench.makespan;

import dev.honest.bench.standin.BusyMeter;
import dev.honest.bench.standin.Replica;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one benchmark run, in seconds.
 *
 * @param wall from starting the launcher to its exit
 * @param totalService sum of every chat's service time (slot-seconds)
 * @param longestChat the longest chat's service time
 * @param bound the capacity lower bound: {@code max(totalService / (replicas x parallel), longestChat)}
 * @param toFirstChat from starting the launcher to the first chat reaching a replica
 * @param llmWindow from the first chat's arrival to the last chat's end
 * @param afterLastChat from the last chat's end to the launcher's exit
 * @param clientCpu CPU of the launcher and its workers
 * @param replicas each replica's figures
 */
record Figures(double wall, double totalService, double longestChat, double bound, double toFirstChat,
    double llmWindow, double afterLastChat, double clientCpu, List<ReplicaFigures> replicas) {

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

  /** Figures from a finished launcher run against {@code replicas}. */
  static Figures of(ChildProcess.Measured run, List<Replica> replicas, int parallel, List<Integer> connections) {
    long totalService = 0;
    long longest = 0;
    long firstArrival = Long.MAX_VALUE;
    long lastEnd = Long.MIN_VALUE;
    List<ReplicaFigures> perReplica = new ArrayList<>();
    for (Replica r : replicas) {
      for (Replica.Chat c : r.chats()) {
        totalService += c.serviceNanos();
        longest = Math.max(longest, c.serviceNanos());
        firstArrival = Math.min(firstArrival, c.arrivedAt());
        lastEnd = Math.max(lastEnd, c.endedAt());
      }
      BusyMeter.Snapshot busy = r.busy();
      perReplica.add(new ReplicaFigures(r.index(), seconds(busy.busyNanos()), seconds(busy.slotNanos()),
          busy.served(), connections.get(r.index() - 1), busy.maxInService()));
    }
    if (firstArrival == Long.MAX_VALUE) {
      throw new IllegalStateException("no chat reached any replica");
    }
    double bound = Math.max(seconds(totalService) / (replicas.size() * parallel), seconds(longest));
    return new Figures(seconds(run.wallNanos()), seconds(totalService), seconds(longest), bound,
        seconds(firstArrival - run.startedAt()), seconds(lastEnd - firstArrival), seconds(run.endedAt() - lastEnd),
        seconds(run.cpuNanos()), perReplica);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
