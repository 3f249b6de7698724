package dev.honest.launcher.export;

import static dev.honest.launcher.TestRecords.call;
import static dev.honest.launcher.TestRecords.completed;
import static dev.honest.launcher.TestRecords.failed;
import static dev.honest.launcher.TestRecords.input;
import static dev.honest.launcher.TestRecords.results;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.json.Json;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.Finding;
import dev.honest.common.result.TaskError;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.task.Action;
import dev.honest.launcher.TestTasks;
import dev.honest.launcher.results.ClusterResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class SarifTest {
  @TempDir Path workspace;
  @TempDir Path out;

  private final CallRecord answer = call(1200, 300);
  private ClusterResults results;

  @BeforeEach
  void aRunWithFindings() {
    TestTasks.writeText(workspace, "src/db.js", 400);
    TestTasks.writeText(workspace, "src/my module/ünïcode.js", 300);
    results = results(List.of(
        completed("T-001", Action.ANALYZE, "Security", List.of(input(workspace, "src/db.js"),
            input(workspace, "src/my module/ünïcode.js")), List.of(
            new Finding("src/db.js", 12, "critical", "SQL injection in findUser", "String concatenation.", "Bind it."),
            new Finding("src/my module/ünïcode.js", 0, "medium", "Unchecked input", "", ""),
            new Finding("", 0, "high", "No rate limiting anywhere", "", "")),
            List.of(), answer),
        completed("T-002", Action.ANALYZE, "documentation", List.of(), List.of(
            new Finding("", 0, "info", "Write a checklist", "", ""),
            new Finding("", 0, "low", "Document the API", "", "")), List.of(), call(10, 5)),
        failed("T-003", Action.ANALYZE, List.of(), call(5, 5))));
  }

  @Test
  void everyFindingIsAResultOfALogThatTheOfficialSchemaAccepts() {
    ObjectNode log = Sarif.of(results);

    assertThat(SarifSchema.problems(log)).isEmpty();
    assertThat(log.path("version").asString()).isEqualTo("2.1.0");
    JsonNode run = log.path("runs").get(0);
    assertThat(run.path("tool").path("driver").path("name").asString()).isEqualTo("honest-orchestration");
    assertThat(run.path("tool").path("driver").path("version").asString()).isEqualTo(System.getProperty("project.version"));
    assertThat(run.path("results")).hasSize(5);
    assertThat(texts(run.path("results"), "ruleId")).containsExactly("honest/security/critical",
        "honest/security/medium", "honest/security/high", "honest/documentation/info", "honest/documentation/low");
    assertThat(texts(run.path("results"), "level")).containsExactly("error", "warning", "error", "note", "note");
    JsonNode rules = run.path("tool").path("driver").path("rules");
    assertThat(texts(rules, "id")).containsExactly("honest/documentation/info", "honest/documentation/low",
        "honest/security/critical", "honest/security/high", "honest/security/medium");
    for (JsonNode r : run.path("results")) {
      assertThat(rules.get(r.path("ruleIndex").asInt()).path("id").asString()).isEqualTo(r.path("ruleId").asString());
    }
    assertThat(run.path("automationDetails").path("id").asString()).isEqualTo("honest-orchestration/" + results.runId());
  }

  @Test
  void pastItsLimitTheLogKeepsTheMostSevereFindingsInTaskOrderAndSaysHowManyItLeftOut() {
    ObjectNode log = Sarif.of(results, 3);

    assertThat(SarifSchema.problems(log)).isEmpty();
    JsonNode run = log.path("runs").get(0);
    assertThat(texts(run.path("results"), "ruleId"))
        .containsExactly("honest/security/critical", "honest/security/medium", "honest/security/high");
    assertThat(texts(run.path("tool").path("driver").path("rules"), "id"))
        .containsExactly("honest/security/critical", "honest/security/high", "honest/security/medium");
    assertThat(run.path("properties").path("findings").asInt()).isEqualTo(5);
    assertThat(run.path("properties").path("omittedResults").asInt()).isEqualTo(2);
    assertThat(Sarif.of(results).path("runs").get(0).path("properties").has("omittedResults")).isFalse();
  }

  /** GitHub code scanning refuses a whole SARIF file with a run of more than 25,000 results. */
  @Test
  void aRunOfMoreFindingsThanGitHubTakesGivesALogOfAsManyAsItTakes() {
    List<TaskRecord> tasks = new ArrayList<>();
    for (int t = 0; t < 2_501; t++) {
      List<Finding> findings = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        findings.add(new Finding("src/db.js", i, i == 1 ? "high" : "low", "Finding " + i, "", ""));
      }
      tasks.add(completed("T-" + t, Action.ANALYZE, "security", List.of(input(workspace, "src/db.js")), findings,
          List.of(), call(10, 5)));
    }

    JsonNode run = Sarif.of(results(tasks)).path("runs").get(0);

    assertThat(run.path("results")).hasSize(25_000);
    assertThat(run.path("properties").path("omittedResults").asInt()).isEqualTo(10);
    assertThat(texts(run.path("results"), "level")).filteredOn("error"::equals).hasSize(2_501);
  }

  @Test
  void aBrokenLogFailsTheSchemaSoTheValidatorReallyChecks() {
    ObjectNode unknownLevel = Sarif.of(results);
    ((ObjectNode) unknownLevel.path("runs").get(0).path("results").get(0)).put("level", "severe");
    ObjectNode noTool = Sarif.of(results);
    ((ObjectNode) noTool.path("runs").get(0)).remove("tool");
    ObjectNode lineZero = Sarif.of(results);
    ((ObjectNode) lineZero.path("runs").get(0).path("results").get(0).path("locations").get(0)
        .path("physicalLocation").path("region")).put("startLine", 0);

    assertThat(SarifSchema.problems(unknownLevel)).singleElement().asString().contains("level");
    assertThat(SarifSchema.problems(noTool)).singleElement().asString().contains("tool");
    assertThat(SarifSchema.problems(lineZero)).singleElement().asString().contains("startLine");
  }

  @Test
  void aFindingPointsAtItsFileFromTheWorkspaceRootAndAtItsLineWhenItHasOne() {
    JsonNode found = Sarif.of(results).path("runs").get(0).path("results");

    JsonNode first = found.get(0).path("locations").get(0).path("physicalLocation");
    assertThat(first.path("artifactLocation").path("uri").asString()).isEqualTo("src/db.js");
    assertThat(first.path("artifactLocation").path("uriBaseId").asString()).isEqualTo("%SRCROOT%");
    assertThat(first.path("region").path("startLine").asInt()).isEqualTo(12);
    JsonNode second = found.get(1).path("locations").get(0).path("physicalLocation");
    assertThat(second.path("artifactLocation").path("uri").asString())
        .isEqualTo("src/my%20module/%C3%BCn%C3%AFcode.js");
    assertThat(second.has("region")).isFalse();
    assertThat(found.get(0).path("message").path("text").asString())
        .isEqualTo("SQL injection in findUser\n\nString concatenation.\n\nSuggestion: Bind it.");
  }

  @Test
  void aGeneralFindingPointsAtItsTasksFirstFileOrNowhereWhenTheTaskHasNone() {
    JsonNode found = Sarif.of(results).path("runs").get(0).path("results");

    JsonNode general = found.get(2).path("locations").get(0).path("physicalLocation");
    assertThat(general.path("artifactLocation").path("uri").asString()).isEqualTo("src/db.js");
    assertThat(general.has("region")).isFalse();
    assertThat(found.get(3).has("locations")).isFalse();
    assertThat(found.get(4).has("locations")).isFalse();
  }

  @Test
  void everyResultNamesItsTaskModelAndTheResponsesItWasReadFrom() {
    JsonNode properties = Sarif.of(results).path("runs").get(0).path("results").get(0).path("properties");

    assertThat(properties.path("taskId").asString()).isEqualTo("T-001");
    assertThat(properties.path("model").asString()).isEqualTo("codellama:7b");
    assertThat(properties.path("modelDigest").asString()).hasSize(64);
    assertThat(texts(properties.path("responseSha256"))).containsExactly(answer.responseSha256());
  }

  @Test
  void fingerprintsAreTheSameInTwoWritesAndDifferForDifferentFindings() throws Exception {
    Path first = Sarif.write(out, results);
    byte[] before = Files.readAllBytes(first);
    Path second = Sarif.write(out, results);

    assertThat(second).isEqualTo(out.resolve("k8s-cluster-results.sarif"));
    assertThat(Files.readAllBytes(second)).isEqualTo(before);
    JsonNode found = Json.mapper().readTree(before).path("runs").get(0).path("results");
    Set<String> prints = new HashSet<>();
    for (JsonNode r : found) {
      prints.add(r.path("partialFingerprints").path("honestFinding/v1").asString());
    }
    assertThat(prints).hasSize(5).allSatisfy(p -> assertThat(p).matches("[0-9a-f]{64}"));
  }

  @Test
  void aFingerprintIgnoresCasePunctuationAndSmallMovesButNotTheFileTitleOrTask() {
    Finding f = new Finding("src/db.js", 12, "critical", "SQL injection in findUser", "", "");
    String print = Sarif.fingerprint("T-001", f);

    assertThat(Sarif.fingerprint("T-001", new Finding("src/db.js", 17, "high", "SQL Injection in findUser!",
        "other detail", ""))).isEqualTo(print);
    assertThat(Sarif.fingerprint("T-001", new Finding("src/db.js", 25, "critical", f.title(), "", ""))).isNotEqualTo(print);
    assertThat(Sarif.fingerprint("T-001", new Finding("src/api.js", 12, "critical", f.title(), "", ""))).isNotEqualTo(print);
    assertThat(Sarif.fingerprint("T-001", new Finding("src/db.js", 12, "critical", "XSS in findUser", "", "")))
        .isNotEqualTo(print);
    assertThat(Sarif.fingerprint("T-002", f)).isNotEqualTo(print);
  }

  /**
   * A failed task's findings are real but partial (the rest of its files may not have been reviewed):
   * a viewer must be able to tell, in the message GitHub shows and in the properties.
   */
  @Test
  void aFindingOfAFailedTaskSaysItsTaskFailed() {
    TaskRecord ok = results.tasks().get(0);
    TaskRecord failedWithFindings = new TaskRecord("T-004",
        "Task T-004", ok.priority(), "security", "backend", Action.ANALYZE, 1, "local-1", null,
        TaskStatus.FAILED,
        new TaskError("invalid_model_output", "not JSON twice"), ok.model(), ok.modelDigest(),
        1, ok.startedAt(), ok.finishedAt(), ok.inputs(), List.of(answer),
        List.of(new Finding("src/db.js", 3, "high", "Half-reviewed", "", "")), List.of());
    ClusterResults withFailed = results(List.of(failedWithFindings));

    JsonNode result = Sarif.of(withFailed).path("runs").get(0).path("results").get(0);

    assertThat(result.path("properties").path("taskStatus").asString()).isEqualTo("failed");
    assertThat(result.path("message").path("text").asString()).endsWith("Half-reviewed\n\nIts task T-004 failed"
        + " (invalid_model_output: not JSON twice): this finding is real, but the task's other files or parts may not"
        + " have been reviewed.");
    assertThat(Sarif.of(results).path("runs").get(0).path("results").get(0).path("properties").path("taskStatus")
        .asString()).isEqualTo("completed");
  }

  /** A spreadsheet in another language names its categories in its letters: each is a rule of its own, none "general". */
  @Test
  void categoriesWrittenInNonAsciiLettersGetARuleEachAndNoneIsGeneral() {
    List<TaskRecord> tasks = new ArrayList<>();
    String[] categories = {"安全", "性能", "Qualität", "Sécurité"};
    for (int i = 0; i < categories.length; i++) {
      tasks.add(completed("C-" + i, Action.ANALYZE, categories[i], List.of(), List.of(
          new Finding("", 0, "high", "Finding " + i, "", "")), List.of(), call(10, 5)));
    }

    ObjectNode log = Sarif.of(results(tasks));

    assertThat(SarifSchema.problems(log)).isEmpty();
    JsonNode run = log.path("runs").get(0);
    List<String> rules = texts(run.path("tool").path("driver").path("rules"), "id");
    assertThat(rules).hasSize(4).doesNotContain("honest/general/high")
        .contains("honest/安全/high", "honest/性能/high", "honest/qualität/high", "honest/sécurité/high");
    assertThat(texts(run.path("results"), "ruleId")).doesNotHaveDuplicates();
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> values = new ArrayList<>();
    array.forEach(n -> values.add(n.path(field).asString()));
    return values;
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(n -> values.add(n.asString()));
    return values;
  }
}
