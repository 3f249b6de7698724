package dev.honest.worker.ollama;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.honest.worker.ollama.FakeOllama.CODE_MODEL;
import static dev.honest.worker.ollama.FakeOllama.answer;
import static dev.honest.worker.ollama.FakeOllama.chunk;
import static dev.honest.worker.ollama.FakeOllama.client;
import static dev.honest.worker.ollama.FakeOllama.config;
import static dev.honest.worker.ollama.FakeOllama.done;
import static dev.honest.worker.ollama.FakeOllama.fixture;
import static dev.honest.worker.ollama.FakeOllama.json;
import static dev.honest.worker.ollama.FakeOllama.ndjson;
import static dev.honest.worker.ollama.FakeOllama.request;
import static dev.honest.worker.ollama.FakeOllama.server;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.json.Json;
import dev.honest.common.result.CallRecord;
import dev.honest.worker.ollama.FakeOllama.RecordingSleeper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

class OllamaChatTest {
  @RegisterExtension
  static WireMockExtension ollama = server();

  @RegisterExtension
  static WireMockExtension secondOllama = server();

  private final RecordingSleeper sleeper = new RecordingSleeper();

  @Test
  void aStreamedAnswerIsAssembledFromEveryChunkAndHashedExactlyAsReceived() throws Exception {
    byte[] body = fixture("chat-stream.ndjson");
    ollama.stubFor(post("/api/chat").willReturn(ndjson(body)));

    ChatReply reply = client(config(3, ollama.baseUrl()), sleeper).chat(request("src/a.js#1/2"));

    String content = "{\"findings\": [\"x is never read — remove it\"]}";
    assertThat(reply.content()).isEqualTo(content);
    assertThat(reply.doneReason()).isEqualTo("stop");
    assertThat(reply.promptTokens()).isEqualTo(412);
    assertThat(reply.completionTokens()).isEqualTo(14);
    assertThat(reply.truncated()).isFalse();
    assertThat(reply.calls()).containsExactly(reply.call());
    CallRecord call = reply.call();
    assertThat(call.model()).isEqualTo(CODE_MODEL);
    assertThat(call.url()).isEqualTo(ollama.baseUrl());
    assertThat(call.part()).isEqualTo("src/a.js#1/2");
    assertThat(call.httpStatus()).isEqualTo(200);
    assertThat(call.serverDurationNs()).isEqualTo(10_706_818_083L);
    assertThat(call.durationMs()).isNotNegative();
    assertThat(call.responseSha256()).isEqualTo(DigestUtils.sha256Hex(body));
    assertThat(call.responseMd5()).isEqualTo(DigestUtils.md5Hex(body));
    assertThat(call.contentSha256()).isEqualTo(DigestUtils.sha256Hex(content.getBytes(UTF_8)));
    assertThat(call.error()).isNull();
    assertThat(call.succeeded()).isTrue();
  }

  @Test
  void aNonStreamedAnswerIsReadAsOneObject() throws Exception {
    byte[] body = fixture("chat.json");
    ollama.stubFor(post("/api/chat").willReturn(json(body)));
    ChatRequest request =
        new ChatRequest("llama3.1:8b", "task", List.of(ChatMessage.user("Summarise")), null, false);

    ChatReply reply = client(config(3, ollama.baseUrl()), sleeper).chat(request);

    assertThat(reply.content()).isEqualTo("{\"summary\": \"No issues found.\"}");
    assertThat(reply.promptTokens()).isEqualTo(26);
    assertThat(reply.completionTokens()).isEqualTo(298);
    assertThat(reply.call().serverDurationNs()).isEqualTo(5_191_566_416L);
    assertThat(reply.call().responseSha256()).isEqualTo(DigestUtils.sha256Hex(body));
    ollama.verify(postRequestedFor(urlEqualTo("/api/chat"))
        .withRequestBody(equalToJson("{\"stream\":false}", true, true)));
  }

