package dev.honest.worker.ollama;

import static dev.honest.worker.ollama.OllamaException.INVALID_RESPONSE;
import static dev.honest.worker.ollama.OllamaException.MODEL_MISMATCH;
import static dev.honest.worker.ollama.OllamaException.STREAM_ERROR;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.honest.common.json.Json;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/** Reads Ollama's response bodies: chat answers (NDJSON or one object), error bodies, model lists. */
final class ResponseParser {
  private static final ObjectReader JSON =
      Json.mapper().readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final int SNIPPET_CHARS = 200;

  private ResponseParser() {}

  /** What a chat body said. Metrics Ollama left out (it omits zeros) are 0. */
  record ParsedReply(
      String content, String doneReason, long promptTokens, long completionTokens, long totalDurationNs) {}

  /** A 200 body that is not a usable answer. */
  static final class BadBody extends Exception {
    private final String errorClass;

    private final ParsedReply reported;

    BadBody(String errorClass, String message) {
      this(errorClass, message, null);
    }

    BadBody(String errorClass, String message, ParsedReply reported) {
      super(message);
      this.errorClass = errorClass;
      this.reported = reported;
    }

    String errorClass() {
      return errorClass;
    }

    /** What a whole answer that is refused said (its token counts and duration, for the record), or null. */
    ParsedReply reported() {
      return reported;
    }
  }

  /**
   * Assembles {@code message.content} from every object of a chat body and takes the metrics from the
   * {@code done:true} object. A streamed body is split into lines; a non-streamed one is a single object.
   * Ollama names the model asked in every object it sends, so an object naming another one
   * ({@link ModelInfo#canonicalName} compared) is an answer from another model, refused as
   * {@code model_mismatch}; an object without a {@code model} is taken. A reply whose {@code done_reason}
   * is {@code load} or {@code unload} (Ollama only loaded or unloaded the model) is no answer: it is
   * refused as {@code invalid_response}.
   *
   * @param model the model the chat asked
   */
  static ParsedReply chat(byte[] body, boolean streamed, String model) throws BadBody {
    StringBuilder content = new StringBuilder();
    JsonNode last = null;
    String mismatch = null;
    int lineNumber = 0;
    int start = 0;
    while (start < body.length && last == null) {
      int end = streamed ? indexOf(body, (byte) '\n', start) : body.length;
      lineNumber++;
      JsonNode line;
      try {
        line = parseLine(body, start, end, lineNumber);
      } catch (BadBody e) {
        throw mismatch == null ? e : new BadBody(MODEL_MISMATCH, mismatch);
      }
      start = end + 1;
      if (line == null) {
        continue;
      }
      JsonNode error = line.get("error");
      if (error != null) {
        // Ollama writes this line when generation fails after the 200 status went out.
        throw new BadBody(STREAM_ERROR, "the answer carries an error: "
            + oneLine(error.stringValue(error.toString())));
      }
      JsonNode named = line.get("model");
      if (mismatch == null && named != null && named.isString()
          && !ModelInfo.canonicalName(named.stringValue()).equals(ModelInfo.canonicalName(model))) {
        // Refused once read to its done line, whose token counts (spent on the server) the record keeps.
        mismatch = "the answer is from model " + oneLine(named.stringValue()) + ", not from " + model
            + " that was asked";
      }
      content.append(line.path("message").path("content").stringValue(""));
      if (line.path("done").asBoolean(false)) {
        last = line;
      }
    }
    if (last == null) {
      throw mismatch != null ? new BadBody(MODEL_MISMATCH, mismatch)
          : new BadBody(STREAM_ERROR, "the answer ended without done:true after " + lineNumber + " line(s)");
    }
    String doneReason = last.path("done_reason").stringValue(null);
    ParsedReply reply = new ParsedReply(
        content.toString(),
        doneReason,
        last.path("prompt_eval_count").longValue(0),
        last.path("eval_count").longValue(0),
        last.path("total_duration").longValue(0));
    if (mismatch != null) {
      throw new BadBody(MODEL_MISMATCH, mismatch, reply);
    }
    if ("load".equals(doneReason) || "unload".equals(doneReason)) {
      // Ollama's reply to a chat without messages: the model was loaded (or unloaded), nothing was generated.
      throw new BadBody(INVALID_RESPONSE, "the answer is a reply with done_reason " + doneReason
          + ": Ollama " + doneReason + "ed the model and generated nothing", reply);
    }
    return reply;
  }

