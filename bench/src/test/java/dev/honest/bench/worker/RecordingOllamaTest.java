package dev.honest.bench.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.bench.worker.RecordingOllama.Exchange;
import dev.honest.common.config.WorkerConfig;
import dev.honest.worker.ollama.ChatMessage;
import dev.honest.worker.ollama.ChatReply;
import dev.honest.worker.ollama.ChatRequest;
import dev.honest.worker.ollama.OllamaClient;
import dev.honest.worker.testing.OllamaStandIn;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordingOllamaTest {
  @Test
  void theWorkersOwnClientIsAnsweredAndEveryRequestIsRecordedInOrder() throws Exception {
    try (RecordingOllama ollama = new RecordingOllama()) {
      OllamaClient client = OllamaClient.create(WorkerConfig.defaults("run-1", List.of(ollama.url())));

      client.awaitModels(List.of(OllamaStandIn.CODE_MODEL), Duration.ofSeconds(5));
      ChatReply reply = client.chat(new ChatRequest(OllamaStandIn.CODE_MODEL, "task",
          List.of(ChatMessage.user("Task: check\nFile: a.js\n1| let x = 1;\n")), null));

      assertThat(reply.content()).contains("\"findings\"").contains("a.js");
      assertThat(ollama.exchanges()).extracting(Exchange::path)
          .containsExactly(RecordingOllama.TAGS, RecordingOllama.CHAT);
      assertThat(ollama.exchanges()).allSatisfy(e -> {
        assertThat(e.endedAt()).isGreaterThanOrEqualTo(e.arrivedAt());
        assertThat(e.watchedCpuNanos()).isEqualTo(-1);
      });
    }
  }

  @Test
  void aWatchedProcessHasItsCpuNotedWhenARequestArrives() throws Exception {
    try (RecordingOllama ollama = new RecordingOllama()) {
      ollama.watch(ProcessHandle.current().pid());

      OllamaClient.create(WorkerConfig.defaults("run-1", List.of(ollama.url())))
          .awaitModels(List.of(OllamaStandIn.CODE_MODEL), Duration.ofSeconds(5));

      assertThat(ollama.exchanges()).singleElement()
          .satisfies(e -> assertThat(e.watchedCpuNanos()).isPositive());
    }
  }
}
