package dev.honest.launcher.render;

import java.util.Map;

/**
 * Conservative size accounting for ConfigMaps. The API server rejects a ConfigMap whose data and
 * binaryData exceed 1 MiB. The count here is never below that, nor below the ConfigMap's JSON or
 * YAML as fabric8 writes it: a text value counts as its JSON string (escapes included) plus the
 * indentation YAML adds to each line of a literal block plus the line folding of a double-quoted
 * YAML string; a binary value counts as its base64 text; a fixed reserve covers the metadata.
 */
final class ConfigMapSize {
  /** The API server's limit on a ConfigMap. */
  static final long LIMIT = 1024 * 1024;
  /** Room kept for apiVersion, kind, name, namespace, labels and punctuation. */
  static final long METADATA_RESERVE = 16 * 1024;
  /** What the data of one ConfigMap may use. */
  static final long DATA_BUDGET = LIMIT - METADATA_RESERVE;
  /** Per entry: the key's quotes, colon, comma and indentation. */
  private static final long ENTRY_OVERHEAD = 16;

  private ConfigMapSize() {}

  static long textEntry(String key, String value) {
    return entry(key, textValue(value));
  }

  /** An entry of {@code key} and a value of {@code valueSize} ({@link #textValue} or {@link #binaryValue}). */
  static long entry(String key, long valueSize) {
    return ENTRY_OVERHEAD + key.length() + valueSize;
  }

  static long textValue(String value) {
    return serializedLength(value);
  }

  /** A binaryData value: its base64 text. */
  static long binaryValue(int bytes) {
    return 4L * ((bytes + 2) / 3);
  }

  static long textEntries(Map<String, String> data) {
    return data.entrySet().stream().mapToLong(e -> textEntry(e.getKey(), e.getValue())).sum();
  }

  /**
   * An upper bound of the bytes of {@code s} as a JSON string and as a YAML value: UTF-8, escapes
   * counted as JSON writes them (a surrogate pair counts 6 for 4 sent), plus 4 bytes of YAML
   * indentation per line, plus 8 bytes per 64 for YAML's folding of long double-quoted strings.
   */
  private static long serializedLength(String s) {
    long n = 2;
    long lines = 1;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        lines++;
      }
      if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t') {
        n += 2;
      } else if (c < 0x20) {
        n += 6;
      } else if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else {
        n += 3;
      }
    }
    return n + 4 * lines + n / 64 * 8;
  }
}
