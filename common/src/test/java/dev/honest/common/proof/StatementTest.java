package dev.honest.common.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class StatementTest {
  static final String SHA = "a".repeat(64);
  static final String PREDICATE_TYPE = "https://honest.dev/task-result/v1";

  static Statement statement() {
    ObjectNode predicate = Json.mapper().createObjectNode();
    predicate.put("task", "T-001").put("status", "completed");
    return new Statement(List.of(Statement.Subject.sha256("T-001/findings.json", SHA)), PREDICATE_TYPE, predicate);
  }

  @Test
  void theJsonFormHasExactlyTheInTotoMemberNames() {
    assertThat(new String(statement().canonicalBytes(), StandardCharsets.UTF_8)).isEqualTo(
        "{\"_type\":\"https://in-toto.io/Statement/v1\","
            + "\"predicate\":{\"status\":\"completed\",\"task\":\"T-001\"},"
            + "\"predicateType\":\"https://honest.dev/task-result/v1\","
            + "\"subject\":[{\"digest\":{\"sha256\":\"" + SHA + "\"},\"name\":\"T-001/findings.json\"}]}");
  }

  @Test
  void aStatementSurvivesTheTripThroughJsonAndCanonicalBytes() {
    Statement statement = new Statement(
        List.of(new Statement.Subject("a", Map.of("sha256", SHA, "md5", "b".repeat(32))),
            Statement.Subject.sha256("b", "c".repeat(64))),
        PREDICATE_TYPE, statement().predicate());

    assertThat(Statement.fromJson(statement.toJson())).isEqualTo(statement);
    assertThat(Statement.fromCanonicalBytes(statement.canonicalBytes())).isEqualTo(statement);
  }

  @Test
  void thePredicateCannotBeChangedFromOutside() {
    ObjectNode predicate = Json.mapper().createObjectNode().put("status", "completed");
    Statement statement = new Statement(List.of(Statement.Subject.sha256("x", SHA)), PREDICATE_TYPE, predicate);
    byte[] before = statement.canonicalBytes();

    predicate.put("status", "forged");
    ((ObjectNode) statement.predicate()).put("status", "forged");

    assertThat(statement.canonicalBytes()).isEqualTo(before);
  }

  @Test
  void invalidStatementsAreRefusedWithTheReason() {
    JsonNode predicate = Json.mapper().createObjectNode();
    List<Statement.Subject> subjects = List.of(Statement.Subject.sha256("x", SHA));

    assertThatThrownBy(() -> new Statement(List.of(), PREDICATE_TYPE, predicate))
        .hasMessageContaining("at least one subject");
    assertThatThrownBy(() -> new Statement(subjects, "task-result", predicate))
        .hasMessageContaining("predicateType must be an absolute URI");
    assertThatThrownBy(() -> new Statement(subjects, "https://x y", predicate))
        .hasMessageContaining("predicateType is not a URI");
    assertThatThrownBy(() -> new Statement(subjects, PREDICATE_TYPE, Json.mapper().createArrayNode()))
        .hasMessageContaining("predicate must be a JSON object");
  }

  @Test
  void subjectsNeedAValidSha256() {
    assertThatThrownBy(() -> Statement.Subject.sha256(" ", SHA)).hasMessageContaining("name must not be blank");
    assertThatThrownBy(() -> new Statement.Subject("x", Map.of("md5", "b".repeat(32))))
        .hasMessageContaining("subject x: digest must hold a sha256");
    assertThatThrownBy(() -> Statement.Subject.sha256("x", SHA.toUpperCase()))
        .hasMessageContaining("must be lowercase hex");
    assertThatThrownBy(() -> Statement.Subject.sha256("x", "abc"))
        .hasMessageContaining("sha256 must be 64 lowercase hex digits");
  }

  @Test
  void readingRefusesAnythingButTheInTotoShape() {
    ObjectNode wrongType = statement().toJson().put("_type", "https://in-toto.io/Statement/v0.1");
    ObjectNode extra = statement().toJson().put("signature", "trust me");
    ObjectNode missing = statement().toJson();
    missing.remove("predicateType");
    ObjectNode badSubject = statement().toJson();
    ((ObjectNode) badSubject.get("subject").get(0)).put("uri", "file:///x");

    assertThatThrownBy(() -> Statement.fromJson(wrongType)).hasMessageContaining("_type must be https://in-toto.io/Statement/v1");
    assertThatThrownBy(() -> Statement.fromJson(extra)).hasMessageContaining("unexpected field 'signature'");
    assertThatThrownBy(() -> Statement.fromJson(missing)).hasMessageContaining("missing field 'predicateType'");
    assertThatThrownBy(() -> Statement.fromJson(badSubject)).hasMessageContaining("subject[0]: unexpected field 'uri'");
  }

  @Test
  void signedBytesMustBeTheCanonicalFormByteForByte() {
    byte[] pretty = Json.pretty().writeValueAsBytes(statement().toJson());
    String canonical = new String(statement().canonicalBytes(), StandardCharsets.UTF_8);
    byte[] duplicateMember = canonical.replace("{\"_type\"", "{\"_type\":\"x\",\"_type\"").getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Statement.fromCanonicalBytes(pretty)).hasMessageContaining("not in RFC 8785 canonical form");
    assertThatThrownBy(() -> Statement.fromCanonicalBytes(duplicateMember)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Statement.fromCanonicalBytes("{".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("payload is not JSON");
  }
}
