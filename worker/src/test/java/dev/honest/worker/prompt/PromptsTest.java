package dev.honest.worker.prompt;

import static dev.honest.worker.prompt.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.json.Json;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PromptsTest {

  @Test
  void theSameTaskAndChunkAlwaysGiveTheSameBytes() {
    Chunk chunk = new Chunk("src/app.js", 1, 1, 1, 2, "let a = 1;\nlet b = 2;\n");

    byte[] first = Prompts.forChunk(task(Action.FIX, "src/app.js"), chunk).canonicalBytes();
    byte[] second = Prompts.forChunk(task(Action.FIX, "src/app.js"), chunk).canonicalBytes();

    assertThat(second).isEqualTo(first);
  }

  @Test
  void theCanonicalBytesHoldTheVersionAndBothMessages() {
    Prompt prompt = Prompts.forChunk(task(Action.ANALYZE, "a.py"), new Chunk("a.py", 1, 1, 1, 1, "x = 1\n"));

    JsonNode json = Json.mapper().readTree(prompt.canonicalBytes());

    assertThat(json.propertyNames()).containsExactly("version", "system", "user");
    assertThat(json.get("version").stringValue()).isEqualTo(Prompts.PROMPT_VERSION);
    assertThat(json.get("user").stringValue()).isEqualTo(prompt.user());
  }

  @Test
  void aDifferentChunkGivesDifferentBytes() {
    TaskSpec task = task(Action.ANALYZE, "a.py");

    byte[] one = Prompts.forChunk(task, new Chunk("a.py", 1, 1, 1, 1, "x = 1\n")).canonicalBytes();
    byte[] other = Prompts.forChunk(task, new Chunk("a.py", 1, 1, 1, 1, "x = 2\n")).canonicalBytes();

    assertThat(other).isNotEqualTo(one);
  }

  @Test
  void linesAreNumberedFromTheChunksFirstLineWithoutTheirCarriageReturn() {
    Chunk chunk = new Chunk("src/app.js", 2, 3, 41, 43, "a\nb\r\nc");

    String user = Prompts.forChunk(task(Action.ANALYZE, "src/app.js"), chunk).user();

    assertThat(user).contains("File: src/app.js\nPart 2 of 3, lines 41-43.\n")
        .contains("----- BEGIN src/app.js -----\n41| a\n42| b\n43| c\n----- END src/app.js -----\n")
        .contains("shown in parts");
  }

  @Test
  void aFileInOnePartIsNotSaidToBeShownInParts() {
    String user = Prompts.forChunk(task(Action.ANALYZE, "a.py"), new Chunk("a.py", 1, 1, 1, 1, "x = 1\n")).user();

    assertThat(user).contains("Part 1 of 1, lines 1-1.\n").doesNotContain("shown in parts");
  }

  @Test
  void emptyLinesAreListedWithTheirNumbersAlsoAtTheChunksStart() {
    Chunk chunk = new Chunk("a.py", 1, 1, 1, 4, "\nx = 1\n\ny = 2\n");

    String user = Prompts.forChunk(task(Action.ANALYZE, "a.py"), chunk).user();

    assertThat(user).contains("----- BEGIN a.py -----\n1| \n2| x = 1\n3| \n4| y = 2\n----- END a.py -----\n");
  }

  @Test
  void theUserMessageCarriesTheTaskText() {
    String user = Prompts.forChunk(task(Action.ANALYZE, "a.py", "b.py"), new Chunk("b.py", 1, 1, 1, 1, "y\n")).user();

    assertThat(user).startsWith("Task: Review the request parser\nAction: analyze\nCategory: security\n"
        + "Area: backend\nFiles of this task: a.py, b.py\nDescription:\nLook for injection and unchecked input.\n");
  }

  @Test
  void theSystemMessageRequiresJsonMatchingTheSchema() {
    Prompt prompt = Prompts.forChunk(task(Action.ANALYZE, "a.py"), new Chunk("a.py", 1, 1, 1, 1, "x\n"));

    assertThat(prompt.system()).contains("Answer with one JSON object and nothing else")
        .contains(Json.mapper().writeValueAsString(ResponseSchema.forAction(Action.ANALYZE)))
        .doesNotContain("\"edits\"");
  }

  @Test
  void aFixPromptSaysSearchIsCopiedExactlyWithoutPrefixesAndIsUnique() {
    String system = Prompts.forChunk(task(Action.FIX, "a.py"), new Chunk("a.py", 1, 1, 1, 1, "x\n")).system();

    assertThat(system).contains(Json.mapper().writeValueAsString(ResponseSchema.forAction(Action.FIX)))
        .contains("copied exactly from the file")
        .contains("WITHOUT the line-number prefix")
        .contains("exactly once in the whole file");
  }

  @Test
  void anEmptyFileIsShownAsEmpty() {
    String user = Prompts.forChunk(task(Action.ANALYZE, "a.py"), new Chunk("a.py", 1, 1, 1, 0, "")).user();

    assertThat(user).endsWith("File: a.py\nThe file is empty.\n").doesNotContain("BEGIN");
  }

  @Test
  void aTaskWithoutFilesIsAskedFromItsTitleAndDescription() {
    TaskSpec question = new TaskSpec("q-1", "How should we rotate secrets?", "", Priority.LOW, "", "", List.of(),
        Action.ANALYZE, null);

    Prompt prompt = Prompts.forQuestion(question);

    assertThat(prompt.user()).isEqualTo("Task: How should we rotate secrets?\nAction: analyze\nDescription:\n(none)\n\n"
        + "No file is attached: answer from the task alone, with \"file\": \"\" and \"line\": 0.\n");
    assertThat(prompt.system()).contains("answering a question").doesNotContain("BEGIN");
  }

  @Test
  void aChunkOfAnotherFileIsRefused() {
    assertThatThrownBy(() -> Prompts.forChunk(task(Action.ANALYZE, "a.py"), new Chunk("b.py", 1, 1, 1, 1, "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("b.py is not one of its files");
  }

  @Test
  void theOverheadCoversTheWholePromptOfAnEmptyChunk() {
    TaskSpec task = task(Action.FIX, "a.py", "src/a/much/longer/path/to/module.py");
    Prompt prompt = Prompts.forChunk(task, new Chunk("src/a/much/longer/path/to/module.py", 12, 12, 99999, 99999, ""));

    assertThat(Prompts.overheadTokens(task)).isGreaterThanOrEqualTo(
        Chunker.estimateTokens(prompt.system()) + Chunker.estimateTokens(prompt.user()) + Prompts.CHAT_TEMPLATE_TOKENS);
  }

  @Test
  void theOverheadOfATaskWithoutFilesIsItsWholePrompt() {
    TaskSpec question = new TaskSpec("q-1", "How should we rotate secrets?", "", Priority.LOW, "", "", List.of(),
        Action.ANALYZE, null);
    Prompt prompt = Prompts.forQuestion(question);

    assertThat(Prompts.overheadTokens(question)).isEqualTo(
        Chunker.estimateTokens(prompt.system()) + Chunker.estimateTokens(prompt.user()) + Prompts.CHAT_TEMPLATE_TOKENS);
  }
}
