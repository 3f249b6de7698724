package dev.honest.common.proof;

import dev.honest.common.json.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An in-toto Statement v1: what was attested ({@code subject}) and the claim about it
 * ({@code predicate}, whose schema {@code predicateType} names).
 *
 * <p>JSON shape, exactly these members (anything else is rejected on reading, so that what a
 * reader sees is all the signature covers):
 * <pre>{@code
 * {"_type": "https://in-toto.io/Statement/v1",
 *  "subject": [{"name": "...", "digest": {"sha256": "<64 lowercase hex>", ...}}, ...],
 *  "predicateType": "<absolute URI>",
 *  "predicate": {...}}
 * }</pre>
 *
 * @param subject at least one subject
 * @param predicateType an absolute URI naming the predicate's schema
 * @param predicate a JSON object (copied on the way in and out; the record stays immutable)
 */
public record Statement(List<Subject> subject, String predicateType, JsonNode predicate) {
  /** The value of {@code _type}. */
  public static final String TYPE = "https://in-toto.io/Statement/v1";

  private static final List<String> FIELDS = List.of("_type", "subject", "predicateType", "predicate");

  public Statement {
    if (subject == null || subject.isEmpty()) {
      throw new IllegalArgumentException("statement: at least one subject is required");
    }
    subject = List.copyOf(subject);
    requireAbsoluteUri(predicateType);
    if (predicate == null || !predicate.isObject()) {
      throw new IllegalArgumentException("statement: predicate must be a JSON object, got " + predicate);
    }
    predicate = predicate.deepCopy();
  }

  /** A copy of the predicate. */
  @Override
  public JsonNode predicate() {
    return predicate.deepCopy();
  }

  /** A copy of one member of the predicate, or null when it has none: cheaper than the whole. */
  public JsonNode predicateMember(String name) {
    JsonNode member = predicate.get(name);
    return member == null ? null : member.deepCopy();
  }

  /** The statement as JSON, members named as in-toto names them. */
  public ObjectNode toJson() {
    return json(predicate.deepCopy());
  }

  /** The RFC 8785 canonical bytes of {@link #toJson()}: the DSSE payload, and what chains and trees hash. */
  public byte[] canonicalBytes() {
    // Only read here, so the predicate needs no copy.
    return CanonicalJson.canonicalize(json(predicate));
  }

  private ObjectNode json(JsonNode predicateNode) {
    ObjectNode json = Json.mapper().createObjectNode();
    json.put("_type", TYPE);
    ArrayNode subjects = json.putArray("subject");
    for (Subject s : subject) {
      ObjectNode entry = subjects.addObject();
      entry.put("name", s.name());
      ObjectNode digest = entry.putObject("digest");
      s.digest().forEach(digest::put);
    }
    json.put("predicateType", predicateType);
    json.set("predicate", predicateNode);
    return json;
  }

  /** Reads a statement, strictly: exactly the in-toto members, each valid. */
  public static Statement fromJson(JsonNode json) {
    JsonFields.object(json, "statement", FIELDS);
    String type = JsonFields.string(json, "_type", "statement");
    if (!TYPE.equals(type)) {
      throw new IllegalArgumentException("statement: _type must be " + TYPE + ", got " + type);
    }
    JsonNode subjects = JsonFields.array(json, "subject", "statement");
    List<Subject> subject = new ArrayList<>();
    for (int i = 0; i < subjects.size(); i++) {
      subject.add(Subject.fromJson(subjects.get(i), "statement: subject[" + i + "]"));
    }
    return new Statement(subject, JsonFields.string(json, "predicateType", "statement"), json.get("predicate"));
  }

  /**
   * Reads a statement from signed payload bytes, which must be its canonical form byte for byte
   * (so duplicate members, extra whitespace or a second encoding of the same statement are
   * refused rather than silently normalised).
   */
  public static Statement fromCanonicalBytes(byte[] payload) {
    JsonNode json = tree(() -> Json.mapper().readTree(payload));
    Statement statement = fromJson(json);
    // fromJson took exactly the members a statement has, so the tree read is the statement's JSON.
    if (!Arrays.equals(CanonicalJson.canonicalize(json), payload)) {
      throw new IllegalArgumentException("statement: payload is not in RFC 8785 canonical form");
    }
    return statement;
  }

  /**
   * A statement read for its subjects, its predicate type and a few members of its predicate; the
   * rest of the predicate is skipped, not built.
   *
   * @param values the predicate's values at the paths asked for (a path names a member of the
   *     predicate, or a member of a member: {@code task.id}); a path the predicate does not hold, or
   *     that passes through something other than an object, has none
   */
  public record Excerpt(List<Subject> subject, String predicateType, Map<String, JsonNode> values) {
    public Excerpt {
      subject = List.copyOf(subject);
      values = Map.copyOf(values);
    }

