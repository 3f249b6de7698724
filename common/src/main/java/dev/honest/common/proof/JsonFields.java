package dev.honest.common.proof;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * Strict reading of the small JSON objects of this package: exactly the expected members, each of
 * the expected kind, or an {@link IllegalArgumentException} naming the object and the member.
 */
final class JsonFields {
  private JsonFields() {}

  /** Checks that {@code node} is an object with exactly {@code fields}; returns it. */
  static JsonNode object(JsonNode node, String what, List<String> fields) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(what + " must be a JSON object, got " + kind(node));
    }
    for (String field : fields) {
      if (!node.has(field)) {
        throw new IllegalArgumentException(what + ": missing field '" + field + "'");
      }
    }
    for (String name : node.propertyNames()) {
      if (!fields.contains(name)) {
        throw new IllegalArgumentException(what + ": unexpected field '" + name + "' (allowed: " + fields + ")");
      }
    }
    return node;
  }

  static String string(JsonNode object, String field, String what) {
    JsonNode value = object.get(field);
    if (!value.isString()) {
      throw new IllegalArgumentException(what + ": '" + field + "' must be a string, got " + kind(value));
    }
    return value.stringValue();
  }

  /** Standard or URL-safe base64, padded or not, as DSSE readers must accept. */
  static byte[] base64(JsonNode object, String field, String what) {
    String text = string(object, field, what);
    try {
      try {
        return Base64.getDecoder().decode(text);
      } catch (IllegalArgumentException standard) {
        // Only URL-safe base64 has these; it is looked for when the standard decoder refuses.
        if (text.indexOf('-') < 0 && text.indexOf('_') < 0) {
          throw standard;
        }
        return Base64.getUrlDecoder().decode(text);
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": '" + field + "' is not valid base64: " + e.getMessage(), e);
    }
  }

  static JsonNode array(JsonNode object, String field, String what) {
    JsonNode value = object.get(field);
    if (!value.isArray()) {
      throw new IllegalArgumentException(what + ": '" + field + "' must be an array, got " + kind(value));
    }
    return value;
  }

  private static String kind(JsonNode node) {
    return node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT);
  }
}
