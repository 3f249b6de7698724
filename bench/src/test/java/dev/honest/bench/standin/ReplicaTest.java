package dev.honest.bench.standin;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.config.WorkerConfig;
import dev.honest.common.json.Json;
import dev.honest.worker.ollama.ChatMessage;
import dev.honest.worker.ollama.ChatReply;
import dev.honest.worker.ollama.ChatRequest;
import dev.honest.worker.ollama.OllamaClient;
import dev.honest.worker.testing.OllamaStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ReplicaTest {
  static final String CHAT = "{\"model\":\"codellama:7b\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Replica> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(Replica::close);
  }

  @Test
  void theWorkersOwnClientFindsTheModelsAndGetsAStreamedAnswerWithTokenCounts() throws Exception {
    Replica replica = start(1, new LatencyModel(0, 0), Replica.Service.SLEEP);
    OllamaClient client = OllamaClient.create(WorkerConfig.defaults("run-1", List.of(replica.url())));

    client.awaitModels(List.of(OllamaStandIn.CODE_MODEL, OllamaStandIn.GENERAL_MODEL), Duration.ofSeconds(5));
    ChatReply reply = client.chat(new ChatRequest(OllamaStandIn.CODE_MODEL, "task",
        List.of(ChatMessage.user("Task: check\nFile: a.js\n1| let x = 1;\n")), null));

    assertThat(client.digestOf(OllamaStandIn.CODE_MODEL)).isEqualTo(OllamaStandIn.CODE_DIGEST);
    assertThat(reply.content()).contains("\"findings\"").contains("a.js");
    assertThat(reply.doneReason()).isEqualTo("stop");
    Gate.await("the chat recorded", () -> !replica.chats().isEmpty());
    assertThat(replica.chats()).singleElement().satisfies(c -> {
      assertThat(c.promptTokens()).isEqualTo(reply.promptTokens());
      assertThat(c.completionTokens()).isEqualTo(reply.completionTokens());
      assertThat(c.requestSha256()).isEqualTo(reply.call().requestSha256());
    });
  }

  @Test
  void aChatAnswersInOneObjectWhenAskedNotToStreamAndInALinePerTokenOtherwise() throws Exception {
    Replica replica = start(1, new LatencyModel(0, 0), Replica.Service.SLEEP);
    String whole = CHAT.replace("}]}", "}],\"stream\":false}");

    HttpResponse<String> one = http.send(post(replica, whole), HttpResponse.BodyHandlers.ofString(UTF_8));
    HttpResponse<String> streamed = http.send(post(replica, CHAT), HttpResponse.BodyHandlers.ofString(UTF_8));

    assertThat(one.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(one.body().lines()).hasSize(1);
    JsonNode answer = Json.mapper().readTree(one.body());
    assertThat(answer.path("done").asBoolean()).isTrue();
    assertThat(streamed.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    List<JsonNode> lines = streamed.body().lines().map(l -> Json.mapper().readTree(l)).toList();
    assertThat(lines.size()).isGreaterThan(2);
    assertThat(lines.get(lines.size() - 1).path("eval_count").asLong())
        .isEqualTo(answer.path("eval_count").asLong());
    assertThat(lines.stream().map(l -> l.path("message").path("content").asString()).reduce("", String::concat))
        .isEqualTo(answer.path("message").path("content").asString());
  }

  @Test
  void noMoreChatsThanSlotsAreInServiceAndTheRestWait() throws Exception {
    Gate gate = new Gate();
    Replica replica = start(2, new LatencyModel(1, 1), gate);

    List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      replies.add(chat(replica));
    }
    Gate.await("2 chats are in service and 3 wait",
        () -> replica.busy().inService() == 2 && replica.waiting() == 3);
    gate.open(5);

    for (CompletableFuture<HttpResponse<String>> reply : replies) {
      assertThat(reply.get().statusCode()).isEqualTo(200);
    }
    Gate.await("5 chats recorded", () -> replica.chats().size() == 5);
    assertThat(replica.busy().maxInService()).isEqualTo(2);
    assertThat(replica.busy().served()).isEqualTo(5);
  }

  @Test
  void waitingChatsAreServedInTheOrderTheyArrived() throws Exception {
    Gate gate = new Gate();
    Replica replica = start(1, new LatencyModel(0, 0), gate);

    List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
    replies.add(chat(replica));
    Gate.await("the first chat is in service", () -> replica.busy().inService() == 1);
    for (int waiting = 1; waiting <= 3; waiting++) {
      replies.add(chat(replica));
      int expected = waiting;
      Gate.await(expected + " chat(s) wait", () -> replica.waiting() == expected);
    }
    gate.open(4);
    for (CompletableFuture<HttpResponse<String>> reply : replies) {
      reply.get();
    }

    // A chat is recorded once its reply is written, a moment after the client may have read it.
    Gate.await("4 chats recorded", () -> replica.chats().size() == 4);
    List<Replica.Chat> chats = new ArrayList<>(replica.chats());
    chats.sort((a, b) -> Long.compare(a.startedAt(), b.startedAt()));
    assertThat(chats).extracting(Replica.Chat::arrival).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void aChatHoldsItsSlotForTheLatencyOfItsTokens() throws Exception {
    List<Long> held = new CopyOnWriteArrayList<>();
    Replica replica = start(1, new LatencyModel(2, 10), nanos -> held.add(nanos));

    chat(replica).get();

    Gate.await("the chat recorded", () -> !replica.chats().isEmpty());
    Replica.Chat c = replica.chats().get(0);
    assertThat(held).containsExactly(1000 * (2 * c.promptTokens() + 10 * c.completionTokens()));
  }

  @Test
  void anUnknownModelGetsOllamasNotFoundAnswerWithoutTakingASlot() throws Exception {
    Replica replica = start(1, new LatencyModel(0, 0), Replica.Service.SLEEP);

    HttpResponse<String> reply = http.send(post(replica, "{\"model\":\"mistral\",\"messages\":[]}"),
        HttpResponse.BodyHandlers.ofString());

    assertThat(reply.statusCode()).isEqualTo(404);
    assertThat(reply.body()).isEqualTo("{\"error\":\"model \\\"mistral\\\" not found, try pulling it first\"}");
    assertThat(replica.busy().served()).isZero();
  }

  private Replica start(int parallel, LatencyModel latency, Replica.Service service) throws Exception {
    Replica replica = new Replica(started.size() + 1, parallel, latency, service);
    started.add(replica);
    return replica;
  }

  private CompletableFuture<HttpResponse<String>> chat(Replica replica) {
    return http.sendAsync(post(replica, CHAT), HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  private static HttpRequest post(Replica replica, String body) {
    return HttpRequest.newBuilder(URI.create(replica.url() + "/api/chat"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }
}
