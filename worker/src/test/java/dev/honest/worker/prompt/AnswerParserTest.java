package dev.honest.worker.prompt;

import static dev.honest.worker.prompt.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.result.Finding;
import dev.honest.common.task.Action;
import dev.honest.worker.edit.Edit;
import org.junit.jupiter.api.Test;

class AnswerParserTest {
  private static final String FINDING = """
      {"file":"src/app.js","line":12,"severity":"HIGH","title":"SQL injection",
       "detail":"The query concatenates user input.","suggestion":"Use a prepared statement."}""";

  @Test
  void aValidAnalyzeAnswerGivesItsFindingsWithNormalisedSeverity() throws Exception {
    Answer answer = AnswerParser.parse("{\"findings\":[" + FINDING + ","
        + "{\"file\":\"\",\"line\":0,\"severity\":\" Info \",\"title\":\"No tests\",\"detail\":\"\",\"suggestion\":\"\"}]}",
        task(Action.ANALYZE, "src/app.js"));

    assertThat(answer.findings()).containsExactly(
        new Finding("src/app.js", 12, "high", "SQL injection", "The query concatenates user input.",
            "Use a prepared statement."),
        new Finding("", 0, "info", "No tests", "", ""));
    assertThat(answer.edits()).isEmpty();
  }

  @Test
  void aValidFixAnswerGivesItsEditsInOrder() throws Exception {
    Answer answer = AnswerParser.parse("""
        {"findings":[%s],"edits":[
          {"file":"src/app.js","search":"db.query(sql + id)","replace":"db.query(sql, [id])"},
          {"file":"src/db.js","search":"const pool","replace":""}]}""".formatted(FINDING),
        task(Action.FIX, "src/app.js", "src/db.js"));

    assertThat(answer.edits()).containsExactly(
        new Edit("src/app.js", "db.query(sql + id)", "db.query(sql, [id])"),
        new Edit("src/db.js", "const pool", ""));
  }

  @Test
  void anEmptyFindingsListIsValid() throws Exception {
    assertThat(AnswerParser.parse("{\"findings\": []}", task(Action.ANALYZE, "a.py")).findings()).isEmpty();
  }

  @Test
  void invalidJsonIsRejected() {
    assertInvalid("{\"findings\": [", Action.ANALYZE, "answer is not valid JSON: ");
    assertInvalid("Here is my review: {\"findings\": []}", Action.ANALYZE, "answer is not valid JSON: ");
    assertInvalid("{\"findings\": []} trailing", Action.ANALYZE, "answer is not valid JSON: ");
    assertInvalid("  ", Action.ANALYZE, "answer is empty");
  }

  @Test
  void invalidJsonIsRejectedWithTheParsersReason() {
    assertInvalid("Here is my review", Action.ANALYZE, "answer is not valid JSON: Unrecognized token 'Here'");
  }

  @Test
  void anEditThatIsNotAnObjectIsRejectedAsSuch() {
    assertInvalid("{\"findings\":[],\"edits\":[\"src/app.js\"]}", Action.FIX,
        "edits[0]: expected an object, got string");
  }

  @Test
  void anOffendingValueOfExactlySixtyCharactersIsShownWhole() {
    String severity = "x".repeat(58); // 60 characters as JSON, with its quotes

    assertThatThrownBy(() -> AnswerParser.parse("{\"findings\":[" + FINDING.replace("HIGH", severity) + "]}",
        task(Action.ANALYZE, "src/app.js")))
        .isInstanceOf(InvalidAnswerException.class)
        .hasMessageEndingWith("got \"" + severity + "\"");
  }

  @Test
  void anAnswerWithoutFindingsIsRejected() {
    assertInvalid("{\"issues\": []}", Action.ANALYZE, "findings: missing");
    assertInvalid("{\"findings\": {}}", Action.ANALYZE, "findings: expected an array, got object");
    assertInvalid("[]", Action.ANALYZE, "$: expected an object, got array");
  }

  @Test
  void aBadSeverityIsRejectedWithItsPath() {
    String answer = "{\"findings\":[" + FINDING + "," + FINDING.replace("HIGH", "urgent") + "]}";

    assertInvalid(answer, Action.ANALYZE,
        "findings[1].severity: expected one of critical, high, medium, low, info, got \"urgent\"");
  }

