package dev.honest.worker.ollama;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.worker.ollama.ResponseParser.BadBody;
import dev.honest.worker.ollama.ResponseParser.ParsedReply;
import org.junit.jupiter.api.Test;

/** The chat body parser on every shape of line a stream can carry, as real Ollama and a broken proxy send them. */
class ResponseParserTest {
  private static final String CHUNK = "{\"model\":\"codellama:7b\",\"created_at\":\"2026-11-26T10:00:01.0000200Z\","
      + "\"message\":{\"role\":\"assistant\",\"content\":%s},\"done\":false}\n";
  private static final String DONE = "{\"model\":\"codellama:7b\",\"created_at\":\"2026-11-26T10:00:09.99318Z\","
      + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"stop\",\"done\":true,"
      + "\"total_duration\":5191566416,\"load_duration\":2154458,\"prompt_eval_count\":26,"
      + "\"prompt_eval_duration\":383809000,\"eval_count\":298,\"eval_duration\":4799921000}\n";

  private static ParsedReply streamed(String body) throws BadBody {
    return ResponseParser.chat(body.getBytes(UTF_8), true, "codellama:7b");
  }

  private static String chunk(String jsonString) {
    return String.format(CHUNK, jsonString);
  }

  @Test
  void aStreamOfOneLinePerTokenIsAssembledAndTheDoneLineGivesTheMetrics() throws Exception {
    ParsedReply reply = streamed(chunk("\"{\\\"fin\"") + chunk("\"dings\\\": \"") + chunk("\"[]}\"") + DONE);

    assertThat(reply).isEqualTo(new ParsedReply("{\"findings\": []}", "stop", 26, 298, 5_191_566_416L));
  }

  @Test
  void nonAsciiEscapedAndRawTextIsKeptExactly() throws Exception {
    ParsedReply reply = streamed(chunk("\"caf\\u00e9 \\ud83d\\ude00 \"") + chunk("\"naïve \\n\\t\\\"q\\\"\"") + DONE);

    assertThat(reply.content()).isEqualTo("café 😀 naïve \n\t\"q\"");
  }

  @Test
  void membersMayComeInAnyOrderAndUnknownOnesOfAnyShapeAreSkipped() throws Exception {
    String done = "{\"eval_count\":7,\"context\":[1,2,{\"x\":[3]}],\"done\":true,\"message\":{\"images\":null,"
        + "\"content\":\"!\",\"role\":\"assistant\"},\"prompt_eval_count\":3,\"done_reason\":\"length\","
        + "\"total_duration\":9}\n";

    ParsedReply reply = streamed(chunk("\"hi\"") + done);

    assertThat(reply).isEqualTo(new ParsedReply("hi!", "length", 3, 7, 9));
  }

  @Test
  void blankLinesAreSkippedAndNothingAfterTheDoneLineIsRead() throws Exception {
    ParsedReply reply = streamed("\n" + chunk("\"a\"") + "  \n" + DONE + "this is not read\n");

    assertThat(reply.content()).isEqualTo("a");
  }

  @Test
  void aStreamWhoseDoneLineHasNoFinalLineFeedIsReadToItsEnd() throws Exception {
    String done = DONE.substring(0, DONE.length() - 1);

    assertThat(streamed(chunk("\"a\"") + done)).isEqualTo(new ParsedReply("a", "stop", 26, 298, 5_191_566_416L));
    assertThat(streamed(done).doneReason()).isEqualTo("stop");
  }

  @Test
  void anErrorBodyOfExactlyTheSnippetLengthIsShownWhole() {
    String body = "<html>" + "x".repeat(194);

    assertThat(ResponseParser.errorText(body.getBytes(UTF_8))).isEqualTo(body);
  }

  @Test
  void metricsOllamaLeftOutAreZeroAndAMissingReasonIsNull() throws Exception {
    ParsedReply reply = streamed(chunk("\"a\"") + "{\"done\":true}\n");

    assertThat(reply).isEqualTo(new ParsedReply("a", null, 0, 0, 0));
  }

  @Test
  void aMessageWithoutTextContentAddsNothing() throws Exception {
    ParsedReply reply = streamed("{\"message\":\"plain\",\"done\":false}\n{\"message\":{\"content\":null}}\n"
        + "{\"message\":{\"content\":42}}\n" + chunk("\"x\"") + DONE);

    assertThat(reply.content()).isEqualTo("x");
  }

  @Test
  void anErrorLineEndsTheStreamWithItsText() {
    assertThatThrownBy(() -> streamed(chunk("\"a\"") + "{\"error\":\"llama runner process has terminated\"}\n"))
        .isInstanceOf(BadBody.class)
        .hasMessage("the answer carries an error: llama runner process has terminated")
        .extracting(e -> ((BadBody) e).errorClass()).isEqualTo(OllamaException.STREAM_ERROR);
  }

  @Test
  void anErrorThatIsNotTextIsShownAsJsonEvenOnTheDoneLine() {
    assertThatThrownBy(() -> streamed("{\"done\":true,\"error\":{\"code\":500,\"why\":[\"oom\"]}}\n"))
        .isInstanceOf(BadBody.class)
        .hasMessage("the answer carries an error: {\"code\":500,\"why\":[\"oom\"]}");
  }

