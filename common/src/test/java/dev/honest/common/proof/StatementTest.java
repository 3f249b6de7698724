package dev.honest.common.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    assertThat(statement.subject().get(0).digest().keySet()).containsExactly("md5", "sha256");
    assertThat(Statement.excerpt(statement.canonicalBytes(), Set.of()).subject())
        .isEqualTo(statement.subject());
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
  void aSubjectIsANameAndSha256AloneExactlyWhenItEqualsTheSubjectMadeOfThem() {
    String other = "c".repeat(64);
    List<Statement.Subject> subjects = List.of(Statement.Subject.sha256("x", SHA), Statement.Subject.sha256("y", SHA),
        Statement.Subject.sha256("x", other), new Statement.Subject("x", Map.of("sha256", SHA, "md5", "b".repeat(32))));

    for (Statement.Subject subject : subjects) {
      for (String name : List.of("x", "y")) {
        for (String sha256 : List.of(SHA, other)) {
          assertThat(subject.is(name, sha256)).as("%s is %s %s", subject, name, sha256)
              .isEqualTo(subject.equals(Statement.Subject.sha256(name, sha256)));
        }
      }
    }
    assertThat(subjects.get(0).is("x", SHA)).isTrue();
    assertThat(subjects.get(3).is("x", SHA)).isFalse();
  }

  @Test
  void readingRefusesAnythingButTheInTotoShape() {
    malformed().forEach((message, json) -> assertThatThrownBy(() -> Statement.fromJson(json)).hasMessageContaining(message));
  }

  /** Statements each wrong in one way, by what the error says. */
  private static Map<String, ObjectNode> malformed() {
    ObjectNode missing = statement().toJson();
    missing.remove("predicateType");
    ObjectNode badSubject = statement().toJson();
    ((ObjectNode) badSubject.get("subject").get(0)).put("uri", "file:///x");
    ObjectNode noType = statement().toJson();
    noType.remove("_type");
    ObjectNode noSubject = statement().toJson();
    noSubject.remove("subject");
    ObjectNode noPredicate = statement().toJson();
    noPredicate.remove("predicate");
    return Map.ofEntries(
        Map.entry("missing field '_type'", noType),
        Map.entry("missing field 'subject'", noSubject),
        Map.entry("missing field 'predicate'", noPredicate),
        Map.entry("_type must be https://in-toto.io/Statement/v1", statement().toJson().put("_type", "https://in-toto.io/Statement/v0.1")),
        Map.entry("unexpected field 'signature'", statement().toJson().put("signature", "trust me")),
        Map.entry("missing field 'predicateType'", missing),
        Map.entry("subject[0]: unexpected field 'uri'", badSubject));
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

  @Test
  void anExcerptKeepsTheSubjectsAndOnlyTheValuesAskedFor() {
    ObjectNode predicate = Json.mapper().createObjectNode();
    predicate.putObject("task").put("id", "T-001").put("title", "Review the login route");
    predicate.putObject("chain").put("previous", SHA).put("sequence", 3);
    predicate.putArray("calls").addObject().put("model", "codellama:7b").putObject("task").put("id", "not this one");
    predicate.put("pod", "k8s-worker-1-x").put("status", "completed").putNull("error");
    Statement statement = new Statement(List.of(Statement.Subject.sha256("T-001/record.json", SHA),
        new Statement.Subject("other", Map.of("sha256", "c".repeat(64), "md5", "b".repeat(32)))), PREDICATE_TYPE, predicate);

    Statement.Excerpt excerpt = Statement.excerpt(statement.canonicalBytes(),
        Set.of("task.id", "chain", "pod", "error", "status.code", "absent", "calls.model"));

    assertThat(excerpt.subject()).isEqualTo(statement.subject());
    assertThat(excerpt.predicateType()).isEqualTo(PREDICATE_TYPE);
    assertThat(excerpt.values()).containsOnlyKeys("task.id", "chain", "pod", "error");
    assertThat(excerpt.value("task.id").stringValue()).isEqualTo("T-001");
    assertThat(excerpt.value("chain")).isEqualTo(predicate.get("chain"));
    assertThat(excerpt.value("pod").stringValue()).isEqualTo("k8s-worker-1-x");
    assertThat(excerpt.value("error").isNull()).isTrue();
    assertThat(excerpt.value("status.code")).as("status is a string, not an object").isNull();
    assertThat(Statement.excerpt(Json.pretty().writeValueAsBytes(statement.toJson()), Set.of("pod")).value("pod"))
        .as("no canonical form required").isEqualTo(predicate.get("pod"));
  }

  @Test
  void anExcerptRefusesWhatReadingTheWholeStatementRefuses() {
    ObjectNode noSubject = statement().toJson();
    noSubject.putArray("subject");
    ObjectNode relativeType = statement().toJson().put("predicateType", "task-result");
    ObjectNode arrayPredicate = statement().toJson();
    arrayPredicate.putArray("predicate");
    ObjectNode badDigest = statement().toJson();
    ((ObjectNode) badDigest.get("subject").get(0).get("digest")).put("sha256", "abc");
    String canonical = new String(statement().canonicalBytes(), StandardCharsets.UTF_8);

    malformed().forEach((message, json) -> assertThatThrownBy(() -> excerpt(json)).hasMessageContaining(message));
    assertThatThrownBy(() -> excerpt(noSubject)).hasMessageContaining("at least one subject");
    ObjectNode objectSubject = statement().toJson();
    objectSubject.set("subject", objectSubject.get("subject").get(0));
    ObjectNode textSubject = statement().toJson();
    textSubject.putArray("subject").add("x");
    ObjectNode textDigest = statement().toJson();
    ((ObjectNode) textDigest.get("subject").get(0)).put("digest", "sha256:" + SHA);
    assertThatThrownBy(() -> excerpt(objectSubject)).hasMessageContaining("subject must be a JSON array, got object");
    assertThatThrownBy(() -> excerpt(textSubject)).hasMessageContaining("subject[0] must be a JSON object, got string");
    assertThatThrownBy(() -> excerpt(textDigest))
        .hasMessageContaining("subject[0]: digest must be a JSON object, got string");
    assertThatThrownBy(() -> excerpt(relativeType)).hasMessageContaining("predicateType must be an absolute URI");
    assertThatThrownBy(() -> excerpt(arrayPredicate)).hasMessageContaining("predicate must be a JSON object, got array");
    assertThatThrownBy(() -> excerpt(badDigest)).hasMessageContaining("sha256 must be 64 lowercase hex digits");
    assertThatThrownBy(() -> Statement.excerpt(canonical.replace("{\"_type\"", "{\"_type\":\"x\",\"_type\"")
        .getBytes(StandardCharsets.UTF_8), Set.of())).hasMessageContaining("field '_type' appears twice");
    assertThatThrownBy(() -> Statement.excerpt((canonical + "{}").getBytes(StandardCharsets.UTF_8), Set.of()))
        .hasMessageContaining("more after the statement's JSON object");
    assertThatThrownBy(() -> Statement.excerpt(canonical.substring(0, 40).getBytes(StandardCharsets.UTF_8), Set.of()))
        .hasMessageContaining("payload is not JSON");
    assertThatThrownBy(() -> Statement.excerpt("[]".getBytes(StandardCharsets.UTF_8), Set.of()))
        .hasMessageContaining("statement must be a JSON object, got array");
  }

  private static Statement.Excerpt excerpt(ObjectNode json) {
    return Statement.excerpt(CanonicalJson.canonicalize(json), Set.of("task"));
  }
}
