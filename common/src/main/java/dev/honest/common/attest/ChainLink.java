package dev.honest.common.attest;

import dev.honest.common.proof.HashChain;

/**
 * Where a statement sits in its worker's chain.
 *
 * @param sequence 0 for the first statement of a worker process (a pod), then 1, 2, ...
 * @param previous lowercase hex SHA-256 of the canonical bytes of the statement before it
 *     ({@link HashChain#GENESIS}, 64 zeros, for the first)
 */
public record ChainLink(long sequence, String previous) {
  public ChainLink {
    if (sequence < 0) {
      throw new IllegalArgumentException("chain.sequence must not be negative, got " + sequence);
    }
    // No regular expression: this runs for every statement the launcher reads.
    if (previous == null || previous.length() != 64
        || !previous.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
      throw new IllegalArgumentException("chain.previous must be 64 lowercase hex digits, got " + previous);
    }
    if (sequence == 0 != previous.equals(HashChain.GENESIS)) {
      throw new IllegalArgumentException("chain: the first statement (sequence 0), and only it, names "
          + "the genesis hash; got sequence " + sequence + " with previous " + previous);
    }
  }
}
