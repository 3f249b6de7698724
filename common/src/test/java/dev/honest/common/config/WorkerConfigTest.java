package dev.honest.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerConfigTest {
  private static final String WITHOUT_RESOLVE = "{\"run_id\":\"r\",\"llm_urls\":[\"http://ollama:11434\"],"
      + "\"request_timeout_seconds\":5,\"max_attempts\":1,\"ready_timeout_seconds\":1,\"zero_simulation\":true}";

  @Test
  void aConfigWrittenBeforeLlmResolveAllExistedUsesItsUrlsAsTheyAre() {
    WorkerConfig config = Json.mapper().readValue(WITHOUT_RESOLVE, WorkerConfig.class);

    assertThat(config.llmResolveAll()).isFalse();
    assertThat(config.llmUrls()).containsExactly("http://ollama:11434");
  }

  @Test
  void llmResolveAllIsWrittenAndReadBack() {
    WorkerConfig config = new WorkerConfig("r", List.of("http://ollama-llm-pods:11434"), true, null, null, null,
        null, 5, 1, 1, true);

    String json = ConfigLayout.toJson(config);

    assertThat(json).contains("\"llm_resolve_all\" : true");
    assertThat(Json.mapper().readValue(json, WorkerConfig.class)).isEqualTo(config);
  }

  @Test
  void resolvingAnHttpsUrlToItsAddressesIsRefused() {
    assertThatThrownBy(() -> new WorkerConfig("r", List.of("https://ollama:11434"), true, null, null, null, null,
        5, 1, 1, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("llm_resolve_all needs http URLs")
        .hasMessageContaining("https://ollama:11434");
  }

  @Test
  void withOtherUrlsKeepsEverythingElseAndUsesThemAsTheyAre() {
    WorkerConfig config = new WorkerConfig("r", List.of("http://ollama-llm-pods:11434"), true, "m1", "m2", null,
        "5m", 5, 3, 1, true);

    WorkerConfig expanded = config.withLlmUrls(List.of("http://10.0.0.1:11434", "http://10.0.0.2:11434"));

    assertThat(expanded).isEqualTo(new WorkerConfig("r", List.of("http://10.0.0.1:11434", "http://10.0.0.2:11434"),
        false, "m1", "m2", null, "5m", 5, 3, 1, true));
  }

  @Test
  void aTemperatureThatIsNotANumberIsRefused() {
    assertThatThrownBy(() -> new GenerationOptions(Double.NaN, 42, 8192, 2048, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("options.temperature must be within 0..2, got NaN");
  }
}
