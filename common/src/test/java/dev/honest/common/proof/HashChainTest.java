package dev.honest.common.proof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class HashChainTest {
  @Test
  void theFirstStatementNamesSixtyFourZeros() {
    HashChain chain = new HashChain();

    assertThat(chain.head()).isEqualTo(HashChain.GENESIS).isEqualTo("0".repeat(64));
    byte[] first = chain.append(previous -> statement(previous, 0));

    assertThat(previousOf(first)).isEqualTo(HashChain.GENESIS);
    assertThat(chain.head()).isEqualTo(HashChain.hash(first));
  }

  @Test
  void eachStatementNamesTheSha256OfTheCanonicalBytesBeforeIt() {
    List<byte[]> statements = chainOf(4);

    assertThat(previousOf(statements.get(2))).isEqualTo(CanonicalJson.sha256Hex(Json.mapper().readTree(statements.get(1))));
    assertThat(HashChain.verify(statements, HashChainTest::previousOf)).isEmpty();
  }

  @Test
  void aDroppedStatementBreaksTheChainWhereItWas() {
    List<byte[]> statements = chainOf(5);

    List<byte[]> withoutSecond = new ArrayList<>(statements);
    withoutSecond.remove(2);
    List<byte[]> withoutFirst = statements.subList(1, 5);

    assertThat(HashChain.verify(withoutSecond, HashChainTest::previousOf)).isEqualTo(OptionalInt.of(2));
    assertThat(HashChain.verify(withoutFirst, HashChainTest::previousOf)).isEqualTo(OptionalInt.of(0));
  }

  @Test
  void hashesTheCallerKnowsAlreadyAreUsedInsteadOfComputedAgain() {
    List<byte[]> statements = new ArrayList<>(chainOf(4));
    Map<byte[], String> known = new IdentityHashMap<>();
    statements.forEach(st -> known.put(st, HashChain.hash(st)));

    assertThat(HashChain.verify(statements, HashChainTest::previousOf, known::get)).isEmpty();
    // A wrong known hash is taken as given: the statement after it no longer follows.
    known.put(statements.get(1), HashChain.GENESIS);
    assertThat(HashChain.verify(statements, HashChainTest::previousOf, known::get)).isEqualTo(OptionalInt.of(2));
  }

  @Test
  void reorderedStatementsBreakTheChain() {
    List<byte[]> statements = new ArrayList<>(chainOf(5));
    Collections.swap(statements, 2, 3);

    assertThat(HashChain.verify(statements, HashChainTest::previousOf)).isEqualTo(OptionalInt.of(2));
  }

  @Test
  void aRepeatedStatementBreaksTheChain() {
    List<byte[]> statements = new ArrayList<>(chainOf(4));
    statements.add(2, statements.get(1));

    assertThat(HashChain.verify(statements, HashChainTest::previousOf)).isEqualTo(OptionalInt.of(2));
  }

  @Test
  void aChangedStatementBreaksTheLinkAfterIt() {
    List<byte[]> statements = new ArrayList<>(chainOf(4));
    ObjectNode changed = (ObjectNode) Json.mapper().readTree(statements.get(1));
    changed.put("n", 99);
    statements.set(1, CanonicalJson.canonicalize(changed));

    assertThat(HashChain.verify(statements, HashChainTest::previousOf)).isEqualTo(OptionalInt.of(2));
  }

  @Test
  void aStatementNamingNoPreviousBreaksTheChain() {
    List<byte[]> statements = chainOf(3);

    assertThat(HashChain.verify(statements, s -> s == statements.get(1) ? null : previousOf(s))).isEqualTo(OptionalInt.of(1));
  }

  @Test
  void concurrentAppendsStillFormOneChain() {
    HashChain chain = new HashChain();
    List<byte[]> appended = new ArrayList<>();

    // The builder runs inside the chain's lock, so recording there keeps the chain's order.
    IntStream.range(0, 200).parallel().forEach(i -> chain.append(previous -> {
      byte[] statement = statement(previous, i);
      appended.add(statement);
      return statement;
    }));

    assertThat(appended).hasSize(200);
    assertThat(HashChain.verify(appended, HashChainTest::previousOf)).isEmpty();
    assertThat(chain.head()).isEqualTo(HashChain.hash(appended.get(199)));
  }

  @Test
  void anEmptyChainHolds() {
    assertThat(HashChain.verify(List.of(), HashChainTest::previousOf)).isEmpty();
  }

  private static List<byte[]> chainOf(int count) {
    HashChain chain = new HashChain();
    List<byte[]> statements = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      statements.add(chain.append(previous -> statement(previous, n)));
    }
    return statements;
  }

  private static byte[] statement(String previous, int n) {
    return CanonicalJson.canonicalize(Json.mapper().createObjectNode().put("previous", previous).put("n", n));
  }

  private static String previousOf(byte[] statement) {
    JsonNode previous = Json.mapper().readTree(statement).get("previous");
    return previous == null ? null : previous.stringValue();
  }
}
