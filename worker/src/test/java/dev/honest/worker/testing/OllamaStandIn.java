package dev.honest.worker.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.honest.common.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * An Ollama stand-in for tests of the whole worker and launcher: WireMock serving {@code /api/tags}
 * and answering every {@code /api/chat} the way real Ollama does (a streamed NDJSON reply, metrics
 * on the last line, durations in nanoseconds), with an answer derived from the request: one finding
 * on the first line shown, and for a fix request one edit of a line that occurs once in the listing.
 * Token counts are estimated from the text (4 characters a token) and capped at the request's
 * {@code num_ctx}, as the real server's silent truncation would report them.
 *
 * <p>Tests inject faults by adding stubs of higher priority with {@link #server()}.
 */
public final class OllamaStandIn implements AutoCloseable {
  public static final String CODE_MODEL = "codellama:7b";
  public static final String GENERAL_MODEL = "llama3.1:8b";
  public static final String CODE_DIGEST = "8fdf8f752f6e80de33e82f381aba784c025982752cd1ae9377add66449d2225f";
  public static final String GENERAL_DIGEST = "46e0c10c039e019119339687c3c1757cc81b9da49709a3b3924863ba87ca666e";

  private static final Pattern FILE = Pattern.compile("(?m)^File: (.+)$");
  private static final Pattern LISTED = Pattern.compile("(?m)^(\\d+)\\| (.*)$");

  private final WireMockServer server;

  public OllamaStandIn() {
    server = new WireMockServer(wireMockConfig().dynamicPort().extensions(new Answerer()));
    server.start();
    server.stubFor(get(urlEqualTo("/api/tags")).atPriority(10).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json; charset=utf-8").withBody(tags())));
    server.stubFor(post(urlEqualTo("/api/chat")).atPriority(10)
        .willReturn(aResponse().withTransformers(Answerer.NAME)));
  }

  public String url() {
    return "http://localhost:" + server.port();
  }

  /** Answers chats whose request body contains {@code text} as usual, but only after {@code millis}. */
  public void slowDown(String text, int millis) {
    server.stubFor(post(urlEqualTo("/api/chat")).atPriority(5).withRequestBody(containing(text))
        .willReturn(aResponse().withTransformers(Answerer.NAME).withTransformerParameter(Answerer.DELAY, millis)));
  }

  public WireMockServer server() {
    return server;
  }

  /** Bodies of every {@code /api/chat} request received, oldest first. */
  public List<JsonNode> chatRequests() {
    List<JsonNode> bodies = new ArrayList<>();
    for (ServeEvent e : server.getAllServeEvents()) {
      if (e.getRequest().getUrl().equals("/api/chat")) {
        bodies.add(Json.mapper().readTree(e.getRequest().getBodyAsString()));
      }
    }
    java.util.Collections.reverse(bodies);
    return bodies;
  }

  @Override
  public void close() {
    server.stop();
  }

  public static String tags() {
    return "{\"models\":[" + model(CODE_MODEL, CODE_DIGEST, 3825910662L, "7B", "Q4_0") + ","
        + model(GENERAL_MODEL, GENERAL_DIGEST, 4920753328L, "8.0B", "Q4_K_M") + "]}";
  }

  private static String model(String name, String digest, long size, String params, String quant) {
    return "{\"name\":\"" + name + "\",\"model\":\"" + name + "\",\"modified_at\":\"2026-11-20T08:02:11.442151871Z\","
        + "\"size\":" + size + ",\"digest\":\"" + digest + "\",\"details\":{\"parent_model\":\"\",\"format\":\"gguf\","
        + "\"family\":\"llama\",\"families\":[\"llama\"],\"parameter_size\":\"" + params + "\","
        + "\"quantization_level\":\"" + quant + "\"}}";
  }

  /** The {@code Content-Type} of Ollama's chat answer, streamed or not. */
  public static String contentType(boolean streamed) {
    return streamed ? "application/x-ndjson" : "application/json; charset=utf-8";
  }

  /** A chat answer as Ollama sends it: {@link #stream} when streamed, else {@link #whole}. */
  public static String reply(String model, String content, long promptTokens, long evalTokens, String doneReason,
      boolean streamed) {
    return streamed ? stream(model, content, promptTokens, evalTokens, doneReason)
        : whole(model, content, promptTokens, evalTokens, doneReason);
  }

  /** The answer to a request with {@code "stream": false}: one object with the whole content and the metrics. */
  public static String whole(String model, String content, long promptTokens, long evalTokens, String doneReason) {
    return "{\"model\":\"" + model + "\",\"created_at\":\"2026-11-26T10:59:59.99318Z\",\"message\":"
        + "{\"role\":\"assistant\",\"content\":" + Json.mapper().writeValueAsString(content) + "},"
        + "\"done_reason\":\"" + doneReason + "\",\"done\":true,\"total_duration\":"
        + (1_000_000_000L + 25_000_000L * (promptTokens + evalTokens)) + ",\"load_duration\":1523000"
        + (promptTokens > 0 ? ",\"prompt_eval_count\":" + promptTokens : "")
        + ",\"prompt_eval_duration\":" + 5_000_000L * promptTokens
        + (evalTokens > 0 ? ",\"eval_count\":" + evalTokens : "")
        + ",\"eval_duration\":" + 20_000_000L * evalTokens + "}";
  }

  /** Characters a streamed piece carries: about a token of a code model's answer. */
  private static final int CHARS_PER_PIECE = 4;

  /**
   * A streamed reply carrying {@code content} as Ollama streams it: one line per token (a piece of
   * {@value #CHARS_PER_PIECE} characters here, never splitting a surrogate pair), then the
   * {@code done} line with the metrics.
   */
  public static String stream(String model, String content, long promptTokens, long evalTokens, String doneReason) {
    StringBuilder b = new StringBuilder(content.length() * 40 + 512);
    int line = 0;
    for (int start = 0; start < content.length(); line++) {
      int end = Math.min(content.length(), start + CHARS_PER_PIECE);
      if (end < content.length() && Character.isLowSurrogate(content.charAt(end))) {
        end++;
      }
      String piece = content.substring(start, end);
      start = end;
      b.append("{\"model\":\"").append(model).append("\",\"created_at\":\"2026-11-26T10:00:")
          .append(String.format(java.util.Locale.ROOT, "%02d.%07dZ", 1 + line / 50_000 % 59, line % 50_000 * 200))
          .append("\",\"message\":{\"role\":\"assistant\",\"content\":")
          .append(Json.mapper().writeValueAsString(piece)).append("},\"done\":false}\n");
    }
    b.append("{\"model\":\"").append(model).append("\",\"created_at\":\"2026-11-26T10:59:59.99318Z\",")
        .append("\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"").append(doneReason)
        .append("\",\"done\":true,\"total_duration\":").append(1_000_000_000L + 25_000_000L * (promptTokens + evalTokens))
        .append(",\"load_duration\":1523000");
    if (promptTokens > 0) {
      b.append(",\"prompt_eval_count\":").append(promptTokens);
    }
    b.append(",\"prompt_eval_duration\":").append(5_000_000L * promptTokens);
    if (evalTokens > 0) {
      b.append(",\"eval_count\":").append(evalTokens);
    }
    b.append(",\"eval_duration\":").append(20_000_000L * evalTokens).append("}\n");
    return b.toString();
  }

  /** The answer the stand-in gives to a chat request body. */
  public static String answerFor(JsonNode request) {
    String prompt = request.path("messages").path(request.path("messages").size() - 1).path("content").asString();
    Matcher file = FILE.matcher(prompt);
    String path = file.find() ? file.group(1).strip() : "";
    Map<String, Integer> lines = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    Matcher listed = LISTED.matcher(prompt);
    int first = 0;
    while (listed.find()) {
      int n = Integer.parseInt(listed.group(1));
      first = first == 0 ? n : first;
      lines.putIfAbsent(listed.group(2), n);
      counts.merge(listed.group(2), 1, Integer::sum);
    }
    Map<String, Object> finding = new LinkedHashMap<>();
    finding.put("file", path);
    finding.put("line", first);
    finding.put("severity", "medium");
    finding.put("title", path.isEmpty() ? "General guidance" : "Reviewed " + path);
    finding.put("detail", "Stand-in review of " + (path.isEmpty() ? "the task" : path + " from line " + first));
    finding.put("suggestion", "Apply the project's coding standard.");
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("findings", List.of(finding));
    if (request.path("format").path("properties").has("edits")) {
      List<Map<String, String>> edits = new ArrayList<>();
      counts.entrySet().stream().filter(e -> e.getValue() == 1 && e.getKey().strip().length() > 3).findFirst()
          .ifPresent(e -> edits.add(Map.of("file", path, "search", e.getKey(),
              "replace", e.getKey() + " // reviewed")));
      answer.put("edits", edits);
    }
    return Json.mapper().writeValueAsString(answer);
  }

  /** The prompt tokens the stand-in reports for a chat request: 4 characters a token, capped at {@code num_ctx}. */
  public static long promptTokens(JsonNode request) {
    int numCtx = request.path("options").path("num_ctx").asInt(4096);
    long promptChars = 0;
    for (JsonNode m : request.path("messages")) {
      promptChars += m.path("content").asString().length();
    }
    return Math.min(numCtx, promptChars / 4 + 10);
  }

  /** The completion tokens the stand-in reports for an answer: 4 characters a token. */
  public static long completionTokens(String content) {
    return content.length() / 4 + 1;
  }

  /** Answers a chat request with {@link #answerFor}, streamed unless the request says otherwise. */
  private static final class Answerer implements ResponseDefinitionTransformerV2 {
    static final String NAME = "ollama-answer";
    static final String DELAY = "delay-millis";

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      JsonNode request = Json.mapper().readTree(event.getRequest().getBodyAsString());
      String model = request.path("model").asString();
      String content = answerFor(request);
      long prompt = promptTokens(request);
      long eval = completionTokens(content);
      var parameters = event.getResponseDefinition().getTransformerParameters();
      Object delay = parameters == null ? 0 : parameters.getOrDefault(DELAY, 0);
      boolean streamed = request.path("stream").asBoolean(true);
      return aResponse().withStatus(200).withHeader("Content-Type", contentType(streamed))
          .withFixedDelay(((Number) delay).intValue())
          .withBody(reply(model, content, prompt, eval, "stop", streamed).getBytes(UTF_8)).build();
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return NAME;
    }
  }
}
