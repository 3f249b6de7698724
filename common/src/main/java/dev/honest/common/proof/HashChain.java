package dev.honest.common.proof;

import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * A hash chain of statements, one per worker: each statement names the {@link #hash} of the
 * canonical bytes of the statement before it, the first one names {@link #GENESIS}. Removing,
 * inserting, repeating or reordering a statement breaks the link after it.
 *
 * <p>A chain alone cannot show that its tail was cut off; the number of statements or the hash of
 * the last one ({@link #head()}) must be recorded elsewhere (e.g. in the run's Merkle tree).
 *
 * <p>An instance is the producer's side: it hands out the previous hash and records the new
 * statement in one atomic step, so concurrent tasks still form a single line.
 */
public final class HashChain {
  /** The "previous" of the first statement: 64 zeros. */
  public static final String GENESIS = "0".repeat(64);

  private String head = GENESIS;

  /** Lowercase hex SHA-256 of a statement's canonical bytes: what the next statement names. */
  public static String hash(byte[] canonicalStatement) {
    return DigestUtils.sha256Hex(canonicalStatement);
  }

  /**
   * Builds the next statement from the current head and makes it the new head.
   *
   * @param next given the hash the statement must name as previous, returns its canonical bytes
   * @return those bytes
   */
  public synchronized byte[] append(Function<String, byte[]> next) {
    byte[] statement = next.apply(head);
    head = hash(statement);
    return statement;
  }

  /** The hash of the last appended statement, {@link #GENESIS} before the first. */
  public synchronized String head() {
    return head;
  }

  /**
   * Checks a chain in order.
   *
   * @param canonicalStatements the statements' canonical bytes, in chain order
   * @param previousOf reads the previous hash a statement names (null when it names none)
   * @return the index of the first statement whose previous hash is not the hash of the one
   *     before it (of {@link #GENESIS} for the first); empty when the chain holds
   */
  public static OptionalInt verify(List<byte[]> canonicalStatements, Function<byte[], String> previousOf) {
    return verify(canonicalStatements, previousOf, HashChain::hash);
  }

  /**
   * As {@link #verify(List, Function)}, with each statement's {@link #hash} already known to the
   * caller ({@code hashOf}), so that it is not computed again.
   */
  public static OptionalInt verify(List<byte[]> canonicalStatements, Function<byte[], String> previousOf,
      Function<byte[], String> hashOf) {
    String expected = GENESIS;
    for (int i = 0; i < canonicalStatements.size(); i++) {
      byte[] statement = canonicalStatements.get(i);
      if (!expected.equals(previousOf.apply(statement))) {
        return OptionalInt.of(i);
      }
      expected = hashOf.apply(statement);
    }
    return OptionalInt.empty();
  }
}
