package dev.honest.common.exit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessExitTest {
  private static List<Thread> selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager"))
        .filter(Thread::isAlive)
        .toList();
  }

  @Test
  void theSelectorThreadsOfLiveHttpClientsAreStoppedSoThatNoneHoldsUpTheExit() {
    HttpClient first = HttpClient.newHttpClient();
    HttpClient second = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThat(selectorThreads()).hasSizeGreaterThanOrEqualTo(2);

    int alive = ProcessExit.stopHttpClientSelectors();

    assertThat(alive).isZero();
    assertThat(selectorThreads()).isEmpty();
    // Both clients stay reachable until here: their threads ended because they were stopped.
    assertThat(List.of(first, second)).hasSize(2);
  }
}
