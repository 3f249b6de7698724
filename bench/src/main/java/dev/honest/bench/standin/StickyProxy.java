package dev.honest.bench.standin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.random.RandomGenerator;

/**
 * A TCP proxy on 127.0.0.1 that pins each accepted connection to one backend chosen at random, as
 * kube-proxy does for a ClusterIP Service: every request a keep-alive client sends on that
 * connection goes to the same backend, however busy it is.
 */
public final class StickyProxy implements AutoCloseable {
  /** Open connections beyond this are refused, so a runaway client cannot exhaust threads. */
  static final int MAX_CONNECTIONS = 1024;
  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private final List<InetSocketAddress> backends;
  private final RandomGenerator random;
  private final ServerSocket listener;
  private final AtomicIntegerArray connections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;

  /**
   * Starts accepting on an ephemeral port.
   *
   * @param random picks each connection's backend; only the acceptor thread uses it
   */
  public StickyProxy(List<InetSocketAddress> backends, RandomGenerator random) throws IOException {
    if (backends.isEmpty()) {
      throw new IllegalArgumentException("backends must name at least one address");
    }
    this.backends = List.copyOf(backends);
    this.random = random;
    this.connections = new AtomicIntegerArray(backends.size());
    this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "sticky-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public String url() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  /** Connections accepted so far for each backend, in the order the backends were given. */
  public List<Integer> connectionsPerBackend() {
    Integer[] counts = new Integer[connections.length()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = connections.get(i);
    }
    return List.of(counts);
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    open.forEach(StickyProxy::closeQuietly);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (open.size() / 2 >= MAX_CONNECTIONS) {
        closeQuietly(client);
        continue;
      }
      int chosen = random.nextInt(backends.size());
      connections.incrementAndGet(chosen);
      Socket backend = new Socket();
      try {
        // kube-proxy forwards packets in the kernel; these sockets must not add Nagle's delay.
        client.setTcpNoDelay(true);
        backend.setTcpNoDelay(true);
        backend.connect(backends.get(chosen), CONNECT_TIMEOUT_MS);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(backend);
        continue;
      }
      open.add(client);
      open.add(backend);
      pump(client, backend, "up");
      pump(backend, client, "down");
    }
  }

  /** Copies {@code from} to {@code to} until either side ends, then closes both. */
  private void pump(Socket from, Socket to, String direction) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
        }
      } catch (IOException e) {
        // a reset, or the other direction closed the pair first: either way the pair ends
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }, "sticky-proxy-" + direction);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing
    }
  }
}