  @Test
  void theRequestCarriesModelMessagesFormatOptionsKeepAliveTruncateAndStreamExactly() throws Exception {
    ollama.stubFor(post("/api/chat").willReturn(answer()));
    JsonNode schema = Json.mapper().readTree(
        "{\"type\":\"object\",\"properties\":{\"findings\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
            + "\"required\":[\"findings\"]}");
    ChatRequest request = new ChatRequest(CODE_MODEL, "task",
        List.of(ChatMessage.system("You review code."), ChatMessage.user("Review a.js")), schema);

    client(config(3, ollama.baseUrl()), sleeper).chat(request);

    ollama.verify(1, postRequestedFor(urlEqualTo("/api/chat"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("{\"model\":\"codellama:7b\","
            + "\"messages\":[{\"role\":\"system\",\"content\":\"You review code.\"},"
            + "{\"role\":\"user\",\"content\":\"Review a.js\"}],"
            + "\"format\":" + schema + ","
            + "\"options\":{\"temperature\":0.0,\"seed\":42,\"num_ctx\":4096,\"num_predict\":512,\"num_thread\":4},"
            + "\"keep_alive\":\"30m\",\"truncate\":false,\"stream\":true}")));
    JsonNode sent = Json.mapper().readTree(ollama.getAllServeEvents().get(0).getRequest().getBodyAsString());
    assertThat(sent.has("think")).isFalse();
  }

  @Test
  void aKeepAliveInSecondsIsSentAsANumberAndAnUnsetThreadCountIsLeftOut() throws Exception {
    ollama.stubFor(post("/api/chat").willReturn(answer()));
    WorkerConfig config = new WorkerConfig("run-1", List.of(ollama.baseUrl()), null, null,
        new GenerationOptions(0.2, 7, 8192, 2048, null), "-1", 600, 1, 300, true);

    client(config, sleeper).chat(request("task"));

    ollama.verify(postRequestedFor(urlEqualTo("/api/chat")).withRequestBody(equalToJson(
        "{\"options\":{\"temperature\":0.2,\"seed\":7,\"num_ctx\":8192,\"num_predict\":2048},"
            + "\"keep_alive\":-1,\"stream\":true}", false, true)));
  }

  @Test
  void anAnswerCutAtNumPredictIsReportedAsTruncated() throws Exception {
    ollama.stubFor(post("/api/chat").willReturn(ndjson(chunk("{\"findings\": [\"unclos"), done("length", 300, 512))));

    ChatReply reply = client(config(3, ollama.baseUrl()), sleeper).chat(request("task"));

    assertThat(reply.truncated()).isTrue();
    assertThat(reply.doneReason()).isEqualTo("length");
    assertThat(reply.call().doneReason()).isEqualTo("length");
    assertThat(reply.content()).isEqualTo("{\"findings\": [\"unclos");
    assertThat(reply.calls()).hasSize(1);
  }

  @Test
  void aPromptThatFilledTheContextIsReportedAtTheLimit() throws Exception {
    ollama.stubFor(post("/api/chat").willReturn(ndjson(chunk("{}"), done("stop", 4096, 2))));

    ChatReply reply = client(config(3, ollama.baseUrl()), sleeper).chat(request("task"));

    assertThat(reply.promptTokens()).isEqualTo(4096);
    assertThat(reply.atContextLimit(4096)).isTrue();
    assertThat(reply.atContextLimit(8192)).isFalse();
    assertThat(reply.truncated()).isFalse();
  }

  @Test
  void aPromptOllamaCutToHalfTheWindowOrToOneTokenShortOfItIsReportedCut() throws Exception {
    // llama-server's runner: a prompt over num_ctx - 1 tokens is cut to num_keep + the tail, 2050 of 4096.
    ollama.stubFor(post("/api/chat").willReturn(ndjson(chunk("{}"), done("stop", 2050, 2))));

    ChatReply reply = client(config(3, ollama.baseUrl()), sleeper).chat(request("task"));

    assertThat(reply.promptCut(4096)).isTrue();
    assertThat(reply.atContextLimit(4096)).isTrue();
    assertThat(reply.promptCut(8192)).isFalse();
    assertThat(new ChatReply("{}", "length", 4095, 1, reply.call(), reply.calls()).promptCut(4096)).isTrue();
    assertThat(new ChatReply("{}", "stop", 2049, 2, reply.call(), reply.calls()).atContextLimit(4096)).isFalse();
  }

  /**
   * A model whose tokenizer adds a BOS token (codellama, llama3, gemma) keeps num_keep + 1 tokens of a
   * prompt llama-server's runner cuts: 2051 of 4096, 4099 of 8192, as Ollama logs ("keep=5 new=4099").
   */
  @Test
  void aPromptOllamaCutToHalfTheWindowKeepingTheBosTokenTooIsReportedCut() throws Exception {
    ollama.stubFor(post("/api/chat").willReturn(ndjson(chunk("{}"), done("stop", 2051, 2))));

    ChatReply reply = client(config(3, ollama.baseUrl()), sleeper).chat(request("task"));

    assertThat(reply.promptCut(4096)).isTrue();
    assertThat(new ChatReply("{}", "stop", 4099, 2, reply.call(), reply.calls()).promptCut(8192)).isTrue();
    assertThat(new ChatReply("{}", "stop", 2052, 2, reply.call(), reply.calls()).promptCut(4096)).isFalse();
  }

  @Test
  void aReplyWhoseCallsDoNotEndWithItsCallIsRefused() throws Exception {
    ollama.stubFor(post("/api/chat").willReturn(ndjson(chunk("{}"), done("stop", 20, 2))));
    ChatReply first = client(config(3, ollama.baseUrl()), sleeper).chat(request("src/a.js#1/2"));
    ChatReply second = client(config(3, ollama.baseUrl()), sleeper).chat(request("src/a.js#2/2"));

    assertThatThrownBy(() -> new ChatReply("{}", "stop", 20, 2, second.call(), List.of(first.call())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("calls must end with the successful call");
    assertThatThrownBy(() -> new ChatReply("{}", "stop", 20, 2, second.call(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("calls must end with the successful call");
    assertThat(new ChatReply("{}", "stop", 20, 2, second.call(), List.of(first.call(), second.call())).call())
        .isSameAs(second.call());
  }

  @Test
  void promptAndAnswerTogetherReachingTheContextAreReportedAtTheLimit() throws Exception {
    ollama.stubFor(post("/api/chat").willReturn(ndjson(chunk("{}"), done("stop", 3600, 496))));

    ChatReply reply = client(config(3, ollama.baseUrl()), sleeper).chat(request("task"));

    assertThat(reply.atContextLimit(4096)).isTrue();
    assertThat(reply.atContextLimit(4097)).isFalse();
  }

  @Test
  void metricsOllamaLeftOutCountAsZero() throws Exception {
    ollama.stubFor(post("/api/chat").willReturn(ndjson(chunk(""), done("stop", 0, 0))));

    ChatReply reply = client(config(3, ollama.baseUrl()), sleeper).chat(request("task"));

    assertThat(reply.content()).isEmpty();
    assertThat(reply.promptTokens()).isZero();
    assertThat(reply.completionTokens()).isZero();
  }

  @Test
  void chatsAlternateBetweenTheConfiguredUrls() throws Exception {
    ollama.stubFor(post("/api/chat").willReturn(answer()));
    secondOllama.stubFor(post("/api/chat").willReturn(answer()));
    OllamaClient client = client(config(3, ollama.baseUrl(), secondOllama.baseUrl() + "/"), sleeper);

    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      urls.add(client.chat(request("task")).call().url());
    }

    // MaxJitter makes the last URL the first in turn.
    assertThat(urls).containsExactly(
        secondOllama.baseUrl(), ollama.baseUrl(), secondOllama.baseUrl(), ollama.baseUrl());
    ollama.verify(2, postRequestedFor(urlEqualTo("/api/chat")));
    secondOllama.verify(2, postRequestedFor(urlEqualTo("/api/chat")));
  }

  @Test
  void concurrentChatsAreSpreadOverTheUrls() throws Exception {
    ollama.stubFor(post("/api/chat").willReturn(answer()));
    secondOllama.stubFor(post("/api/chat").willReturn(answer()));
    OllamaClient client = client(config(1, ollama.baseUrl(), secondOllama.baseUrl()), sleeper);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<ChatReply>> replies = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        replies.add(pool.submit(() -> client.chat(request("task"))));
      }
      for (Future<ChatReply> reply : replies) {
        assertThat(reply.get().call().succeeded()).isTrue();
      }
    } finally {
      pool.shutdown();
    }

    // The least busy URL gets each chat (ServerChoiceTest), so the split follows the servers' speed;
    // the first two chats always go to different URLs, busy or not.
    int first = ollama.countRequestsMatching(postRequestedFor(urlEqualTo("/api/chat")).build()).getCount();
    int second = secondOllama.countRequestsMatching(postRequestedFor(urlEqualTo("/api/chat")).build()).getCount();
    assertThat(first + second).isEqualTo(8);
    assertThat(first).isPositive();
    assertThat(second).isPositive();
  }

  @Test
  void aServerListedTwiceIsOneServerAndGetsNoLargerShare() throws Exception {
    ollama.stubFor(post("/api/chat").willReturn(answer()));
    secondOllama.stubFor(post("/api/chat").willReturn(answer()));
    OllamaClient client =
        client(config(3, ollama.baseUrl(), ollama.baseUrl() + "/", secondOllama.baseUrl()), sleeper);

    for (int i = 0; i < 6; i++) {
      client.chat(request("task"));
    }

    ollama.verify(3, postRequestedFor(urlEqualTo("/api/chat")));
    secondOllama.verify(3, postRequestedFor(urlEqualTo("/api/chat")));
  }
}
