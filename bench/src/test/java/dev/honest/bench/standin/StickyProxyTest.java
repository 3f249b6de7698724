package dev.honest.bench.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StickyProxyTest {
  private final List<AutoCloseable> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : started) {
      c.close();
    }
  }

  @Test
  void everyRequestOfAKeepAliveConnectionGoesToTheSameReplica() throws Exception {
    List<Replica> replicas = replicas(3);
    StickyProxy proxy = proxy(replicas, new Random(3));
    HttpClient keepAlive = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    for (int i = 0; i < 6; i++) {
      HttpResponse<String> reply = keepAlive.send(HttpRequest.newBuilder(URI.create(proxy.url() + "/api/chat"))
          .POST(HttpRequest.BodyPublishers.ofString(ReplicaTest.CHAT)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).isEqualTo(200);
    }

    // A replica records a chat once its answer is sent: the client may have read it a moment before.
    Gate.await("the replicas recorded 6 chats", () -> replicas.stream().mapToInt(r -> r.chats().size()).sum() == 6);
    assertThat(replicas).extracting(r -> r.chats().size()).containsExactlyInAnyOrder(6, 0, 0);
    assertThat(proxy.connectionsPerBackend().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1);
  }

  @Test
  void eachNewConnectionGoesToAReplicaDrawnFromTheRandomSource() throws Exception {
    StickyProxy proxy = proxy(replicas(3), new Random(42));
    Random same = new Random(42);
    int[] expected = new int[3];

    for (int i = 0; i < 20; i++) {
      expected[same.nextInt(3)]++;
      started.add(new Socket("127.0.0.1", URI.create(proxy.url()).getPort()));
    }
    Gate.await("the proxy accepted 20 connections",
        () -> proxy.connectionsPerBackend().stream().mapToInt(Integer::intValue).sum() == 20);

    assertThat(proxy.connectionsPerBackend()).containsExactly(expected[0], expected[1], expected[2]);
  }

  private List<Replica> replicas(int n) throws Exception {
    List<Replica> replicas = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Replica r = new Replica(i, 1, new LatencyModel(0, 0), Replica.Service.SLEEP);
      started.add(r);
      replicas.add(r);
    }
    return replicas;
  }

  private StickyProxy proxy(List<Replica> replicas, Random random) throws Exception {
    StickyProxy proxy = new StickyProxy(replicas.stream().map(Replica::address).toList(), random);
    started.add(0, proxy);
    return proxy;
  }
}
