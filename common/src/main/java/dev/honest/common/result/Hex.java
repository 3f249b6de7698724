package dev.honest.common.result;

/** Validation of hex digests inside records. */
final class Hex {
  private Hex() {}

  static void require(String field, String value, int length) {
    if (value == null || value.length() != length || !value.chars().allMatch(Hex::isLowerHex)) {
      throw new IllegalArgumentException(field + " must be " + length + " lowercase hex digits, got " + value);
    }
  }

  static void optional(String field, String value, int length) {
    if (value != null) {
      require(field, value, length);
    }
  }

  private static boolean isLowerHex(int c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
  }
}
