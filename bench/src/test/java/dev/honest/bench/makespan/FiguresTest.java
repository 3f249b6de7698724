package dev.honest.bench.makespan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.bench.standin.Replica;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FiguresTest {
  private static final long S = 1_000_000_000L;
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);
  private static final String C = "c".repeat(64);

  private static Replica.Chat chat(long startS, long seconds, String requestSha256) {
    return new Replica.Chat(1, startS * S, startS * S, (startS + seconds) * S, 100, 10, requestSha256);
  }

  @Test
  void aChatOfATaskRunTwiceIsLeftOutOfTheBoundAsWorkTheRunDidNotNeed() {
    // Task A's chat was served twice (two workers ran it), but the results hold one call for it.
    List<Replica.Chat> chats = List.of(chat(0, 2, A), chat(0, 3, B), chat(3, 2, A));

    Figures.Needed needed = Figures.needed(chats, Map.of(A, 1L, B, 1L));

    assertThat(needed.serviceNanos()).isEqualTo(5 * S);
    assertThat(needed.longestNanos()).isEqualTo(3 * S);
    assertThat(needed.unrecordedChats()).isEqualTo(1);
    assertThat(needed.unrecordedNanos()).isEqualTo(2 * S);
  }

  @Test
  void everyAttemptTheResultsRecordCountsAndWithoutResultsEveryChatDoes() {
    // A retried chat sends the same bytes again: both attempts are calls in the results.
    List<Replica.Chat> chats = List.of(chat(0, 1, A), chat(2, 1, A), chat(0, 4, C));

    assertThat(Figures.needed(chats, Map.of(A, 2L, C, 1L)))
        .isEqualTo(new Figures.Needed(6 * S, 4 * S, 0, 0));
    assertThat(Figures.needed(chats, null)).isEqualTo(new Figures.Needed(6 * S, 4 * S, 0, 0));
  }
}
