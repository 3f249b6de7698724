package dev.honest.worker.ollama;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.honest.worker.ollama.FakeOllama.answer;
import static dev.honest.worker.ollama.FakeOllama.client;
import static dev.honest.worker.ollama.FakeOllama.fixture;
import static dev.honest.worker.ollama.FakeOllama.json;
import static dev.honest.worker.ollama.FakeOllama.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.honest.common.config.WorkerConfig;
import dev.honest.worker.ollama.FakeOllama.RecordingSleeper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerAddressesTest {
  private static final String PODS = "ollama-llm-pods.honest-orchestration.svc.cluster.local";

  private final List<String> log = new ArrayList<>();

  private static WorkerConfig resolvingAll(String... urls) {
    WorkerConfig c = FakeOllama.config(2, urls);
    return new WorkerConfig(c.runId(), c.llmUrls(), true, c.codeModel(), c.generalModel(), c.options(),
        c.keepAlive(), c.requestTimeoutSeconds(), c.maxAttempts(), c.readyTimeoutSeconds(), true);
  }

  private static InetAddress address(String host, int... bytes) throws UnknownHostException {
    byte[] raw = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      raw[i] = (byte) bytes[i];
    }
    return InetAddress.getByAddress(host, raw);
  }

  /** Answers from a table, as a DNS server would for a headless Service. */
  private static ServerAddresses.Resolver table(Map<String, InetAddress[]> names) {
    return host -> {
      InetAddress[] found = names.get(host);
      if (found == null) {
        throw new UnknownHostException(host + ": Name or service not known");
      }
      return found;
    };
  }

  @Test
  void aHeadlessServiceNameBecomesOneUrlPerPodAddressKeepingSchemePortAndPath() throws Exception {
    InetAddress[] pods = {
        address(PODS, 10, 1, 2, 3), address(PODS, 10, 1, 2, 4),
        address(PODS, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5), address(PODS, 10, 1, 2, 3)};

    WorkerConfig expanded = ServerAddresses.expand(resolvingAll("http://" + PODS + ":11434/ollama"),
        table(Map.of(PODS, pods)), log::add);

    assertThat(expanded.llmUrls()).containsExactly(
        "http://10.1.2.3:11434/ollama", "http://10.1.2.4:11434/ollama", "http://[fd00:0:0:0:0:0:0:5]:11434/ollama");
    assertThat(expanded.llmResolveAll()).isFalse();
    assertThat(expanded.runId()).isEqualTo("run-1");
    assertThat(expanded.maxAttempts()).isEqualTo(2);
    assertThat(log).singleElement().asString().contains(PODS + " resolves to 3 address(es)", "http://10.1.2.4:11434");
  }

  @Test
  void urlsAreUsedAsTheyAreUnlessTheConfigAsksToResolveThem() {
    WorkerConfig config = FakeOllama.config(2, "http://ollama-llm-service:11434");

    WorkerConfig same = ServerAddresses.expand(config, host -> {
      throw new AssertionError("resolved " + host);
    }, log::add);

    assertThat(same).isSameAs(config);
    assertThat(log).isEmpty();
  }

  @Test
  void aNameWithoutAddressesStaysAsItIsAndTheWorkerSaysSo() throws Exception {
    WorkerConfig expanded = ServerAddresses.expand(
        resolvingAll("http://" + PODS + ":11434", "http://other:11434"),
        table(Map.of("other", new InetAddress[] {address("other", 10, 9, 9, 9)})), log::add);

    assertThat(expanded.llmUrls()).containsExactly("http://" + PODS + ":11434", "http://10.9.9.9:11434");
    assertThat(log).first().asString().contains(PODS + " does not resolve now", "Name or service not known",
        "used as it is");
  }

  @Test
  void aNameAResolverAnswersWithNoAddressStaysAsItIsAndTheWorkerSaysSo() throws Exception {
    WorkerConfig expanded = ServerAddresses.expand(
        resolvingAll("http://" + PODS + ":11434", "http://other:11434"),
        table(Map.of(PODS, new InetAddress[0], "other", new InetAddress[] {address("other", 10, 9, 9, 9)})), log::add);

    assertThat(expanded.llmUrls()).containsExactly("http://" + PODS + ":11434", "http://10.9.9.9:11434");
    assertThat(log).first().isEqualTo(PODS + " does not resolve now (" + PODS + ": no address): http://" + PODS
        + ":11434 is used as it is, one connection to one server at a time");
  }

  /**
   * Two servers on one port of two loopback addresses stand for two pods behind one headless name:
   * once expanded, the client checks both for the models and sends the chats to each in turn.
   */
  @Test
  void theClientChecksEveryAddressAndSpreadsItsChatsOverThem() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("127.0.0.2", 0));
      port = probe.getLocalPort();
    }
    WireMockServer first = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").port(port));
    WireMockServer second = new WireMockServer(wireMockConfig().bindAddress("127.0.0.2").port(port));
    try {
      for (WireMockServer pod : List.of(first, second)) {
        pod.start();
        pod.stubFor(get("/api/tags").willReturn(json(fixture("tags.json"))));
        pod.stubFor(post("/api/chat").willReturn(answer()));
      }
      WorkerConfig config = ServerAddresses.expand(resolvingAll("http://" + PODS + ":" + port),
          table(Map.of(PODS, new InetAddress[] {address(PODS, 127, 0, 0, 1), address(PODS, 127, 0, 0, 2)})),
          log::add);
      OllamaClient client = client(config, Duration.ofSeconds(10), new RecordingSleeper());

      client.awaitModels(List.of("codellama"), Duration.ofSeconds(10));
      List<String> urls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        urls.add(client.chat(request("task")).call().url());
      }

      assertThat(urls).containsOnly("http://127.0.0.1:" + port, "http://127.0.0.2:" + port);
      for (WireMockServer pod : List.of(first, second)) {
        pod.verify(1, getRequestedFor(urlEqualTo("/api/tags")));
        pod.verify(2, postRequestedFor(urlEqualTo("/api/chat")));
      }
    } finally {
      first.stop();
      second.stop();
    }
  }
}