  @Test
  void aLineNamingAnotherModelThanTheOneAskedIsAModelMismatch() {
    assertThatThrownBy(() -> ResponseParser.chat(
        (chunk("\"a\"") + DONE.replace("codellama:7b", "llama3.1:8b")).getBytes(UTF_8), true, "codellama:7b"))
        .isInstanceOf(BadBody.class)
        .hasMessage("the answer is from model llama3.1:8b, not from codellama:7b that was asked")
        .extracting(e -> ((BadBody) e).errorClass()).isEqualTo(OllamaException.MODEL_MISMATCH);
  }

  @Test
  void aReplyThatOnlyLoadedOrUnloadedTheModelIsNoAnswer() {
    for (String reason : new String[] {"load", "unload"}) {
      assertThatThrownBy(() -> ResponseParser.chat(("{\"model\":\"codellama:7b\",\"created_at\":\"2026-11-26T10:00:09Z\","
          + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done_reason\":\"" + reason + "\",\"done\":true}")
          .getBytes(UTF_8), false, "codellama:7b"))
          .isInstanceOf(BadBody.class)
          .hasMessageContaining("done_reason " + reason)
          .extracting(e -> ((BadBody) e).errorClass()).isEqualTo(OllamaException.INVALID_RESPONSE);
    }
  }

  @Test
  void aStreamWithoutADoneLineIsAStreamError() {
    assertThatThrownBy(() -> streamed(chunk("\"a\"") + chunk("\"b\"")))
        .isInstanceOf(BadBody.class)
        .hasMessage("the answer ended without done:true after 2 line(s)")
        .extracting(e -> ((BadBody) e).errorClass()).isEqualTo(OllamaException.STREAM_ERROR);
  }

  @Test
  void aLineThatIsNotJsonNamesItsLineNumber() {
    assertThatThrownBy(() -> streamed(chunk("\"a\"") + "<html>proxy error</html>\n" + DONE))
        .isInstanceOf(BadBody.class)
        .hasMessageStartingWith("line 2 is not JSON: ")
        .extracting(e -> ((BadBody) e).errorClass()).isEqualTo(OllamaException.INVALID_RESPONSE);
  }

  @Test
  void aLineCutOffMidObjectIsNotJson() {
    assertThatThrownBy(() -> streamed(chunk("\"a\"") + "{\"message\":{\"content\":\"b\"")) // a killed connection
        .isInstanceOf(BadBody.class)
        .hasMessageStartingWith("line 2 is not JSON: ");
  }

  @Test
  void twoObjectsOnOneLineAreNotJsonLines() {
    assertThatThrownBy(() -> streamed(chunk("\"a\"").strip() + " {\"done\":true}\n"))
        .isInstanceOf(BadBody.class)
        .hasMessageStartingWith("line 1 is not JSON: ");
  }

  @Test
  void aLineThatIsJsonButNotAnObjectSaysWhatItIs() {
    assertThatThrownBy(() -> streamed("[1,2]\n")).hasMessage("line 1 is not a JSON object but ARRAY");
    assertThatThrownBy(() -> streamed("\"text\"\n")).hasMessage("line 1 is not a JSON object but STRING");
    assertThatThrownBy(() -> streamed("12\n")).hasMessage("line 1 is not a JSON object but NUMBER");
    assertThatThrownBy(() -> streamed("true\n")).hasMessage("line 1 is not a JSON object but BOOLEAN");
    assertThatThrownBy(() -> streamed("null\n")).hasMessage("line 1 is not a JSON object but NULL");
  }

  @Test
  void aNonStreamedBodyIsOneObjectWhateverItsLayout() throws Exception {
    String body = "{\n  \"message\": {\"role\": \"assistant\", \"content\": \"{}\"},\n  \"done\": true,\n"
        + "  \"done_reason\": \"stop\", \"prompt_eval_count\": 5, \"eval_count\": 2, \"total_duration\": 11\n}";

    assertThat(ResponseParser.chat(body.getBytes(UTF_8), false, "codellama:7b")).isEqualTo(new ParsedReply("{}", "stop", 5, 2, 11));
  }

  @Test
  void aLongErrorBodyIsCutBeforeACharacterNeverInsideOne() {
    // The 200th char is the first half of an emoji's surrogate pair.
    String body = "<html>" + "x".repeat(193) + "\uD83D\uDE00 proxy error</html>";

    assertThat(ResponseParser.errorText(body.getBytes(UTF_8))).isEqualTo("<html>" + "x".repeat(193) + "...");
    assertThat(ResponseParser.errorText("{\"error\":\"model not found\"}".getBytes(UTF_8))).isEqualTo("model not found");
  }

  @Test
  void halfACharacterInTheServersErrorIsShownAsAQuestionMarkSoARecordCanHoldIt() {
    String halfAnEmoji = "{\"error\":\"bad \\ud83d input \uD83D\uDE00\"}";

    assertThat(ResponseParser.errorText(halfAnEmoji.getBytes(UTF_8))).isEqualTo("bad ? input \uD83D\uDE00");
    assertThatThrownBy(() -> streamed(chunk("\"a\"") + "{\"error\":\"cut \\udc00\"}\n"))
        .hasMessage("the answer carries an error: cut ?");
  }
}
