package dev.honest.bench.standin;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An Ollama deployment for benchmarks, all on 127.0.0.1: {@code replicas} {@link Replica}s of
 * {@code parallel} slots each, behind one {@link StickyProxy} that plays the ClusterIP Service. It
 * closes itself after {@code lifetime}, so a forgotten instance does not serve forever.
 */
public final class StandIn implements AutoCloseable {
  private final List<Replica> replicas;
  private final StickyProxy proxy;
  private final Thread reaper;

  private StandIn(List<Replica> replicas, StickyProxy proxy, Duration lifetime) {
    this.replicas = List.copyOf(replicas);
    this.proxy = proxy;
    this.reaper = new Thread(() -> {
      try {
        Thread.sleep(lifetime.toMillis());
      } catch (InterruptedException closedEarlier) {
        return;
      }
      closeServers();
    }, "stand-in-lifetime");
    reaper.setDaemon(true);
    reaper.start();
  }

  /**
   * Starts the replicas and the proxy.
   *
   * @param seed seeds the proxy's choice of replica, so a run can be repeated
   */
  public static StandIn start(int replicas, int parallel, LatencyModel latency, long seed, Duration lifetime)
      throws IOException {
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas must be at least 1, got " + replicas);
    }
    List<Replica> started = new ArrayList<>();
    try {
      for (int i = 1; i <= replicas; i++) {
        started.add(new Replica(i, parallel, latency, Replica.Service.SLEEP));
      }
      return new StandIn(started, new StickyProxy(started.stream().map(Replica::address).toList(),
          new Random(seed)), lifetime);
    } catch (IOException | RuntimeException e) {
      started.forEach(Replica::close);
      throw e;
    }
  }

  /** The Service's address: connections pinned to a random replica. */
  public String proxyUrl() {
    return proxy.url();
  }

  /** Each replica's own address, as a headless Service's endpoints would give them. */
  public List<String> replicaUrls() {
    return replicas.stream().map(Replica::url).toList();
  }

  public List<Replica> replicas() {
    return replicas;
  }

  public StickyProxy proxy() {
    return proxy;
  }

  @Override
  public void close() {
    reaper.interrupt();
    closeServers();
  }

  private void closeServers() {
    proxy.close();
    replicas.forEach(Replica::close);
  }
}
