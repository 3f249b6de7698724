package dev.honest.worker.prompt;

import dev.honest.common.json.Json;
import dev.honest.common.result.Finding;
import dev.honest.common.task.Action;
import dev.honest.common.task.TaskSpec;
import dev.honest.worker.edit.Edit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Parses the model's {@code message.content} (a string holding JSON) and validates it against
 * {@link ResponseSchema}: required fields and their types, the severity enum (any case, normalised
 * to lower case), {@code line} a non-negative integer, every {@code file} one of the task's
 * files (or empty, for findings only), and every string whole characters (no lone surrogate).
 * Unknown fields are ignored; {@code edits} in an {@code analyze} answer are ignored.
 */
public final class AnswerParser {
  private AnswerParser() {}

  /**
   * Validates one answer for a task.
   *
   * @throws InvalidAnswerException with a reason naming the offending path
   */
  public static Answer parse(String content, TaskSpec task) throws InvalidAnswerException {
    if (content == null || content.isBlank()) {
      throw new InvalidAnswerException("answer is empty");
    }
    requireWholeCharacters(content, "answer"); // before the parser, whose message would quote half a character
    JsonNode root;
    try {
      root = Json.mapper().readTree(content);
    } catch (JacksonException e) {
      throw new InvalidAnswerException("answer is not valid JSON: " + firstLine(e.getOriginalMessage()));
    }
    if (!root.isObject()) {
      throw invalid("$", "expected an object, got " + kind(root));
    }
    List<Finding> findings = new ArrayList<>();
    JsonNode items = array(root, "findings");
    for (int i = 0; i < items.size(); i++) {
      findings.add(finding(items.get(i), "findings[" + i + "]", task));
    }
    List<Edit> edits = new ArrayList<>();
    if (task.action() == Action.FIX) {
      JsonNode list = array(root, "edits");
      for (int i = 0; i < list.size(); i++) {
        edits.add(edit(list.get(i), "edits[" + i + "]", task));
      }
    }
    return new Answer(findings, edits);
  }

  private static Finding finding(JsonNode node, String path, TaskSpec task) throws InvalidAnswerException {
    requireObject(node, path);
    String file = string(node, "file", path);
    if (!file.isEmpty() && !task.files().contains(file)) {
      throw invalid(path + ".file", "\"" + file + "\" is not one of the task's files " + filesOf(task) + " nor empty");
    }
    JsonNode line = required(node, "line", path);
    if (!line.isIntegralNumber() || !line.canConvertToInt() || line.intValue() < 0) {
      throw invalid(path + ".line", "expected an integer >= 0, got " + shown(line));
    }
    String severity = string(node, "severity", path).strip().toLowerCase(Locale.ROOT);
    if (!ResponseSchema.SEVERITIES.contains(severity)) {
      throw invalid(path + ".severity", "expected one of " + String.join(", ", ResponseSchema.SEVERITIES)
          + ", got " + shown(node.get("severity")));
    }
    String title = string(node, "title", path);
    if (title.isBlank()) {
      throw invalid(path + ".title", "must not be blank");
    }
    return new Finding(file, line.intValue(), severity, title, string(node, "detail", path),
        string(node, "suggestion", path));
  }

  private static Edit edit(JsonNode node, String path, TaskSpec task) throws InvalidAnswerException {
    requireObject(node, path);
    String file = string(node, "file", path);
    if (!task.files().contains(file)) {
      throw invalid(path + ".file", "\"" + file + "\" is not one of the task's files " + filesOf(task));
    }
    String search = string(node, "search", path);
    if (search.isEmpty()) {
      throw invalid(path + ".search", "must not be empty");
    }
    return new Edit(file, search, string(node, "replace", path));
  }

  private static JsonNode array(JsonNode root, String field) throws InvalidAnswerException {
    JsonNode node = root.get(field);
    if (node == null) {
      throw invalid(field, "missing");
    }
    if (!node.isArray()) {
      throw invalid(field, "expected an array, got " + kind(node));
    }
    return node;
  }

  private static void requireObject(JsonNode node, String path) throws InvalidAnswerException {
    if (!node.isObject()) {
      throw invalid(path, "expected an object, got " + kind(node));
    }
  }

  private static JsonNode required(JsonNode parent, String field, String path) throws InvalidAnswerException {
    JsonNode node = parent.get(field);
    if (node == null) {
      throw invalid(path + "." + field, "missing");
    }
    return node;
  }

  private static String string(JsonNode parent, String field, String path) throws InvalidAnswerException {
    JsonNode node = required(parent, field, path);
    if (!node.isString()) {
      throw invalid(path + "." + field, "expected a string, got " + kind(node));
    }
    // Valid JSON may escape half of an emoji's pair alone; such a string is not text, and no record could hold it.
    String value = node.stringValue();
    requireWholeCharacters(value, path + "." + field);
    return value;
  }

  /** Refuses {@code text} when it holds a surrogate that is not half of a pair. */
  private static void requireWholeCharacters(String text, String path) throws InvalidAnswerException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw invalid(path, String.format(Locale.ROOT,
            "holds half a character, the lone surrogate \\u%04x at index %d; write whole characters", (int) c, i));
      }
    }
  }

  private static String filesOf(TaskSpec task) {
    return task.files().isEmpty() ? "(none)" : "(" + String.join(", ", task.files()) + ")";
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /** The offending value as compact JSON, cut so the reason stays one short line (never inside a character). */
  private static String shown(JsonNode node) {
    String json = Json.mapper().writeValueAsString(node);
    if (json.length() <= 60) {
      return json;
    }
    int end = Character.isHighSurrogate(json.charAt(59)) ? 59 : 60;
    return json.substring(0, end) + "...";
  }

  private static String firstLine(String message) {
    String text = message == null ? "" : message.strip();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  private static InvalidAnswerException invalid(String path, String reason) {
    return new InvalidAnswerException(path + ": " + reason);
  }
}