  @Test
  void wrongTypesAndMissingFieldsAreRejectedWithTheirPath() {
    assertInvalid("{\"findings\":[" + FINDING.replace("12", "\"12\"") + "]}", Action.ANALYZE,
        "findings[0].line: expected an integer >= 0, got \"12\"");
    assertInvalid("{\"findings\":[" + FINDING.replace("12", "-3") + "]}", Action.ANALYZE,
        "findings[0].line: expected an integer >= 0, got -3");
    assertInvalid("{\"findings\":[" + FINDING.replace("12", "1.5") + "]}", Action.ANALYZE,
        "findings[0].line: expected an integer >= 0, got 1.5");
    assertInvalid("{\"findings\":[" + FINDING.replace("\"detail\":", "\"details\":") + "]}", Action.ANALYZE,
        "findings[0].detail: missing");
    assertInvalid("{\"findings\":[" + FINDING.replace("\"SQL injection\"", "7") + "]}", Action.ANALYZE,
        "findings[0].title: expected a string, got number");
    assertInvalid("{\"findings\":[" + FINDING.replace("\"SQL injection\"", "\" \"") + "]}", Action.ANALYZE,
        "findings[0].title: must not be blank");
    assertInvalid("{\"findings\":[\"SQL injection\"]}", Action.ANALYZE,
        "findings[0]: expected an object, got string");
  }

  @Test
  void aLoneSurrogateInAnyStringIsRejectedNamingTheField() {
    // Valid JSON: the escape of an emoji's first half, without the second.
    assertInvalid("{\"findings\":[" + FINDING.replace("SQL injection", "Broken \\ud83d here") + "]}", Action.ANALYZE,
        "findings[0].title: holds half a character, the lone surrogate \\ud83d at index 7");
    assertInvalid("{\"findings\":[" + FINDING.replace("Use a prepared", "\\ude00Use a prepared") + "]}",
        Action.ANALYZE, "findings[0].suggestion: holds half a character, the lone surrogate \\ude00 at index 0");
    assertInvalid("{\"findings\":[],\"edits\":[{\"file\":\"src/app.js\",\"search\":\"a\",\"replace\":\"b\\ud83d\"}]}",
        Action.FIX, "edits[0].replace: holds half a character");
    // Unescaped, as Ollama's JSON body may carry it: refused before parsing, so no message quotes it.
    assertInvalid("{\"findings\":[]} " + (char) 0xD83D, Action.ANALYZE,
        "answer: holds half a character, the lone surrogate \\ud83d at index 16");
  }

  @Test
  void wholeCharactersOutsideTheBasicPlaneAreKept() throws Exception {
    Answer answer = AnswerParser.parse("{\"findings\":[" + FINDING.replace("SQL injection", "SQL \\ud83d\\ude00 injection 😀")
        + "]}", task(Action.ANALYZE, "src/app.js"));

    assertThat(answer.findings().get(0).title()).isEqualTo("SQL 😀 injection 😀");
  }

  @Test
  void aLongOffendingValueIsCutBeforeACharacterNeverInsideOne() {
    // Shown as JSON: the quote and 58 x, then an emoji whose first half is the 60th char.
    String severity = "x".repeat(58) + "😀 and more";

    assertInvalid("{\"findings\":[" + FINDING.replace("HIGH", severity) + "]}", Action.ANALYZE,
        "findings[0].severity: expected one of critical, high, medium, low, info, got \"" + "x".repeat(58) + "...");
  }

  @Test
  void aFindingAboutAnotherFileIsRejected() {
    assertInvalid("{\"findings\":[" + FINDING.replace("src/app.js", "src/other.js") + "]}", Action.ANALYZE,
        "findings[0].file: \"src/other.js\" is not one of the task's files (src/app.js) nor empty");
  }

  @Test
  void aFixAnswerWithoutEditsOrWithAnEditOfAnotherFileIsRejected() {
    assertInvalid("{\"findings\":[]}", Action.FIX, "edits: missing");
    assertInvalid("{\"findings\":[],\"edits\":[{\"file\":\"\",\"search\":\"a\",\"replace\":\"b\"}]}", Action.FIX,
        "edits[0].file: \"\" is not one of the task's files (src/app.js)");
    assertInvalid("{\"findings\":[],\"edits\":[{\"file\":\"src/app.js\",\"search\":\"\",\"replace\":\"b\"}]}",
        Action.FIX, "edits[0].search: must not be empty");
    assertInvalid("{\"findings\":[],\"edits\":[{\"file\":\"src/app.js\",\"search\":\"a\"}]}", Action.FIX,
        "edits[0].replace: missing");
  }

  @Test
  void theRejectionIsAnInvalidModelOutputTaskError() {
    assertThatThrownBy(() -> AnswerParser.parse("{}", task(Action.ANALYZE, "src/app.js")))
        .isInstanceOfSatisfying(InvalidAnswerException.class, e -> {
          assertThat(e.toTaskError().errorClass()).isEqualTo("invalid_model_output");
          assertThat(e.toTaskError().message()).isEqualTo("findings: missing");
        });
  }

  private static void assertInvalid(String content, Action action, String reason) {
    assertThatThrownBy(() -> AnswerParser.parse(content, task(action, "src/app.js")))
        .isInstanceOf(InvalidAnswerException.class)
        .message().startsWith(reason).doesNotContain("\n");
  }
}
