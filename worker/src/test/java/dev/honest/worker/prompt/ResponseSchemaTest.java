package dev.honest.worker.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.task.Action;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ResponseSchemaTest {

  @Test
  void anAnalyzeSchemaAsksForFindingsOnly() {
    ObjectNode schema = ResponseSchema.forAction(Action.ANALYZE);

    assertThat(schema.get("type").stringValue()).isEqualTo("object");
    assertThat(names(schema.get("properties"))).containsExactly("findings");
    assertThat(strings(schema.get("required"))).containsExactly("findings");
  }

  @Test
  void aFindingHasSixRequiredFieldsWithTypedLineAndSeverityEnum() {
    JsonNode finding = ResponseSchema.forAction(Action.ANALYZE).at("/properties/findings/items");

    assertThat(finding.at("/type").stringValue()).isEqualTo("object");
    assertThat(strings(finding.get("required")))
        .containsExactly("file", "line", "severity", "title", "detail", "suggestion");
    assertThat(finding.at("/properties/line/type").stringValue()).isEqualTo("integer");
    assertThat(finding.at("/properties/line/minimum").intValue()).isZero();
    assertThat(strings(finding.at("/properties/severity/enum")))
        .containsExactly("critical", "high", "medium", "low", "info");
    assertThat(finding.at("/properties/title/type").stringValue()).isEqualTo("string");
  }

  @Test
  void aFixSchemaAlsoRequiresSearchReplaceEdits() {
    ObjectNode schema = ResponseSchema.forAction(Action.FIX);

    assertThat(names(schema.get("properties"))).containsExactly("findings", "edits");
    assertThat(strings(schema.get("required"))).containsExactly("findings", "edits");
    JsonNode edit = schema.at("/properties/edits/items");
    assertThat(strings(edit.get("required"))).containsExactly("file", "search", "replace");
    assertThat(edit.at("/properties/search/type").stringValue()).isEqualTo("string");
  }

  @Test
  void eachCallReturnsAnIndependentObject() {
    ObjectNode first = ResponseSchema.forAction(Action.FIX);
    first.put("type", "changed");

    assertThat(ResponseSchema.forAction(Action.FIX).get("type").stringValue()).isEqualTo("object");
  }

  private static List<String> names(JsonNode object) {
    return new ArrayList<>(object.propertyNames());
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.stringValue()));
    return values;
  }
}
