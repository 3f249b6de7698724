package dev.honest.worker.ollama;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.honest.worker.ollama.FakeOllama.CODE_MODEL;
import static dev.honest.worker.ollama.FakeOllama.answer;
import static dev.honest.worker.ollama.FakeOllama.chatCall;
import static dev.honest.worker.ollama.FakeOllama.chunk;
import static dev.honest.worker.ollama.FakeOllama.client;
import static dev.honest.worker.ollama.FakeOllama.closedPortUrl;
import static dev.honest.worker.ollama.FakeOllama.config;
import static dev.honest.worker.ollama.FakeOllama.done;
import static dev.honest.worker.ollama.FakeOllama.error;
import static dev.honest.worker.ollama.FakeOllama.inSequence;
import static dev.honest.worker.ollama.FakeOllama.ndjson;
import static dev.honest.worker.ollama.FakeOllama.request;
import static dev.honest.worker.ollama.FakeOllama.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.honest.common.result.CallRecord;
import dev.honest.worker.ollama.FakeOllama.RecordingSleeper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.apache.commons.codec.digest.DigestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OllamaRetryTest {
  private static final String BUSY = "server busy, please try again.  maximum pending requests exceeded";

  @RegisterExtension
  static WireMockExtension ollama = server();

  private final RecordingSleeper sleeper = new RecordingSleeper();

  private OllamaException chatFailure(OllamaClient client) {
    return catchThrowableOfType(OllamaException.class, () -> client.chat(request("src/a.js#1/1")));
  }

  @Test
  void aMissingModelFailsAtOnceAsModelNotFound() {
    ollama.stubFor(post("/api/chat").willReturn(error(404, "model 'codellama:7b' not found")));

    OllamaException e = chatFailure(client(config(4, ollama.baseUrl()), sleeper));

    assertThat(e.errorClass()).isEqualTo("model_not_found");
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("model 'codellama:7b' not found").doesNotContain("\n");
    assertThat(e.calls()).singleElement().satisfies(call -> {
      assertThat(call.httpStatus()).isEqualTo(404);
      assertThat(call.error()).isEqualTo("HTTP 404: model 'codellama:7b' not found");
      assertThat(call.responseSha256()).isNotNull();
      assertThat(call.contentSha256()).isNull();
    });
    ollama.verify(1, postRequestedFor(urlEqualTo("/api/chat")));
    assertThat(sleeper.slept).isEmpty();
  }

  /**
   * Ollama words its refusal of a prompt over the context ({@code "truncate": false}) by the runner that
   * serves the model: llama-server's "request (N tokens) exceeds the available context size", the Go
   * runner's "the input length exceeds the context length", or "the prompt is longer than the context
   * length". Each is a prompt too long, which the worker splits further, not a bad request.
   */
  @Test
  void everyWordingOfOllamasRefusalOfAPromptOverTheContextIsAPromptTooLong() {
    for (String refusal : List.of(
        "the prompt is longer than the context length currently available to the model",
        "the input length exceeds the context length",
        "{\"error\":{\"code\":400,\"message\":\"request (8889 tokens) exceeds the available context size (4096 tokens),"
            + " try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":8889,\"n_ctx\":4096}}")) {
      ollama.resetAll();
      ollama.stubFor(post("/api/chat").willReturn(error(400, refusal)));

      OllamaException e = chatFailure(client(config(4, ollama.baseUrl()), sleeper));

      assertThat(e.errorClass()).as(refusal).isEqualTo("prompt_too_long");
      assertThat(e.retryable()).isFalse();
      assertThat(e.calls()).hasSize(1);
    }
  }

  @Test
  void aBadRequestIsNotRetried() {
    ollama.stubFor(post("/api/chat").willReturn(error(400, "\"codellama:7b\" does not support thinking")));

    OllamaException e = chatFailure(client(config(4, ollama.baseUrl()), sleeper));

    assertThat(e.errorClass()).isEqualTo("bad_request");
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("does not support thinking");
    assertThat(e.calls()).hasSize(1);
    ollama.verify(1, postRequestedFor(urlEqualTo("/api/chat")));
  }

  @Test
  void aBusyServerIsRetriedAndTheSecondAttemptSucceeds() throws Exception {
    inSequence(ollama, chatCall(), error(503, BUSY), answer());

    ChatReply reply = client(config(4, ollama.baseUrl()), sleeper).chat(request("task"));

    assertThat(reply.content()).isEqualTo("{\"findings\": []}");
    assertThat(reply.calls()).hasSize(2);
    CallRecord busy = reply.calls().get(0);
    assertThat(busy.httpStatus()).isEqualTo(503);
    assertThat(busy.error()).isEqualTo("HTTP 503: " + BUSY);
    assertThat(busy.responseSha256())
        .isEqualTo(DigestUtils.sha256Hex(("{\"error\":\"" + BUSY + "\"}").getBytes(StandardCharsets.UTF_8)));
    assertThat(busy.succeeded()).isFalse();
    assertThat(reply.calls().get(1)).isEqualTo(reply.call());
    assertThat(reply.call().succeeded()).isTrue();
    assertThat(sleeper.slept).hasSize(1);
  }

  @Test
  void aResetConnectionIsRetried() throws Exception {
    inSequence(ollama, chatCall(), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), answer());

    ChatReply reply = client(config(4, ollama.baseUrl()), sleeper).chat(request("task"));

    assertThat(reply.calls()).hasSize(2);
    CallRecord reset = reply.calls().get(0);
    assertThat(reset.httpStatus()).isZero();
    assertThat(reset.error()).startsWith("no response");
    assertThat(reset.responseSha256()).isNull();
    assertThat(reset.responseMd5()).isNull();
    assertThat(reply.call().succeeded()).isTrue();
  }

  /** CallRecord: http_status is 0 only when no response came; here the status line did. */
  @Test
  void anAnswerThatBreaksOffAfterItsStatusIsRecordedWithTheStatusAndRetried() throws Exception {
    inSequence(ollama, chatCall(), aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK), answer());

    ChatReply reply = client(config(4, ollama.baseUrl()), sleeper).chat(request("task"));

    assertThat(reply.calls()).hasSize(2);
    CallRecord broken = reply.calls().get(0);
    assertThat(broken.httpStatus()).isEqualTo(200);
    assertThat(broken.error()).startsWith("HTTP 200, then the answer broke off: ");
    assertThat(broken.responseSha256()).isNull();
    assertThat(broken.succeeded()).isFalse();
    assertThat(reply.call().succeeded()).isTrue();
  }

  @Test
  void anAnswerWhoseBodyComesSlowerThanTheTimeoutIsRecordedWithItsStatus() {
    // The status line and the first of 200 pieces of the body at once, the rest over 10 s.
    ollama.stubFor(post("/api/chat").willReturn(answer().withChunkedDribbleDelay(200, 10_000)));

    OllamaException e = chatFailure(client(config(2, ollama.baseUrl()), Duration.ofMillis(1_000), sleeper));

    assertThat(e.errorClass()).isEqualTo("ollama_unavailable");
    assertThat(e.calls()).hasSize(2).allSatisfy(call -> {
      assertThat(call.httpStatus()).isEqualTo(200);
      assertThat(call.error()).isEqualTo("HTTP 200, then no complete response within 1000 ms");
      assertThat(call.responseSha256()).isNull();
    });
  }

  @Test
  void anErrorLineInsideA200StreamIsRetried() throws Exception {
    inSequence(ollama, chatCall(),
        ndjson(chunk("{\"find"), "{\"error\":\"llama runner process has terminated: signal: killed\"}"),
        answer());

    ChatReply reply = client(config(4, ollama.baseUrl()), sleeper).chat(request("task"));

    CallRecord broken = reply.calls().get(0);
    assertThat(broken.httpStatus()).isEqualTo(200);
    assertThat(broken.error()).contains("llama runner process has terminated: signal: killed");
    assertThat(broken.responseSha256()).isNotNull();
    assertThat(broken.contentSha256()).isNull();
    assertThat(broken.succeeded()).isFalse();
    assertThat(reply.content()).isEqualTo("{\"findings\": []}");
  }

  @Test
  void aBodyThatIsNotJsonIsRetried() throws Exception {
    inSequence(ollama, chatCall(),
        aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody("<html>proxy error</html>"),
        answer());

    ChatReply reply = client(config(4, ollama.baseUrl()), sleeper).chat(request("task"));

    assertThat(reply.calls()).hasSize(2);
    assertThat(reply.calls().get(0).error()).contains("not JSON");
  }

  @Test
  void aStreamThatEndsWithoutDoneIsRetried() throws Exception {
    inSequence(ollama, chatCall(), ndjson(chunk("{\"findings\""), chunk(": [")), answer());

    ChatReply reply = client(config(4, ollama.baseUrl()), sleeper).chat(request("task"));

    assertThat(reply.calls()).hasSize(2);
    assertThat(reply.calls().get(0).error()).contains("without done:true");
  }

  @Test
  void aServerErrorSpanningSeveralLinesIsReportedOnOneLine() {
    // The runner's stderr, as Ollama quotes it when a CUDA call fails: several lines in one error.
    String cuda = "llama runner process has terminated: CUDA error: out of memory\n"
        + "  current device: 0, in function alloc at ggml-cuda.cu:375\n  cudaMalloc((void **) &ptr, look_ahead_size)";
    ollama.stubFor(post("/api/chat").willReturn(error(500, cuda)));

    OllamaException e = chatFailure(client(config(1, ollama.baseUrl()), sleeper));

    assertThat(e.getMessage()).doesNotContain("\n")
        .contains("CUDA error: out of memory current device: 0, in function alloc");
    assertThat(e.calls().get(0).error()).doesNotContain("\n");
  }

  @Test
  void anErrorLineSpanningSeveralLinesInsideA200StreamIsReportedOnOneLine() {
    ollama.stubFor(post("/api/chat").willReturn(
        ndjson(chunk("{"), "{\"error\":\"CUDA error: an illegal memory access was encountered\\n  current device: 0\"}")));

    OllamaException e = chatFailure(client(config(1, ollama.baseUrl()), sleeper));

    assertThat(e.errorClass()).isEqualTo("stream_error");
    assertThat(e.getMessage()).doesNotContain("\n").contains("was encountered current device: 0");
  }

  @Test
  void anAnswerFromAnotherModelThanTheOneAskedIsRefusedAndRecorded() {
    // Ollama echoes the model asked; another name means another model answered (a proxy, a misrouted server).
    ollama.stubFor(post("/api/chat").willReturn(
        ndjson(chunk("{}").replace(CODE_MODEL, "llama3.1:8b"), done("stop", 120, 2).replace(CODE_MODEL, "llama3.1:8b"))));

    OllamaException e = chatFailure(client(config(2, ollama.baseUrl()), sleeper));

    assertThat(e.errorClass()).isEqualTo("model_mismatch");
    assertThat(e.getMessage()).contains("llama3.1:8b", "codellama:7b");
    assertThat(e.calls()).hasSize(2).allSatisfy(call -> {
      assertThat(call.httpStatus()).isEqualTo(200);
      assertThat(call.succeeded()).isFalse();
      assertThat(call.responseSha256()).isNotNull();
      assertThat(call.contentSha256()).isNull();
    });
  }

  /** CallRecord: the token counts are prompt_eval_count and eval_count as the server reported them. */
  @Test
  void anAnswerFromAnotherModelIsRecordedWithTheTokenCountsTheServerReported() {
    ollama.stubFor(post("/api/chat").willReturn(
        ndjson(chunk("{}").replace(CODE_MODEL, "llama3.1:8b"), done("stop", 120, 2).replace(CODE_MODEL, "llama3.1:8b"))));

    OllamaException e = chatFailure(client(config(1, ollama.baseUrl()), sleeper));

    assertThat(e.errorClass()).isEqualTo("model_mismatch");
    assertThat(e.calls()).singleElement().satisfies(call -> {
      assertThat(call.promptTokens()).isEqualTo(120);
      assertThat(call.completionTokens()).isEqualTo(2);
      assertThat(call.serverDurationNs()).isEqualTo(8_123_456_789L);
      assertThat(call.contentSha256()).isNull();
      assertThat(call.succeeded()).isFalse();
    });
  }

  @Test
  void anAnswerNamingTheModelAskedWithoutItsLatestTagOrInOtherCaseIsTaken() throws Exception {
    ollama.stubFor(post("/api/chat").willReturn(ndjson(
        chunk("{}").replace(CODE_MODEL, "CodeLlama"), done("stop", 120, 2).replace(CODE_MODEL, "CodeLlama"))));
    ChatRequest request = new ChatRequest("codellama:latest", "task", List.of(ChatMessage.user("Review a.js")), null);

    ChatReply reply = client(config(1, ollama.baseUrl()), sleeper).chat(request);

    assertThat(reply.content()).isEqualTo("{}");
  }

  @Test
  void whenEveryAttemptFailsTheExceptionCarriesTheLastClassAndEveryCall() {
    ollama.stubFor(post("/api/chat").willReturn(error(500, "llama runner process has terminated: exit status 2")));

    OllamaException e = chatFailure(client(config(3, ollama.baseUrl()), sleeper));

    assertThat(e.errorClass()).isEqualTo("server_error");
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("after 3 attempt(s)", "exit status 2");
    assertThat(e.calls()).hasSize(3).allSatisfy(call -> {
      assertThat(call.httpStatus()).isEqualTo(500);
      assertThat(call.part()).isEqualTo("src/a.js#1/1");
      assertThat(call.succeeded()).isFalse();
    });
    assertThat(sleeper.slept).hasSize(2);
  }

  @Test
  void anAnswerSlowerThanTheTimeoutIsRetriedThenReportedUnavailable() {
    ollama.stubFor(post("/api/chat").willReturn(answer().withFixedDelay(3_000)));

    OllamaException e =
        chatFailure(client(config(2, ollama.baseUrl()), Duration.ofMillis(300), sleeper));

    assertThat(e.errorClass()).isEqualTo("ollama_unavailable");
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).contains("within 300 ms");
    assertThat(e.calls()).hasSize(2).allSatisfy(call -> {
      assertThat(call.httpStatus()).isZero();
      assertThat(call.responseSha256()).isNull();
    });
  }

  @Test
  void aServerThatRefusesConnectionsIsReportedUnavailable() {
    OllamaException e = chatFailure(client(config(2, closedPortUrl()), sleeper));

    assertThat(e.errorClass()).isEqualTo("ollama_unavailable");
    assertThat(e.calls()).hasSize(2);
    assertThat(e.calls().get(0).error()).contains("ConnectException");
  }

  @Test
  void backoffDelaysDoubleFromHalfASecondAndStopAtThirtySeconds() {
    ollama.stubFor(post("/api/chat").willReturn(error(503, BUSY)));

    chatFailure(client(config(10, ollama.baseUrl()), sleeper));

    // MaxJitter picks the top of each full-jitter range, which exposes the ceilings.
    assertThat(sleeper.slept).extracting(Duration::toMillis)
        .containsExactly(500L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L);
  }

  @Test
  void backoffIsDrawnFromTheFullJitterRange() {
    ollama.stubFor(post("/api/chat").willReturn(error(503, BUSY)));
    List<Long> bounds = new ArrayList<>();
    RandomGenerator lowest = new RandomGenerator() {
      @Override
      public long nextLong(long bound) {
        bounds.add(bound);
        return 0;
      }

      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }
    };
    OllamaClient client = new OllamaClient(
        config(3, ollama.baseUrl()), OllamaClient.defaultHttpClient(), sleeper, lowest);

    catchThrowableOfType(OllamaException.class, () -> client.chat(request("task")));

    assertThat(bounds).containsExactly(501L, 1_001L);
    assertThat(sleeper.slept).containsOnly(Duration.ZERO);
  }

  @Test
  void anInterruptDuringBackoffStopsTheChatAndKeepsTheInterruptFlag() {
    ollama.stubFor(post("/api/chat").willReturn(error(503, BUSY)));
    Sleeper interrupted = duration -> {
      throw new InterruptedException("stop");
    };

    OllamaException e = chatFailure(client(config(4, ollama.baseUrl()), interrupted));

    try {
      assertThat(e.errorClass()).isEqualTo("interrupted");
      assertThat(e.retryable()).isFalse();
      assertThat(e.calls()).hasSize(1);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
