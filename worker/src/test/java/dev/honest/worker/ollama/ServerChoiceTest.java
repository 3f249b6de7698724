package dev.honest.worker.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerChoiceTest {
  @Test
  void oneChatAtATimeTakesTheServersInTurn() {
    ServerChoice choice = new ServerChoice(3, 0);
    List<Integer> picked = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int server = choice.acquire(-1);
      picked.add(server);
      choice.release(server);
    }
    assertThat(picked).containsExactly(0, 1, 2, 0, 1);
  }

  @Test
  void theTurnStartsAtTheGivenServer() {
    ServerChoice choice = new ServerChoice(3, 2);

    assertThat(choice.acquire(-1)).isEqualTo(2);
    assertThat(choice.acquire(-1)).isZero();
  }

  @Test
  void aChatGoesToTheServerWithTheFewestChatsInFlight() {
    ServerChoice choice = new ServerChoice(3, 0);
    int first = choice.acquire(-1);
    int second = choice.acquire(-1);
    choice.acquire(-1);
    choice.release(second);

    assertThat(choice.acquire(-1)).isEqualTo(second);
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void aRetryAvoidsTheServerThatJustFailedEvenWhenItIsTheLeastBusy() {
    ServerChoice choice = new ServerChoice(3, 0);
    choice.acquire(-1);
    choice.acquire(-1);
    int failed = choice.acquire(-1);
    choice.release(failed);

    assertThat(choice.acquire(failed)).isNotEqualTo(failed);
  }

  @Test
  void withOneServerARetryGoesBackToIt() {
    ServerChoice choice = new ServerChoice(1, 0);
    int failed = choice.acquire(-1);
    choice.release(failed);

    assertThat(choice.acquire(failed)).isZero();
  }
}
