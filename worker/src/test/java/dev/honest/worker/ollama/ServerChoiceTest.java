package dev.honest.worker.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerChoiceTest {
  @Test
  void oneChatAtATimeTakesTheServersInTurn() throws Exception {
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
  void theTurnStartsAtTheGivenServer() throws Exception {
    ServerChoice choice = new ServerChoice(3, 2);

    assertThat(choice.acquire(-1)).isEqualTo(2);
    assertThat(choice.acquire(-1)).isZero();
  }

  @Test
  void aChatGoesToTheServerWithTheFewestChatsInFlight() throws Exception {
    ServerChoice choice = new ServerChoice(3, 0);
    int first = choice.acquire(-1);
    int second = choice.acquire(-1);
    choice.acquire(-1);
    choice.release(second);

    assertThat(choice.acquire(-1)).isEqualTo(second);
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void aRetryAvoidsTheServerThatJustFailedEvenWhenItIsTheLeastBusy() throws Exception {
    ServerChoice choice = new ServerChoice(3, 0);
    choice.acquire(-1);
    choice.acquire(-1);
    int failed = choice.acquire(-1);
    choice.release(failed);

    assertThat(choice.acquire(failed)).isNotEqualTo(failed);
  }

  @Test
  void withOneServerARetryGoesBackToIt() throws Exception {
    ServerChoice choice = new ServerChoice(1, 0);
    int failed = choice.acquire(-1);
    choice.release(failed);

    assertThat(choice.acquire(failed)).isZero();
  }

  @Test
  void withACapAChatWaitsForAFreeSlotAndTakesTheServerThatFreedIt() throws Exception {
    ServerChoice choice = new ServerChoice(2, 0, 1);
    assertThat(choice.acquire(-1)).isZero();
    assertThat(choice.acquire(-1)).isEqualTo(1);
    CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return choice.acquire(-1);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    while (choice.waiting() == 0) {
      Thread.sleep(5);
    }
    assertThat(waiting).as("both servers hold a chat: the third waits").isNotDone();

    choice.release(1);

    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void withACapEveryServerFillsToItBeforeAnyChatWaits() throws Exception {
    ServerChoice choice = new ServerChoice(3, 0, 2);
    int[] perServer = new int[3];
    for (int i = 0; i < 6; i++) {
      perServer[choice.acquire(-1)]++;
    }

    assertThat(perServer).containsExactly(2, 2, 2);
  }

  /** Acquires on another thread and returns once the chat waits in the choice (or has a server). */
  private static CompletableFuture<Integer> acquireAsync(ServerChoice choice, int waitingBefore) throws Exception {
    CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> {
      try {
        return choice.acquire(-1);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    while (!f.isDone() && choice.waiting() == waitingBefore) {
      Thread.sleep(5);
    }
    return f;
  }

  @Test
  void whileChatsWaitForEveryServerOneMoreWaitsInEachServersOwnQueue() throws Exception {
    ServerChoice choice = new ServerChoice(2, 0, 1, 1);
    choice.acquire(-1);
    choice.acquire(-1);
    // Both slots are busy; one chat waiting here is fewer than the servers: it stays here.
    CompletableFuture<Integer> first = acquireAsync(choice, 0);
    assertThat(first).isNotDone();

    // A second waiting chat makes a backlog for both servers: each goes to a server's own queue.
    CompletableFuture<Integer> second = acquireAsync(choice, 1);

    assertThat(List.of(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS)))
        .containsExactlyInAnyOrder(0, 1);
    assertThat(choice.waiting()).isZero();
  }

  @Test
  void withoutABacklogTheLastChatsWaitForAFreeSlotInsteadOfInABusyServersQueue() throws Exception {
    ServerChoice choice = new ServerChoice(3, 0, 1, 1);
    for (int i = 0; i < 3; i++) {
      choice.acquire(-1);
    }
    CompletableFuture<Integer> last = acquireAsync(choice, 0);
    Thread.sleep(50);
    assertThat(last).as("every server is busy and only one chat waits: it waits here").isNotDone();

    choice.release(2);

    assertThat(last.get(10, TimeUnit.SECONDS)).isEqualTo(2);
  }

  @Test
  void queuedChatsNeedACap() {
    assertThatThrownBy(() -> new ServerChoice(2, 0, 0, 1)).hasMessageContaining("need a cap");
  }

  @Test
  void aNegativeCapIsRefused() {
    assertThatThrownBy(() -> new ServerChoice(2, 0, -1)).hasMessageContaining("cap");
  }

  @Test
  void waitingChatsGetFreedSlotsLowestOrderFirstWhateverTheirArrival() throws Exception {
    ServerChoice choice = new ServerChoice(1, 0, 1);
    choice.acquire(-1, 0);
    List<Long> served = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (long order : new long[] {30, 10, 20}) {
      Thread t = new Thread(() -> {
        try {
          choice.acquire(-1, order);
          served.add(order);
          choice.release(0);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      t.start();
      threads.add(t);
      while (choice.waiting() < threads.size()) { // arrivals 30, 10, 20, in that order, while the slot is held
        Thread.sleep(5);
      }
    }

    choice.release(0);
    for (Thread t : threads) {
      t.join(10_000);
    }

    assertThat(served).containsExactly(10L, 20L, 30L);
  }

  @Test
  void aRetryWaitingForAnotherServerDoesNotKeepTheChatsBehindItFromAFreeServer() throws Exception {
    ServerChoice choice = new ServerChoice(2, 0, 1);
    assertThat(choice.acquire(-1)).isZero();
    assertThat(choice.acquire(-1)).isEqualTo(1);
    // A retry of a chat that failed on server 0 waits for server 1, first in line.
    CompletableFuture<Integer> retry = CompletableFuture.supplyAsync(() -> {
      try {
        return choice.acquire(0, 0);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    while (choice.waiting() < 1) {
      Thread.sleep(5);
    }
    CompletableFuture<Integer> behind = acquireAsync(choice, 1);

    choice.release(0);

    assertThat(behind.get(10, TimeUnit.SECONDS)).as("server 0 is free and a chat that may use it waits").isZero();
    assertThat(retry).isNotDone();
    choice.release(1);
    assertThat(retry.get(10, TimeUnit.SECONDS)).isEqualTo(1);
  }
}
