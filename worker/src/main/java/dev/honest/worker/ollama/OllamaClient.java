package dev.honest.worker.ollama;

import static dev.honest.worker.ollama.OllamaException.BAD_REQUEST;
import static dev.honest.worker.ollama.OllamaException.INTERRUPTED;
import static dev.honest.worker.ollama.OllamaException.INVALID_RESPONSE;
import static dev.honest.worker.ollama.OllamaException.MODEL_MISMATCH;
import static dev.honest.worker.ollama.OllamaException.MODEL_NOT_FOUND;
import static dev.honest.worker.ollama.OllamaException.OLLAMA_UNAVAILABLE;
import static dev.honest.worker.ollama.OllamaException.PROMPT_TOO_LONG;
import static dev.honest.worker.ollama.OllamaException.SERVER_ERROR;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.hash.Hashes;
import dev.honest.common.json.Json;
import dev.honest.common.result.CallRecord;
import dev.honest.worker.ollama.ResponseParser.BadBody;
import dev.honest.worker.ollama.ResponseParser.ParsedReply;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Ollama's native API ({@code POST /api/chat}, {@code GET /api/tags}) over {@code java.net.http}.
 *
 * <p>Every HTTP attempt of a chat becomes a {@link CallRecord} with the hashes of the exact bytes sent and
 * received, whether it succeeded or not. Transient failures (no connection, timeout, 5xx, 429, a body that is not
 * Ollama's JSON, a broken stream, an answer naming another model than the one asked) are retried with
 * exponential backoff and full jitter up to {@link WorkerConfig#maxAttempts()}; 400 and 404 never are. Each
 * attempt goes to the base URL with the fewest of this client's chats in flight, in turn among equals ({@link ServerChoice}: round-robin for one
 * chat at a time, from a random first URL), and a retry always moves away from the server that just failed.
 * A URL given twice (a trailing slash aside) is one server.
 *
 * <p>Thread-safe: one instance serves concurrent chats, provided the injected {@link RandomGenerator} is
 * safe for concurrent use ({@link java.util.Random} is).
 */
public final class OllamaClient {
  /** Ceiling of the first backoff; it doubles on each retry up to {@link #BACKOFF_CAP_MS}. */
  static final long BACKOFF_BASE_MS = 500;
  static final long BACKOFF_CAP_MS = 30_000;
  /** Pause between two rounds of {@code /api/tags} while waiting for models. */
  static final Duration TAGS_POLL_INTERVAL = Duration.ofSeconds(2);
  /** A live server lists its models at once; a longer wait means it is not up. */
  private static final Duration TAGS_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final List<String> baseUrls;
  private final ObjectNode options;
  private final JsonNode keepAlive;
  private final Duration requestTimeout;
  private final int maxAttempts;
  private final HttpClient http;
  private final Sleeper sleeper;
  private final RandomGenerator random;
  private final ServerChoice servers;
  private final Map<String, ModelInfo> checkedModels = new ConcurrentHashMap<>();
  /** Every server's {@code /api/tags} answer asked for by {@link #listModelsAhead}, until an {@link #awaitModels} takes it. */
  private final AtomicReference<Map<String, Listing>> listedAhead = new AtomicReference<>();

  /**
   * @param config Ollama URLs, options, {@code keep_alive}, request timeout and attempts
   * @param http the HTTP client; it should speak HTTP/1.1 (see {@link #create})
   * @param sleeper waits between attempts and between {@code /api/tags} rounds
   * @param random jitter of the backoff; must be safe for concurrent use when the client is shared
   */
  public OllamaClient(WorkerConfig config, HttpClient http, Sleeper sleeper, RandomGenerator random) {
    this(config, Duration.ofSeconds(config.requestTimeoutSeconds()), http, sleeper, random, 0, 0);
  }

  /**
   * Same, with a request timeout that {@link WorkerConfig} cannot express (below one second, for
   * tests), a cap on chats in service per server (0: none) and how many more may wait in a server's
   * own queue while others wait here ({@link ServerChoice}).
   */
  OllamaClient(WorkerConfig config, Duration requestTimeout, HttpClient http, Sleeper sleeper,
      RandomGenerator random, int perServerCap, int queuedPerServer) {
    // A server named twice (with and without a trailing slash, or the same pod behind two names) is
    // one server: its share of the chats, its cap and a retry's move away from it count it once.
    this.baseUrls = config.llmUrls().stream().map(url -> url.replaceAll("/+$", "")).distinct().toList();
    this.servers = new ServerChoice(baseUrls.size(),
        baseUrls.size() == 1 ? 0 : (int) random.nextLong(baseUrls.size()), perServerCap, queuedPerServer);
    this.options = optionsNode(config.options());
    this.keepAlive = keepAliveNode(config.keepAlive());
    this.requestTimeout = requestTimeout;
    this.maxAttempts = config.maxAttempts();
    this.http = http;
    this.sleeper = sleeper;
    this.random = random;
  }

  /**
   * A client with a real HTTP client (without TLS when every URL is plain http, see {@link NoTls}),
   * real sleeps and a thread-safe random jitter.
   */
  public static OllamaClient create(WorkerConfig config) {
    return new OllamaClient(config, httpClientFor(config), Sleeper.SYSTEM, new Random());
  }

  /**
   * A client for many threads at once (workers in one JVM): at most {@code slotsPerServer} of its
   * chats in service on each server, set to the servers' {@code OLLAMA_NUM_PARALLEL}, so that chats
   * wait here for the first free slot rather than in one server's queue while another idles; and,
   * while chats wait here for every server, one more waiting in each server's own queue, so that a
   * freed slot starts its next chat at once instead of after this client's round trip (10-15 ms a
   * chat, some 2 % of a replica's time when chats take a second).
   */
  public static OllamaClient shared(WorkerConfig config, int slotsPerServer) {
    if (slotsPerServer < 1) {
      throw new IllegalArgumentException("chats in service per server must be at least 1, got " + slotsPerServer);
    }
    return new OllamaClient(config, Duration.ofSeconds(config.requestTimeoutSeconds()), httpClientFor(config),
        Sleeper.SYSTEM, new Random(), slotsPerServer, 1);
  }

  static HttpClient defaultHttpClient() {
    return httpClientBuilder().build();
  }

  /** The HTTP client for the configured URLs: without TLS when they are all plain http ({@link NoTls}). */
  private static HttpClient httpClientFor(WorkerConfig config) {
    return NoTls.whenAllPlainHttp(config.llmUrls(), httpClientBuilder()).build();
  }

  /**
   * HTTP/1.1 only: Ollama serves plain HTTP/1.1, so the JDK's default h2c upgrade attempt is pointless.
   * The client's own work runs on its selector thread instead of being handed to a thread pool: a
   * response is read whole into a byte array (nothing blocks there) and waited for by the caller, and
   * each hand-over cost a context switch, 1-3 ms of a worker's time per task on one CPU
   * ({@code scripts/bench-worker}).
   */
  private static HttpClient.Builder httpClientBuilder() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .executor(Runnable::run)
        .connectTimeout(CONNECT_TIMEOUT);
  }

  /**
   * Runs one chat, retrying transient failures.
   *
   * @return the answer with every call made, failed attempts included
   * @throws OllamaException when no attempt gave an answer; it carries every call made
   */
  public ChatReply chat(ChatRequest request) throws OllamaException {
    byte[] body = Json.mapper().writeValueAsBytes(requestBody(request));
    // Every attempt sends these very bytes: their hash proves the prompt, options and schema asked.
    String requestSha256 = Hashes.sha256Hex(body);
    List<CallRecord> calls = new ArrayList<>();
    try {
      int server = -1;
      for (int attempt = 1; ; attempt++) {
        server = servers.acquire(server, request.order());
        String url = baseUrls.get(server);
        Attempt outcome;
        try {
          outcome = attempt(request, url, body, requestSha256);
        } finally {
          servers.release(server);
        }
        calls.add(outcome.call());
        if (outcome.reply() != null) {
          ParsedReply reply = outcome.reply();
          return new ChatReply(
              reply.content(), reply.doneReason(), reply.promptTokens(), reply.completionTokens(),
              outcome.call(), calls);
        }
        Failure failure = outcome.failure();
        if (!failure.retryable() || attempt >= maxAttempts) {
          throw new OllamaException(
              failure.errorClass(),
              String.format("chat with %s for %s failed after %d attempt(s); last at %s: %s",
                  request.model(), request.part(), attempt, url, failure.message()),
              failure.retryable(),
              calls);
        }
        sleeper.sleep(backoff(attempt));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OllamaException(INTERRUPTED,
          "chat with " + request.model() + " for " + request.part() + " was interrupted", false, calls);
    }
  }

  /**
   * Waits until every base URL lists every model in {@code GET /api/tags}, polling while a server does not
   * answer yet or a model is not listed yet. A name without a tag means {@code :latest}.
   *
   * @return each requested name (as given) with the listed model
   * @throws OllamaException after {@code timeout}: {@code ollama_unavailable} when a server does not answer,
   *     otherwise {@code model_not_found} naming the missing models and the URL lacking them;
   *     {@code model_mismatch} at once when two servers list a model with different digests
   */
  public Map<String, ModelInfo> awaitModels(List<String> models, Duration timeout) throws OllamaException {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("models must name at least one model");
    }
    // The number of rounds bounds the wait in Sleeper time (tests sleep without time passing); the
    // deadline bounds it in real time when /api/tags itself is slow.
    long roundsLeft = timeout.toMillis() / TAGS_POLL_INTERVAL.toMillis();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      Map<String, Listing> ahead = listedAhead.getAndSet(null);
      while (true) {
        Map<String, Listing> listings = ahead != null ? ahead : listAll();
        ahead = null;
        if (listings.values().stream().allMatch(listing -> listing.lacking(models).isEmpty())) {
          return found(models, listings);
        }
        if (roundsLeft-- <= 0 || System.nanoTime() - deadline >= 0) {
          throw notReady(models, listings, timeout);
        }
        sleeper.sleep(TAGS_POLL_INTERVAL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OllamaException(INTERRUPTED, "waiting for models " + models + " was interrupted", false, List.of());
    }
  }

  /**
   * Asks every server for its models now ({@code GET /api/tags}) and keeps the answers as the first
   * round of the next {@link #awaitModels}, which then polls as usual: for a caller that learns which
   * models it needs only later (the launcher reading its task file meanwhile, on another thread). The
   * check is the same; its first round is only asked earlier.
   */
  public void listModelsAhead() throws InterruptedException {
    listedAhead.set(listAll());
  }

  /**
   * The digest of a model that {@link #awaitModels} found.
   *
   * @throws IllegalStateException when {@link #awaitModels} has not found this model
   */
  public String digestOf(String model) {
    ModelInfo info = checkedModels.get(ModelInfo.canonicalName(model));
    if (info == null) {
      throw new IllegalStateException("model " + model + " has not been found by awaitModels");
    }
    return info.digest();
  }

  private ObjectNode requestBody(ChatRequest request) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("model", request.model());
    ArrayNode messages = body.putArray("messages");
    for (ChatMessage message : request.messages()) {
      messages.addObject().put("role", message.role()).put("content", message.content());
    }
    if (request.format() != null) {
      body.set("format", request.format());
    }
    body.set("options", options);
    body.set("keep_alive", keepAlive);
    // Ollama cuts a prompt longer than num_ctx silently unless told not to; refused instead, it says so
    // (PROMPT_TOO_LONG), and the worker splits the file further. Versions without the field ignore it,
    // and the token counts tell a cut prompt (ChatReply#promptCut).
    body.put("truncate", false);
    // Always explicit: Ollama streams unless told otherwise, and the parser must know which it gets.
    body.put("stream", request.stream());
    return body;
  }

  /** Built once, so every request carries the same load-time options and never reloads the model. */
  private static ObjectNode optionsNode(GenerationOptions generation) {
    ObjectNode node = Json.mapper().createObjectNode()
        .put("temperature", generation.temperature())
        .put("seed", generation.seed())
        .put("num_ctx", generation.numCtx())
        .put("num_predict", generation.numPredict());
    if (generation.numThread() != null) {
      node.put("num_thread", generation.numThread());
    }
    return node;
  }

  /** Ollama reads a JSON number as seconds but a string only as a Go duration, so "-1" must go as -1. */
  private static JsonNode keepAliveNode(String keepAlive) {
    return keepAlive.matches("-?\\d+")
        ? Json.mapper().getNodeFactory().numberNode(Long.parseLong(keepAlive))
        : Json.mapper().getNodeFactory().stringNode(keepAlive);
  }

  private Attempt attempt(ChatRequest request, String url, byte[] body, String requestSha256)
      throws InterruptedException {
    long start = System.nanoTime();
    HttpRequest httpRequest = HttpRequest.newBuilder(URI.create(url + "/api/chat"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    HttpResponse<byte[]> response;
    try {
      response = send(httpRequest, requestTimeout);
    } catch (IOException e) {
      // A status line that came before the body broke off is kept: 0 says that no response came.
      int status = e instanceof BrokenOff brokenOff ? brokenOff.status : 0;
      Failure failure = new Failure(OLLAMA_UNAVAILABLE, describe(e), true);
      return new Attempt(record(request, url, requestSha256, status, start, null, null, failure.message()), null,
          failure);
    }
    int status = response.statusCode();
    byte[] bytes = response.body();
    Failure failure;
    ParsedReply reported = null;
    if (status == 200) {
      try {
        ParsedReply reply = ResponseParser.chat(bytes, request.stream(), request.model());
        return new Attempt(record(request, url, requestSha256, status, start, bytes, reply, null), reply, null);
      } catch (BadBody e) {
        failure = new Failure(e.errorClass(), "HTTP 200 but " + e.getMessage(), true);
        reported = e.reported();
      }
    } else {
      failure = statusFailure(status, bytes);
    }
    return new Attempt(record(request, url, requestSha256, status, start, bytes, reported, failure.message()), null,
        failure);
  }

  /**
   * True when Ollama's error says the prompt is longer than the context ({@code "truncate": false}),
   * in the words of whichever runner serves the model: "the prompt is longer than the context length",
   * "the input length exceeds the context length" (the Go runner), "request (N tokens) exceeds the
   * available context size" (llama-server).
   */
  static boolean refusesPromptOverContext(String message) {
    String text = message.toLowerCase(Locale.ROOT);
    return text.contains("longer than the context length") || text.contains("exceeds the context length")
        || text.contains("exceeds the available context size");
  }

  private static Failure statusFailure(int status, byte[] body) {
    String message = "HTTP " + status + ": " + ResponseParser.errorText(body);
    if (status >= 400 && refusesPromptOverContext(message)) {
      return new Failure(PROMPT_TOO_LONG, message, false);
    }
    if (status == 404) {
      return new Failure(MODEL_NOT_FOUND, message, false);
    }
    if (status == 429 || status >= 500) {
      return new Failure(SERVER_ERROR, message, true);
    }
    if (status >= 400) {
      return new Failure(BAD_REQUEST, message, false);
    }
    return new Failure(INVALID_RESPONSE, message, false);
  }

  /** Exponential backoff with full jitter: uniform within [0, min(cap, base * 2^(retry-1))]. */
  private Duration backoff(int retry) {
    long ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS << Math.min(retry - 1, 16));
    return Duration.ofMillis(random.nextLong(ceiling + 1));
  }

  /**
   * Sends and reads the whole body within {@code timeout}. {@link HttpRequest#timeout} would only cover
   * the time until the headers, and Ollama sends those with the first token of a stream.
   */
  private HttpResponse<byte[]> send(HttpRequest request, Duration timeout) throws IOException, InterruptedException {
    AtomicInteger status = new AtomicInteger();
    CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, info -> {
      status.set(info.statusCode());
      return BodySubscribers.ofByteArray();
    });
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw BrokenOff.after(status.get(),
          new HttpTimeoutException("no complete response within " + timeout.toMillis() + " ms"));
    } catch (ExecutionException e) {
      throw BrokenOff.after(status.get(), e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
    } finally {
      // Aborts the exchange after a timeout or an interrupt; does nothing once the response is complete.
      future.cancel(true);
    }
  }

  /** A response whose status line came and whose body did not, whole: CallRecord keeps the status. */
  private static final class BrokenOff extends IOException {
    final int status;

    private BrokenOff(int status, IOException cause) {
      super("HTTP " + status + ", then " + (cause instanceof HttpTimeoutException ? cause.getMessage()
          : "the answer broke off: " + cause.getClass().getSimpleName()
              + (cause.getMessage() == null ? "" : ": " + cause.getMessage())), cause);
      this.status = status;
    }

    /** {@code cause} itself when no status came, else a BrokenOff carrying the status. */
    static IOException after(int status, IOException cause) {
      return status == 0 ? cause : new BrokenOff(status, cause);
    }
  }

  private static String describe(IOException e) {
    if (e instanceof HttpTimeoutException || e instanceof BrokenOff) {
      return e.getMessage();
    }
    return "no response: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static CallRecord record(ChatRequest request, String url, String requestSha256, int status, long startNanos,
      byte[] body, ParsedReply reply, String error) {
    boolean hasBody = body != null && body.length > 0;
    return new CallRecord(
        request.model(),
        url,
        request.part(),
        status,
        reply == null ? 0 : reply.promptTokens(),
        reply == null ? 0 : reply.completionTokens(),
        reply == null ? 0 : reply.totalDurationNs(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
        reply == null ? null : reply.doneReason(),
        hasBody ? Hashes.sha256Hex(body) : null,
        hasBody ? Hashes.md5Hex(body) : null,
        reply == null || error != null ? null : Hashes.sha256Hex(reply.content().getBytes(UTF_8)),
        error,
        requestSha256);
  }

  private Map<String, Listing> listAll() throws InterruptedException {
    Map<String, Listing> listings = new LinkedHashMap<>();
    for (String url : baseUrls) {
      listings.put(url, listing(url));
    }
    return listings;
  }

  private Listing listing(String url) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/tags")).GET().build();
    try {
      HttpResponse<byte[]> response = send(request, min(requestTimeout, TAGS_TIMEOUT));
      if (response.statusCode() != 200) {
        return Listing.failed("HTTP " + response.statusCode() + ": " + ResponseParser.errorText(response.body()));
      }
      return new Listing(ResponseParser.models(response.body()), null);
    } catch (IOException e) {
      return Listing.failed(describe(e));
    } catch (BadBody e) {
      return Listing.failed(e.getMessage());
    }
  }

  private Map<String, ModelInfo> found(List<String> models, Map<String, Listing> listings) throws OllamaException {
    Map<String, ModelInfo> result = new LinkedHashMap<>();
    for (String model : models) {
      String name = ModelInfo.canonicalName(model);
      Map<String, String> digests = new LinkedHashMap<>();
      listings.forEach((url, listing) -> digests.put(url, listing.models().get(name).digest()));
      if (new HashSet<>(digests.values()).size() > 1) {
        // The round-robin would mix two different models under one name and one recorded digest.
        throw new OllamaException(MODEL_MISMATCH,
            "model " + model + " has different digests on different servers: " + digests, false, List.of());
      }
      result.put(model, listings.values().iterator().next().models().get(name));
    }
    result.values().forEach(info -> checkedModels.put(ModelInfo.canonicalName(info.name()), info));
    return result;
  }

  private static OllamaException notReady(List<String> models, Map<String, Listing> listings, Duration timeout) {
    List<String> silent = listings.entrySet().stream()
        .filter(entry -> entry.getValue().problem() != null)
        .map(entry -> entry.getKey() + " (" + entry.getValue().problem() + ")")
        .toList();
    if (!silent.isEmpty()) {
      return new OllamaException(OLLAMA_UNAVAILABLE,
          "Ollama did not list its models within " + timeout.toSeconds() + " s: " + String.join("; ", silent),
          true, List.of());
    }
    List<String> lacking = listings.entrySet().stream()
        .filter(entry -> !entry.getValue().lacking(models).isEmpty())
        .map(entry -> entry.getKey() + " lacks " + String.join(", ", entry.getValue().lacking(models)))
        .toList();
    return new OllamaException(MODEL_NOT_FOUND,
        "models not listed after " + timeout.toSeconds() + " s: " + String.join("; ", lacking), false, List.of());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Why one attempt gave no answer, and whether another attempt may help. */
  private record Failure(String errorClass, String message, boolean retryable) {}

  /** One HTTP attempt: its record and either the answer or the failure. */
  private record Attempt(CallRecord call, ParsedReply reply, Failure failure) {}

  /** One server's answer to {@code /api/tags}: its models, or why it gave none. */
  private record Listing(Map<String, ModelInfo> models, String problem) {
    static Listing failed(String problem) {
      return new Listing(Map.of(), problem);
    }

    List<String> lacking(List<String> wanted) {
      return wanted.stream().filter(model -> !models.containsKey(ModelInfo.canonicalName(model))).toList();
    }
  }
}