    /** The value at {@code path}, or null when the predicate has none there. */
    public JsonNode value(String path) {
      return values.get(path);
    }
  }

  /**
   * Reads a statement from payload bytes as strictly as {@link #fromCanonicalBytes} reads its own
   * members, but keeps only the predicate's values at {@code paths} and does not check canonical
   * form: for a reader of many statements that uses little of each and hashes and authenticates the
   * bytes as they are (the launcher reads 10,000 when it aggregates a run). Building the whole
   * predicate, which repeats the record's inputs and calls, was most of what reading a statement
   * cost, and {@code verify} still reads each one whole.
   *
   * @param paths dotted paths into the predicate; a path's value is read whole. The predicate is not
   *     checked for members that appear twice (the last counts); the statement's own members are.
   */
  public static Excerpt excerpt(byte[] payload, Set<String> paths) {
    // Read as text, as a log's lines are: a reader of many statements then keeps one of Jackson's two
    // parsers hot, and the JIT compiles that one only. Bytes that are not UTF-8 are refused by
    // fromCanonicalBytes.
    try (JsonParser p = Json.mapper().createParser(new String(payload, StandardCharsets.UTF_8))) {
      requireStart(p, p.nextToken(), JsonToken.START_OBJECT, "statement");
      String type = null;
      String predicateType = null;
      List<Subject> subject = null;
      Map<String, JsonNode> values = null;
      Set<String> seen = new HashSet<>();
      for (String name = p.nextName(); name != null; name = p.nextName()) {
        JsonToken token = p.nextToken();
        if (!seen.add(name)) {
          throw new IllegalArgumentException("statement: field '" + name + "' appears twice");
        }
        switch (name) {
          case "_type" -> type = string(p, token, "statement", name);
          case "subject" -> subject = subjects(p, token);
          case "predicateType" -> predicateType = string(p, token, "statement", name);
          case "predicate" -> {
            requireStart(p, token, JsonToken.START_OBJECT, "statement: predicate");
            values = new HashMap<>();
            excerpt(p, "", paths, values);
          }
          default -> throw new IllegalArgumentException(
              "statement: unexpected field '" + name + "' (allowed: " + FIELDS + ")");
        }
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("statement: more after the statement's JSON object");
      }
      requireMember(type, "_type");
      requireMember(subject, "subject");
      requireMember(predicateType, "predicateType");
      requireMember(values, "predicate");
      if (!TYPE.equals(type)) {
        throw new IllegalArgumentException("statement: _type must be " + TYPE + ", got " + type);
      }
      if (subject.isEmpty()) {
        throw new IllegalArgumentException("statement: at least one subject is required");
      }
      requireAbsoluteUri(predicateType);
      return new Excerpt(subject, predicateType, values);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("statement: payload is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads the members of the object the parser is in, keeping the values at {@code paths}. */
  private static void excerpt(JsonParser p, String prefix, Set<String> paths, Map<String, JsonNode> values) {
    for (String name = p.nextName(); name != null; name = p.nextName()) {
      String path = prefix.isEmpty() ? name : prefix + name;
      JsonToken token = p.nextToken();
      if (paths.contains(path)) {
        values.put(path, Json.tree(p));
      } else if (token == JsonToken.START_OBJECT && anyBelow(paths, path)) {
        excerpt(p, path + ".", paths, values);
      } else {
        p.skipChildren();
      }
    }
  }

  private static boolean anyBelow(Set<String> paths, String path) {
    for (String wanted : paths) {
      if (wanted.length() > path.length() && wanted.startsWith(path) && wanted.charAt(path.length()) == '.') {
        return true;
      }
    }
    return false;
  }

  private static List<Subject> subjects(JsonParser p, JsonToken token) {
    requireStart(p, token, JsonToken.START_ARRAY, "statement: subject");
    List<Subject> subjects = new ArrayList<>();
    for (token = p.nextToken(); token != JsonToken.END_ARRAY; token = p.nextToken()) {
      String what = "statement: subject[" + subjects.size() + "]";
      requireStart(p, token, JsonToken.START_OBJECT, what);
      String name = null;
      Map<String, String> digest = null;
      for (String member = p.nextName(); member != null; member = p.nextName()) {
        JsonToken value = p.nextToken();
        if (member.equals("name")) {
          name = string(p, value, what, member);
        } else if (member.equals("digest")) {
          requireStart(p, value, JsonToken.START_OBJECT, what + ": digest");
          digest = new TreeMap<>();
          for (String algorithm = p.nextName(); algorithm != null; algorithm = p.nextName()) {
            digest.put(algorithm, string(p, p.nextToken(), what + ": digest", algorithm));
          }
        } else {
          throw new IllegalArgumentException(what + ": unexpected field '" + member + "' (allowed: "
              + Subject.FIELDS + ")");
        }
      }
      if (name == null || digest == null) {
        throw new IllegalArgumentException(what + ": missing field '" + (name == null ? "name" : "digest") + "'");
      }
      subjects.add(new Subject(name, digest));
    }
    return subjects;
  }

  private static void requireStart(JsonParser p, JsonToken token, JsonToken expected, String what) {
    if (token != expected) {
      throw new IllegalArgumentException(what + " must be a JSON " + (expected == JsonToken.START_OBJECT ? "object" : "array")
          + ", got " + kind(p, token));
    }
  }

  private static String string(JsonParser p, JsonToken token, String what, String field) {
    if (token != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException(what + ": '" + field + "' must be a string, got " + kind(p, token));
    }
    return p.getString();
  }

  private static String kind(JsonParser p, JsonToken token) {
    return token == null ? "nothing" : token.isStructStart() ? (token == JsonToken.START_OBJECT ? "object" : "array")
        : token.isNumeric() ? "number" : token == JsonToken.VALUE_STRING ? "string"
        : token == JsonToken.VALUE_NULL ? "null" : token.isBoolean() ? "boolean" : p.getString();
  }

  private static void requireMember(Object value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("statement: missing field '" + field + "'");
    }
  }

  private static JsonNode tree(Supplier<JsonNode> read) {
    try {
      return read.get();
    } catch (JacksonException e) {
      throw new IllegalArgumentException("statement: payload is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static void requireAbsoluteUri(String predicateType) {
    if (predicateType == null || predicateType.isBlank()) {
      throw new IllegalArgumentException("statement: predicateType must be a URI, got " + predicateType);
    }
    try {
      if (!new URI(predicateType).isAbsolute()) {
        throw new IllegalArgumentException("statement: predicateType must be an absolute URI, got " + predicateType);
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("statement: predicateType is not a URI: " + e.getMessage(), e);
    }
  }

  /**
   * One attested artifact.
   *
   * @param name what the artifact is (a path, a task id, ...)
   * @param digest algorithm name to lowercase hex digest; must hold {@code sha256} (64 hex digits)
   */
  public record Subject(String name, Map<String, String> digest) {
    public static final String SHA256 = "sha256";

    private static final List<String> FIELDS = List.of("name", "digest");

    public Subject {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("subject: name must not be blank");
      }
      if (digest == null || !digest.containsKey(SHA256)) {
        throw new IllegalArgumentException("subject " + name + ": digest must hold a sha256");
      }
      digest.forEach((algorithm, value) -> {
        if (algorithm == null || algorithm.isBlank() || value == null || !isLowerHex(value)) {
          throw new IllegalArgumentException(
              "subject " + name + ": digest " + algorithm + " must be lowercase hex, got " + value);
        }
      });
      String sha256 = digest.get(SHA256);
      if (sha256.length() != 64) {
        throw new IllegalArgumentException(
            "subject " + name + ": sha256 must be 64 lowercase hex digits, got " + sha256);
      }
      // Sorted, so that the JSON form does not depend on how the map was built.
      digest = Collections.unmodifiableMap(new TreeMap<>(digest));
    }

    /** A subject identified by its SHA-256 alone. */
    public static Subject sha256(String name, String sha256Hex) {
      return new Subject(name, Map.of(SHA256, sha256Hex));
    }

    /**
     * Whether this is the subject {@link #sha256} makes of these: {@code name}, identified by this
     * SHA-256 alone. It answers what {@code equals(Subject.sha256(name, sha256Hex))} answers for a
     * valid digest, without making a subject (a launcher asks it of every task's statement).
     */
    public boolean is(String name, String sha256Hex) {
      return this.name.equals(name) && digest.size() == 1 && digest.get(SHA256).equals(sha256Hex);
    }

    static Subject fromJson(JsonNode json, String what) {
      JsonFields.object(json, what, FIELDS);
      JsonNode digests = json.get("digest");
      if (!digests.isObject()) {
        throw new IllegalArgumentException(what + ": 'digest' must be an object of algorithm to hex digest");
      }
      Map<String, String> digest = new TreeMap<>();
      for (String algorithm : digests.propertyNames()) {
        digest.put(algorithm, JsonFields.string(digests, algorithm, what + ": digest"));
      }
      return new Subject(JsonFields.string(json, "name", what), digest);
    }

    private static boolean isLowerHex(String value) {
      return !value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    }
  }
}