  /** The models of a {@code /api/tags} body, keyed by {@link ModelInfo#canonicalName}. */
  static Map<String, ModelInfo> models(byte[] body) throws BadBody {
    JsonNode models = parseLine(body, 0, body.length, 1);
    models = models == null ? null : models.get("models");
    // Go encodes an empty list as null.
    if (models == null || !(models.isArray() || models.isNull())) {
      throw new BadBody(INVALID_RESPONSE, "the /api/tags answer has no models list");
    }
    Map<String, ModelInfo> byName = new HashMap<>();
    for (JsonNode model : models) {
      try {
        ModelInfo info = new ModelInfo(
            model.path("name").stringValue(null),
            model.path("digest").stringValue(null),
            model.path("size").longValue(-1));
        byName.put(ModelInfo.canonicalName(info.name()), info);
      } catch (IllegalArgumentException e) {
        throw new BadBody(INVALID_RESPONSE, "the /api/tags answer lists a bad model: " + e.getMessage());
      }
    }
    return byName;
  }

  /** The server's {@code error} text, or else the start of the body, on one line. */
  static String errorText(byte[] body) {
    if (body == null || body.length == 0) {
      return "(empty body)";
    }
    try {
      String error = JSON.readTree(body).path("error").stringValue(null);
      if (error != null) {
        return oneLine(error);
      }
    } catch (JacksonException notJson) {
      // Not Ollama's {"error": ...} shape: show what came instead.
    }
    String text = new String(body, UTF_8).strip().replaceAll("\\s+", " ");
    if (text.length() <= SNIPPET_CHARS) {
      return text;
    }
    // Cut before a character, never inside one: half a surrogate pair could not go into a record.
    int end = Character.isHighSurrogate(text.charAt(SNIPPET_CHARS - 1)) ? SNIPPET_CHARS - 1 : SNIPPET_CHARS;
    return text.substring(0, end) + "...";
  }

  /**
   * The server's text as whole characters: JSON may escape half of a surrogate pair alone, and a
   * record (canonical JSON) cannot hold that. Encoding to UTF-8 writes such a half as {@code ?}.
   */
  static String wholeCharacters(String text) {
    return new String(text.getBytes(UTF_8), UTF_8);
  }

  /**
   * The server's text on one line, in whole characters: Ollama quotes its runner's stderr in an
   * error, several lines at times (a CUDA error and where it happened). Each line break, with the
   * blanks around it, becomes one space; the rest of the text is kept as it is.
   */
  static String oneLine(String text) {
    return wholeCharacters(text).strip().replaceAll("\\s*[\\r\\n\\u2028\\u2029\\u0085]+\\s*", " ");
  }

  /** The JSON object in {@code body[start, end)}, or null for a blank line. */
  private static JsonNode parseLine(byte[] body, int start, int end, int lineNumber) throws BadBody {
    JsonNode node;
    try {
      node = JSON.readTree(body, start, end - start);
    } catch (JacksonException e) {
      throw new BadBody(INVALID_RESPONSE, "line " + lineNumber + " is not JSON: " + e.getOriginalMessage());
    }
    if (node.isMissingNode()) {
      return null;
    }
    if (!node.isObject()) {
      throw new BadBody(INVALID_RESPONSE, "line " + lineNumber + " is not a JSON object but " + node.getNodeType());
    }
    return node;
  }

  private static int indexOf(byte[] bytes, byte wanted, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return bytes.length;
  }
}
