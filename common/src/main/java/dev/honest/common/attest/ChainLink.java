package dev.honest.common.attest;

import dev.honest.common.proof.HashChain;
import java.util.regex.Pattern;

/**
 * Where a statement sits in its worker's chain.
 *
 * @param sequence 0 for the first statement of a worker process (a pod), then 1, 2, ...
 * @param previous lowercase hex SHA-256 of the canonical bytes of the statement before it
 *     ({@link HashChain#GENESIS}, 64 zeros, for the first)
 */
public record ChainLink(long sequence, String previous) {
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public ChainLink {
    if (sequence < 0) {
      throw new IllegalArgumentException("chain.sequence must not be negative, got " + sequence);
    }
    if (previous == null || !SHA256_HEX.matcher(previous).matches()) {
      throw new IllegalArgumentException("chain.previous must be 64 lowercase hex digits, got " + previous);
    }
    if (sequence == 0 != previous.equals(HashChain.GENESIS)) {
      throw new IllegalArgumentException("chain: the first statement (sequence 0), and only it, names "
          + "the genesis hash; got sequence " + sequence + " with previous " + previous);
    }
  }
}
