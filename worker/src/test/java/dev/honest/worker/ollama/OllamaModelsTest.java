package dev.honest.worker.ollama;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.honest.worker.ollama.FakeOllama.client;
import static dev.honest.worker.ollama.FakeOllama.closedPortUrl;
import static dev.honest.worker.ollama.FakeOllama.config;
import static dev.honest.worker.ollama.FakeOllama.fixture;
import static dev.honest.worker.ollama.FakeOllama.inSequence;
import static dev.honest.worker.ollama.FakeOllama.json;
import static dev.honest.worker.ollama.FakeOllama.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.honest.worker.ollama.FakeOllama.RecordingSleeper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OllamaModelsTest {
  private static final String CODELLAMA_DIGEST = "8fdf8f752f6e80de33e82f381aba784c025982752cd1ae9377add66449d2225f";
  private static final String LLAMA_DIGEST = "46e0c10c039e019119339687c3c1757cc81b9da49709a3b3924863ba87ca666e";
  private static final List<String> MODELS = List.of("codellama", "llama3.1:8b");

  @RegisterExtension
  static WireMockExtension ollama = server();

  @RegisterExtension
  static WireMockExtension secondOllama = server();

  private final RecordingSleeper sleeper = new RecordingSleeper();

  @Test
  void awaitingModelsPollsUntilTagsListsThemAll() throws Exception {
    byte[] partial = fixture("tags-codellama-only.json");
    inSequence(ollama, () -> get("/api/tags"), json(partial), json(partial), json(fixture("tags.json")));
    OllamaClient client = client(config(1, ollama.baseUrl()), sleeper);

    Map<String, ModelInfo> models = client.awaitModels(MODELS, Duration.ofSeconds(60));

    assertThat(models.keySet()).containsExactlyElementsOf(MODELS);
    assertThat(models.get("codellama")).isEqualTo(new ModelInfo("codellama:latest", CODELLAMA_DIGEST, 3_825_910_662L));
    assertThat(models.get("llama3.1:8b").digest()).isEqualTo(LLAMA_DIGEST);
    assertThat(sleeper.slept).containsExactly(OllamaClient.TAGS_POLL_INTERVAL, OllamaClient.TAGS_POLL_INTERVAL);
    ollama.verify(3, getRequestedFor(urlEqualTo("/api/tags")));
  }

  @Test
  void modelsListedAheadAreTheFirstRoundOfTheNextAwaitOnly() throws Exception {
    byte[] partial = fixture("tags-codellama-only.json");
    inSequence(ollama, () -> get("/api/tags"), json(partial), json(fixture("tags.json")), json(partial));
    OllamaClient client = client(config(1, ollama.baseUrl()), sleeper);

    client.listModelsAhead();
    Map<String, ModelInfo> models = client.awaitModels(MODELS, Duration.ofSeconds(60));

    // The answer listed ahead lacked a model: a poll followed, as if the first round had been asked then.
    assertThat(models.keySet()).containsExactlyElementsOf(MODELS);
    assertThat(sleeper.slept).containsExactly(OllamaClient.TAGS_POLL_INTERVAL);
    ollama.verify(2, getRequestedFor(urlEqualTo("/api/tags")));
    // Taken once: the next check asks again.
    assertThatThrownBy(() -> client.awaitModels(MODELS, Duration.ZERO)).isInstanceOf(OllamaException.class)
        .hasMessageContaining("lacks llama3.1:8b");
    ollama.verify(3, getRequestedFor(urlEqualTo("/api/tags")));
  }

  @Test
  void aNameWithoutATagIsTheLatestTag() throws Exception {
    ollama.stubFor(get("/api/tags").willReturn(json(fixture("tags.json"))));
    OllamaClient client = client(config(1, ollama.baseUrl()), sleeper);

    client.awaitModels(List.of("CodeLlama"), Duration.ofSeconds(10));

    assertThat(client.digestOf("codellama:latest")).isEqualTo(CODELLAMA_DIGEST);
    assertThat(client.digestOf("codellama")).isEqualTo(CODELLAMA_DIGEST);
  }

  @Test
  void aModelStillMissingAtTheTimeoutIsNamedWithTheUrlThatLacksIt() {
    ollama.stubFor(get("/api/tags").willReturn(json(fixture("tags.json"))));
    secondOllama.stubFor(get("/api/tags").willReturn(json(fixture("tags-codellama-only.json"))));
    OllamaClient client = client(config(1, ollama.baseUrl(), secondOllama.baseUrl()), sleeper);

    OllamaException e =
        catchThrowableOfType(OllamaException.class, () -> client.awaitModels(MODELS, Duration.ofSeconds(10)));

    assertThat(e.errorClass()).isEqualTo("model_not_found");
    assertThat(e.getMessage()).contains(secondOllama.baseUrl() + " lacks llama3.1:8b").doesNotContain(ollama.baseUrl());
    // Rounds at 0, 2, 4, 6, 8 and 10 s of a 10 s wait.
    assertThat(sleeper.slept).hasSize(5);
    secondOllama.verify(6, getRequestedFor(urlEqualTo("/api/tags")));
    assertThatThrownBy(() -> client.digestOf("codellama")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aServerThatNeverAnswersIsReportedUnavailable() {
    String down = closedPortUrl();
    OllamaClient client = client(config(1, down), sleeper);

    OllamaException e =
        catchThrowableOfType(OllamaException.class, () -> client.awaitModels(MODELS, Duration.ofSeconds(4)));

    assertThat(e.errorClass()).isEqualTo("ollama_unavailable");
    assertThat(e.getMessage()).contains(down, "ConnectException");
    assertThat(sleeper.slept).hasSize(2);
  }

  /** As for a chat (CallRecord): a status line came, so "no response" would not be true. */
  @Test
  void aModelListThatBreaksOffAfterItsStatusSaysSo() {
    ollama.stubFor(get("/api/tags").willReturn(
        com.github.tomakehurst.wiremock.client.WireMock.aResponse().withFault(
            com.github.tomakehurst.wiremock.http.Fault.MALFORMED_RESPONSE_CHUNK)));
    OllamaClient client = client(config(1, ollama.baseUrl()), sleeper);

    OllamaException e =
        catchThrowableOfType(OllamaException.class, () -> client.awaitModels(MODELS, Duration.ZERO));

    assertThat(e.errorClass()).isEqualTo("ollama_unavailable");
    assertThat(e.getMessage()).contains(ollama.baseUrl() + " (HTTP 200, then the answer broke off: ")
        .doesNotContain("BrokenOff", "no response");
  }

  @Test
  void twoServersListingDifferentDigestsUnderOneNameAreRejected() {
    ollama.stubFor(get("/api/tags").willReturn(json(fixture("tags.json"))));
    String other = new String(fixture("tags.json"), StandardCharsets.UTF_8)
        .replace(CODELLAMA_DIGEST, "0123456789abcdef".repeat(4));
    secondOllama.stubFor(get("/api/tags").willReturn(json(other.getBytes(StandardCharsets.UTF_8))));
    OllamaClient client = client(config(1, ollama.baseUrl(), secondOllama.baseUrl()), sleeper);

    OllamaException e =
        catchThrowableOfType(OllamaException.class, () -> client.awaitModels(MODELS, Duration.ofSeconds(10)));

    assertThat(e.errorClass()).isEqualTo("model_mismatch");
    assertThat(e.getMessage()).contains("codellama", CODELLAMA_DIGEST, "0123456789abcdef".repeat(4));
  }

  @Test
  void theDigestOfAModelNotAwaitedIsRefused() {
    OllamaClient client = client(config(1, ollama.baseUrl()), sleeper);

    assertThatThrownBy(() -> client.digestOf("codellama:7b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("codellama:7b");
  }
}
