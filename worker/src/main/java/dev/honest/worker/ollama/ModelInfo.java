package dev.honest.worker.ollama;

import java.util.Locale;

/**
 * A model as {@code GET /api/tags} lists it.
 *
 * @param name the listed name with its tag, e.g. {@code codellama:7b}
 * @param digest the manifest digest, 64 lowercase hex digits without the {@code sha256:} prefix
 * @param size size in bytes
 */
public record ModelInfo(String name, String digest, long size) {

  public ModelInfo {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("model name must not be blank");
    }
    if (digest == null || !digest.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("digest of " + name + " must be 64 lowercase hex digits, got " + digest);
    }
    if (size < 0) {
      throw new IllegalArgumentException("size of " + name + " must not be negative, got " + size);
    }
  }

  /**
   * The form Ollama compares names in: a name without a tag means {@code :latest} ({@code codellama} is
   * {@code codellama:latest}), and case does not matter. A colon before the last {@code /} belongs to a
   * registry port, not to a tag.
   */
  static String canonicalName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.indexOf(':', lower.lastIndexOf('/') + 1) >= 0 ? lower : lower + ":latest";
  }
}
