package dev.honest.bench.standin;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.honest.common.hash.Hashes;
import dev.honest.common.json.Json;
import dev.honest.worker.testing.OllamaStandIn;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One Ollama replica for benchmarks, on 127.0.0.1: {@code GET /api/tags} at once, and {@code POST
 * /api/chat} through {@code parallel} slots. A chat waits for a free slot in arrival order (FIFO,
 * as Ollama queues behind {@code OLLAMA_NUM_PARALLEL}), holds it for its {@link LatencyModel} time,
 * and is answered as {@link OllamaStandIn} answers (one object, or a streamed NDJSON reply when the
 * request asks for a stream or says nothing, as Ollama does; its findings the worker accepts).
 * Every finished chat is kept as a {@link Chat}, and a {@link BusyMeter} adds up the time.
 */
public final class Replica implements AutoCloseable {
  /** More handler threads than any benchmark has open connections; a request beyond them is refused. */
  static final int MAX_THREADS = 512;

  /** How a chat spends its service time. */
  @FunctionalInterface
  public interface Service {
    /** Real time: the thread sleeps. */
    Service SLEEP = nanos -> TimeUnit.NANOSECONDS.sleep(nanos);

    void hold(long nanos) throws InterruptedException;
  }

  /**
   * One finished chat; times are {@link System#nanoTime} values.
   *
   * @param arrival 1-based order in which valid chats reached this replica
   * @param arrivedAt when its body had been read
   * @param startedAt when it got a slot
   * @param endedAt when its reply had been written and the slot freed
   * @param requestSha256 SHA-256 of the request body as received, as the worker records it in its
   *     call ({@code request_sha256})
   */
  public record Chat(long arrival, long arrivedAt, long startedAt, long endedAt, long promptTokens,
      long completionTokens, String requestSha256) {
    public long serviceNanos() {
      return endedAt - startedAt;
    }
  }

  static {
    // Ollama (Go's net/http) sets TCP_NODELAY on every connection; without it the JDK server's replies
    // meet the client's delayed ACKs and each chat waits about 40 ms that no real server adds.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final String JSON = "application/json; charset=utf-8";

  private final int index;
  private final LatencyModel latency;
  private final Service service;
  private final Semaphore slots;
  private final BusyMeter meter = new BusyMeter(System::nanoTime);
  private final AtomicLong arrivals = new AtomicLong();
  private final List<Chat> chats = new ArrayList<>();
  private final ExecutorService handlers;
  private final HttpServer server;

  /**
   * Starts serving on an ephemeral port of 127.0.0.1.
   *
   * @param index 1-based, for reports
   * @param parallel chats served at once, like {@code OLLAMA_NUM_PARALLEL}
   */
  public Replica(int index, int parallel, LatencyModel latency, Service service) throws IOException {
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel must be at least 1, got " + parallel);
    }
    this.index = index;
    this.latency = latency;
    this.service = service;
    this.slots = new Semaphore(parallel, true);
    this.handlers = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, "replica-" + index + "-handler");
          t.setDaemon(true);
          return t;
        });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(handlers);
    server.createContext("/", this::handle);
    server.start();
  }

  public int index() {
    return index;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Chats waiting for a slot now. */
  public int waiting() {
    return slots.getQueueLength();
  }

  public BusyMeter.Snapshot busy() {
    return meter.snapshot();
  }

  /** The finished chats, in the order they finished. */
  public List<Chat> chats() {
    synchronized (chats) {
      return List.copyOf(chats);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      if ("GET".equals(exchange.getRequestMethod()) && "/api/tags".equals(path)) {
        send(exchange, 200, JSON, OllamaStandIn.tags(), false);
      } else if ("POST".equals(exchange.getRequestMethod()) && "/api/chat".equals(path)) {
        chat(exchange, body);
      } else {
        send(exchange, 404, "text/plain", "404 page not found", false);
      }
    }
  }

  private void chat(HttpExchange exchange, byte[] body) throws IOException {
    long arrivedAt = System.nanoTime();
    JsonNode request;
    try {
      request = Json.mapper().readTree(body);
    } catch (JacksonException e) {
      send(exchange, 400, JSON, error("invalid JSON: " + e.getOriginalMessage()), false);
      return;
    }
    String model = request.path("model").asString();
    if (!model.equals(OllamaStandIn.CODE_MODEL) && !model.equals(OllamaStandIn.GENERAL_MODEL)) {
      send(exchange, 404, JSON,
          error("model \"" + model + "\" not found, try pulling it first"), false);
      return;
    }
    boolean streamed = request.path("stream").asBoolean(true);
    String content = OllamaStandIn.answerFor(request);
    long prompt = OllamaStandIn.promptTokens(request);
    long completion = OllamaStandIn.completionTokens(content);
    String requestSha256 = Hashes.sha256Hex(body);
    long arrival = arrivals.incrementAndGet();
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    long startedAt = meter.begin();
    try {
      service.hold(latency.serviceNanos(prompt, completion));
      send(exchange, 200, OllamaStandIn.contentType(streamed),
          OllamaStandIn.reply(model, content, prompt, completion, "stop", streamed), streamed);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      long endedAt = meter.end(startedAt);
      slots.release();
      synchronized (chats) {
        chats.add(new Chat(arrival, arrivedAt, startedAt, endedAt, prompt, completion, requestSha256));
      }
    }
  }

  private static String error(String message) {
    return Json.mapper().createObjectNode().put("error", message).toString();
  }

  /** Writes a reply as Ollama does: a stream chunked, anything else with its length. */
  public static void send(HttpExchange exchange, int status, String contentType, String text, boolean chunked)
      throws IOException {
    byte[] bytes = text.getBytes(UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, chunked ? 0 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
