package dev.honest.worker.prompt;

import dev.honest.common.json.Json;
import dev.honest.common.task.Action;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON Schema sent in Ollama's {@code format} so the model's answer is constrained to our shape:
 * {@code {"findings":[{file, line, severity, title, detail, suggestion}]}}, plus
 * {@code "edits":[{file, search, replace}]} for {@code fix} tasks. {@link AnswerParser} checks the
 * same rules again, because a schema constrains decoding but proves nothing about the result.
 */
public final class ResponseSchema {
  /** Allowed severities, most severe first, as the model must write them (lower case). */
  public static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low", "info");

  private ResponseSchema() {}

  /** A fresh schema object for the action (callers may embed or modify it). */
  public static ObjectNode forAction(Action action) {
    ObjectNode schema = object();
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = schema.putArray("required").add("findings");
    properties.set("findings", arrayOf(finding()));
    if (action == Action.FIX) {
      properties.set("edits", arrayOf(edit()));
      required.add("edits");
    }
    return schema;
  }

  private static ObjectNode finding() {
    ObjectNode finding = object();
    ObjectNode p = finding.putObject("properties");
    p.set("file", type("string"));
    p.set("line", type("integer").put("minimum", 0));
    ObjectNode severity = type("string");
    ArrayNode values = severity.putArray("enum");
    SEVERITIES.forEach(values::add);
    p.set("severity", severity);
    p.set("title", type("string"));
    p.set("detail", type("string"));
    p.set("suggestion", type("string"));
    finding.putArray("required").add("file").add("line").add("severity").add("title").add("detail").add("suggestion");
    return finding;
  }

  private static ObjectNode edit() {
    ObjectNode edit = object();
    ObjectNode p = edit.putObject("properties");
    p.set("file", type("string"));
    p.set("search", type("string"));
    p.set("replace", type("string"));
    edit.putArray("required").add("file").add("search").add("replace");
    return edit;
  }

  private static ObjectNode object() {
    return type("object");
  }

  private static ObjectNode arrayOf(ObjectNode items) {
    ObjectNode array = type("array");
    array.set("items", items);
    return array;
  }

  private static ObjectNode type(String name) {
    return Json.mapper().createObjectNode().put("type", name);
  }
}
