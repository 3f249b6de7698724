package dev.honest.bench.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.honest.bench.standin.Replica;
import dev.honest.common.json.Json;
import dev.honest.worker.testing.OllamaStandIn;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;

/**
 * An Ollama stand-in on 127.0.0.1 that answers at once and records how long it held each request:
 * from the moment its handler starts (the request line and headers read, the body not yet) to the
 * moment the reply is written, and, for a {@link #watch watched} process, the CPU it had used when
 * the request arrived. {@code GET /api/tags} lists both models and {@code POST /api/chat} sends
 * the answer {@link OllamaStandIn} gives (streamed unless the request says {@code "stream": false}),
 * which the worker accepts. Unlike {@code standin.Replica} it also records {@code /api/tags}, the
 * worker's first request.
 */
final class RecordingOllama implements AutoCloseable {
  static final String TAGS = "/api/tags";
  static final String CHAT = "/api/chat";

  static {
    // As Ollama (Go's net/http) does; without it the replies meet delayed ACKs (see standin.Replica).
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /**
   * One request as the stand-in saw it; times are {@link System#nanoTime} values.
   *
   * @param path {@link #TAGS}, {@link #CHAT} or anything else asked
   * @param arrivedAt when its handler started
   * @param endedAt when its reply had been written
   * @param watchedCpuNanos the watched process's {@link ProcessCpu} when it arrived; -1 when none was watched
   */
  record Exchange(String path, long arrivedAt, long endedAt, long watchedCpuNanos) {
    long nanos() {
      return endedAt - arrivedAt;
    }
  }

  private final List<Exchange> exchanges = new ArrayList<>();
  private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "recording-ollama");
    t.setDaemon(true);
    return t;
  });
  private final HttpServer server;
  private volatile long watched = -1;

  RecordingOllama() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every request answered so far, in the order their replies were written. */
  List<Exchange> exchanges() {
    synchronized (exchanges) {
      return List.copyOf(exchanges);
    }
  }

  /** Notes the CPU of process {@code pid} as each request arrives; -1 stops watching. */
  void watch(long pid) {
    watched = pid;
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    long arrivedAt = System.nanoTime();
    long pid = watched;
    long cpu = pid < 0 ? -1 : ProcessCpu.nanos(pid);
    String path = exchange.getRequestURI().getPath();
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (TAGS.equals(path)) {
        Replica.send(exchange, 200, "application/json; charset=utf-8", OllamaStandIn.tags(), false);
      } else if (CHAT.equals(path)) {
        JsonNode request = Json.mapper().readTree(body);
        String content = OllamaStandIn.answerFor(request);
        boolean streamed = request.path("stream").asBoolean(true);
        Replica.send(exchange, 200, OllamaStandIn.contentType(streamed), OllamaStandIn.reply(
            request.path("model").asString(), content, OllamaStandIn.promptTokens(request),
            OllamaStandIn.completionTokens(content), "stop", streamed), streamed);
      } else {
        Replica.send(exchange, 404, "text/plain", "404 page not found", false);
      }
    } finally {
      long endedAt = System.nanoTime();
      synchronized (exchanges) {
        exchanges.add(new Exchange(path, arrivedAt, endedAt, cpu));
      }
    }
  }
}
