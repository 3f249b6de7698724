package dev.honest.worker.edit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Lowercase hex digests. Stand-in until {@code dev.honest.common.hash.Hashes} exists. */
final class Digests {
  private Digests() {}

  static String md5(byte[] bytes) {
    return hex("MD5", bytes);
  }

  static String sha256(byte[] bytes) {
    return hex("SHA-256", bytes);
  }

  private static String hex(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide MD5 and SHA-256 (MessageDigest Javadoc).
      throw new IllegalStateException(algorithm + " is not available", e);
    }
  }
}
