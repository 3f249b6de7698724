package dev.honest.worker.ollama;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** Ollama as WireMock plays it: bodies shaped like the real server's, plus fakes for time and jitter. */
final class FakeOllama {
  static final String CODE_MODEL = "codellama:7b";
  static final GenerationOptions OPTIONS = new GenerationOptions(0.0, 42, 4096, 512, 4);

  private FakeOllama() {}

  /** A fake Ollama on a free port, reset before each test. */
  static WireMockExtension server() {
    return WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  }

  static WorkerConfig config(int maxAttempts, String... urls) {
    return new WorkerConfig("run-1", List.of(urls), null, null, OPTIONS, "30m", 600, maxAttempts, 300, true);
  }

  static OllamaClient client(WorkerConfig config, Duration requestTimeout, Sleeper sleeper) {
    return new OllamaClient(config, requestTimeout, OllamaClient.defaultHttpClient(), sleeper, new MaxJitter(), 0, 0);
  }

  static OllamaClient client(WorkerConfig config, Sleeper sleeper) {
    return client(config, Duration.ofSeconds(10), sleeper);
  }

  static ChatRequest request(String part) {
    return new ChatRequest(CODE_MODEL, part, List.of(ChatMessage.user("Review a.js")), null);
  }

  static byte[] fixture(String name) {
    try (InputStream in = FakeOllama.class.getResourceAsStream("/ollama/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A 200 NDJSON stream, as Ollama sends by default. */
  static ResponseDefinitionBuilder ndjson(byte[] body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/x-ndjson").withBody(body);
  }

  /** A 200 NDJSON stream of these lines, each ended by a newline as Go's encoder writes it. */
  static ResponseDefinitionBuilder ndjson(String... lines) {
    return ndjson((String.join("\n", lines) + "\n").getBytes(UTF_8));
  }

  /** An error before any byte was streamed: a real status and Ollama's error object. */
  static ResponseDefinitionBuilder error(int status, String message) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json; charset=utf-8")
        .withBody(Json.mapper().writeValueAsString(Map.of("error", message)));
  }

  static ResponseDefinitionBuilder json(byte[] body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
  }

  /** A streamed chunk carrying one piece of the answer. */
  static String chunk(String content) {
    return "{\"model\":\"" + CODE_MODEL + "\",\"created_at\":\"2026-01-12T09:14:03.5517293Z\",\"message\":"
        + "{\"role\":\"assistant\",\"content\":" + Json.mapper().writeValueAsString(content) + "},\"done\":false}";
  }

  /** The final streamed object; like Ollama, it leaves out metrics that are zero. */
  static String done(String doneReason, long promptEvalCount, long evalCount) {
    return "{\"model\":\"" + CODE_MODEL + "\",\"created_at\":\"2026-01-12T09:14:04.99318Z\",\"message\":"
        + "{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"" + doneReason + "\",\"done\":true,"
        + "\"total_duration\":8123456789,\"load_duration\":1523000"
        + (promptEvalCount > 0 ? ",\"prompt_eval_count\":" + promptEvalCount : "")
        + ",\"prompt_eval_duration\":2010000000"
        + (evalCount > 0 ? ",\"eval_count\":" + evalCount : "")
        + ",\"eval_duration\":4233000000}";
  }

  /** A short streamed answer {@code {"findings": []}} that ended normally. */
  static ResponseDefinitionBuilder answer() {
    return ndjson(chunk("{\"findings\""), chunk(": []}"), done("stop", 120, 6));
  }

  /** Answers successive matching calls with these responses in order; the last one repeats. */
  static void inSequence(
      WireMockExtension server, Supplier<MappingBuilder> request, ResponseDefinitionBuilder... responses) {
    for (int i = 0; i < responses.length; i++) {
      ScenarioMappingBuilder mapping = request.get()
          .inScenario("sequence")
          .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "step " + i)
          .willReturn(responses[i]);
      if (i + 1 < responses.length) {
        mapping = mapping.willSetStateTo("step " + (i + 1));
      }
      server.stubFor(mapping);
    }
  }

  static Supplier<MappingBuilder> chatCall() {
    return () -> post(urlEqualTo("/api/chat"));
  }

  /** A URL where nothing listens: connections are refused. */
  static String closedPortUrl() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://localhost:" + socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Records the waits instead of waiting. */
  static final class RecordingSleeper implements Sleeper {
    final List<Duration> slept = new ArrayList<>();

    @Override
    public synchronized void sleep(Duration duration) {
      slept.add(duration);
    }
  }

  /** Jitter that always picks the top of the range, so the backoff ceiling becomes visible. */
  static final class MaxJitter implements RandomGenerator {
    @Override
    public long nextLong(long bound) {
      return bound - 1;
    }

    @Override
    public long nextLong() {
      throw new UnsupportedOperationException("the backoff must ask for a bounded value");
    }
  }
}
