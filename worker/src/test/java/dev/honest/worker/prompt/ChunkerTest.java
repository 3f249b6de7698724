package dev.honest.worker.prompt;

import static dev.honest.worker.prompt.Tasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.config.GenerationOptions;
import dev.honest.common.task.Action;
import dev.honest.common.task.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {
  private static final String PATH = "src/app.js";

  @Test
  void asciiCostsOneTokenPerTwoCharactersAndOtherCharactersOnePerUtf8Byte() {
    assertThat(Chunker.estimateTokens("")).isZero();
    assertThat(Chunker.estimateTokens("abc")).isEqualTo(2);
    assertThat(Chunker.estimateTokens("abcd")).isEqualTo(2);
    assertThat(Chunker.estimateTokens("é")).isEqualTo(2);
    assertThat(Chunker.estimateTokens("€")).isEqualTo(3);
    assertThat(Chunker.estimateTokens("😀")).isEqualTo(4);
  }

  @Test
  void aFileLargerThanTheBudgetIsSplitSoEveryRequestFitsTheContext() throws Exception {
    GenerationOptions options = new GenerationOptions(0, 42, 2048, 512, null);
    TaskSpec task = task(Action.FIX, PATH);
    int budget = Chunker.budgetTokens(options, Prompts.overheadTokens(task));
    String content = sourceFile(3000);

    List<Chunk> chunks = Chunker.split(PATH, content, budget);

    assertThat(chunks).hasSizeGreaterThan(5);
    for (Chunk chunk : chunks) {
      Prompt prompt = Prompts.forChunk(task, chunk);
      int request = Chunker.estimateTokens(prompt.system()) + Chunker.estimateTokens(prompt.user())
          + Prompts.CHAT_TEMPLATE_TOKENS;
      assertThat(request).as(chunk.part()).isLessThanOrEqualTo(options.numCtx() - options.numPredict());
      assertThat(listingCost(prompt)).as(chunk.part()).isLessThanOrEqualTo(budget);
    }
    // Greedy packing: no chunk but the last is less than half full.
    chunks.subList(0, chunks.size() - 1).forEach(chunk ->
        assertThat(listingCost(Prompts.forChunk(task, chunk))).as(chunk.part()).isGreaterThan(budget / 2));
  }

  @Test
  void chunksCoverEveryLineOnceInOrderWithTheirFirstLineNumbers() {
    String content = sourceFile(3000);

    List<Chunk> chunks = Chunker.split(PATH, content, 300);

    assertThat(String.join("", chunks.stream().map(Chunk::content).toList())).isEqualTo(content);
    int nextLine = 1;
    for (int i = 0; i < chunks.size(); i++) {
      Chunk chunk = chunks.get(i);
      assertThat(chunk.index()).isEqualTo(i + 1);
      assertThat(chunk.total()).isEqualTo(chunks.size());
      assertThat(chunk.part()).isEqualTo(PATH + "#" + (i + 1) + "/" + chunks.size());
      assertThat(chunk.content()).endsWith("\n");
      assertThat(chunk.firstLine()).isEqualTo(nextLine);
      assertThat(chunk.lastLine()).isEqualTo(nextLine + lineFeeds(chunk.content()) - 1);
      assertThat(content.lines().skip(chunk.firstLine() - 1).findFirst().orElseThrow())
          .isEqualTo(chunk.content().lines().findFirst().orElseThrow());
      nextLine = chunk.lastLine() + 1;
    }
    assertThat(nextLine - 1).isEqualTo(3000);
  }

  @Test
  void aFileThatFitsIsOneChunk() {
    String content = "const a = 1;\r\nconst b = 2;\r\nexport { a, b };";

    List<Chunk> chunks = Chunker.split(PATH, content, 1000);

    assertThat(chunks).containsExactly(new Chunk(PATH, 1, 1, 1, 3, content));
  }

  @Test
  void anEmptyFileIsOneEmptyChunk() {
    assertThat(Chunker.split(PATH, "", 100)).containsExactly(new Chunk(PATH, 1, 1, 1, 0, ""));
  }

  @Test
  void aSingleLineLongerThanTheBudgetIsCutIntoPiecesAtCodePoints() {
    String longLine = "const data = '" + "ab😀é".repeat(2000) + "';";
    String content = "// header\n" + longLine + "\n// footer\n";
    int budget = 200;

    List<Chunk> chunks = Chunker.split(PATH, content, budget);

    assertThat(chunks).hasSizeGreaterThan(10);
    assertThat(String.join("", chunks.stream().map(Chunk::content).toList())).isEqualTo(content);
    assertThat(chunks.get(0).firstLine()).isEqualTo(1);
    assertThat(chunks.get(chunks.size() - 1).lastLine()).isEqualTo(3);
    TaskSpec task = task(Action.ANALYZE, PATH);
    for (Chunk chunk : chunks.subList(1, chunks.size() - 1)) {
      assertThat(chunk.firstLine()).as(chunk.part()).isEqualTo(2);
      assertThat(chunk.lastLine()).as(chunk.part()).isEqualTo(2);
    }
    for (Chunk chunk : chunks) {
      assertThat(Character.isLowSurrogate(chunk.content().charAt(0))).as(chunk.part()).isFalse();
      assertThat(Character.isHighSurrogate(chunk.content().charAt(chunk.content().length() - 1)))
          .as(chunk.part()).isFalse();
      assertThat(listingCost(Prompts.forChunk(task, chunk))).as(chunk.part()).isLessThanOrEqualTo(budget);
    }
  }

  @Test
  void aContextTooSmallForTheReservedAnswerAndPromptIsAnOverflow() {
    GenerationOptions options = new GenerationOptions(0, 42, 1024, 900, null);

    assertThatThrownBy(() -> Chunker.budgetTokens(options, 100))
        .isInstanceOf(ContextOverflowException.class)
        .hasMessage("num_ctx 1024 leaves 24 tokens for file content after num_predict 900 and 100 tokens of prompt;"
            + " at least 64 are needed");
  }

  @Test
  void theBudgetIsWhatTheContextLeavesAfterAnswerAndPrompt() throws Exception {
    assertThat(Chunker.budgetTokens(new GenerationOptions(0, 42, 8192, 2048, null), 900)).isEqualTo(5244);
  }

  @Test
  void aBudgetBelowTheMinimumIsRefused() {
    assertThatThrownBy(() -> Chunker.split(PATH, "x", 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 64");
  }

  @Test
  void eachUtf8LengthStartsAtItsFirstCodePoint() {
    assertThat(Chunker.estimateTokens("\u007f")).isEqualTo(1);
    assertThat(Chunker.estimateTokens("\u0080")).isEqualTo(2);
    assertThat(Chunker.estimateTokens("\u07ff")).isEqualTo(2);
    assertThat(Chunker.estimateTokens("\u0800")).isEqualTo(3);
    assertThat(Chunker.estimateTokens("\uffff")).isEqualTo(3);
    assertThat(Chunker.estimateTokens(new String(Character.toChars(0x10000)))).isEqualTo(4);
  }

  @Test
  void aBudgetOfExactlyTheMinimumIsAccepted() throws Exception {
    assertThat(Chunker.budgetTokens(new GenerationOptions(0, 42, 1024, 900, null), 60)).isEqualTo(64);
    assertThat(Chunker.split(PATH, "x\n", 64)).containsExactly(new Chunk(PATH, 1, 1, 1, 1, "x\n"));
  }

  @Test
  void linesAreCostedExactlySoAChunkHoldsWhatFillsTheBudgetAndNotOneLineMore() {
    // "N| ab" and its line break: 2 + 1 + 1 = 4 tokens a line; 16 lines fill 64 exactly.
    assertThat(Chunker.split(PATH, "ab\n".repeat(16), 64)).hasSize(1);
    assertThat(Chunker.split(PATH, "ab\r\n".repeat(16), 64)).hasSize(1);
    assertThat(Chunker.split(PATH, "ab\n".repeat(17), 64)).extracting(Chunk::lastLine).containsExactly(16, 17);
    // "N| abc" and its line break: 2 + 2 + 1 = 5 tokens a line (the line feed is not part of its text).
    assertThat(Chunker.split(PATH, "abc\n".repeat(13), 65)).hasSize(1);
    assertThat(Chunker.split(PATH, "abc\n".repeat(14), 65)).extracting(Chunk::lastLine).containsExactly(13, 14);
  }

  @Test
  void aFileThatBeginsWithAnEmptyLineIsStillSplitWithinTheBudget() {
    String content = "\n" + sourceFile(40);
    TaskSpec task = task(Action.ANALYZE, PATH);

    List<Chunk> chunks = Chunker.split(PATH, content, 64);

    assertThat(chunks).hasSizeGreaterThan(5);
    assertThat(String.join("", chunks.stream().map(Chunk::content).toList())).isEqualTo(content);
    assertThat(chunks.get(0).content()).startsWith("\n  const value1 = ");
    for (Chunk chunk : chunks) {
      assertThat(listingCost(Prompts.forChunk(task, chunk))).as(chunk.part()).isLessThanOrEqualTo(64);
    }
  }

  @Test
  void anOverLongLineIsCutIntoPiecesThatFillTheRoomLeftByItsPrefixAndLineBreak() {
    // Line 1: prefix "1| " (2 tokens) and the line break (1) leave 61 tokens, 122 ASCII characters or 30 of U+0080.
    String ascii = "x".repeat(222);

    List<Chunk> chunks = Chunker.split(PATH, ascii + "\n" + "ab\n".repeat(4), 64);

    assertThat(chunks).extracting(Chunk::content).containsExactly(
        "x".repeat(122),
        // the last piece costs 50 + 3 tokens: two lines of 4 tokens more fit, a third does not
        "x".repeat(100) + "\nab\nab\n",
        "ab\nab\n");
    assertThat(Chunker.split(PATH, "\u0080".repeat(45), 64)).extracting(Chunk::content)
        .containsExactly("\u0080".repeat(30), "\u0080".repeat(15));
  }

  /** Lines of code-like text of varying length, some with non-ASCII characters. */
  private static String sourceFile(int lines) {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i <= lines; i++) {
      out.append("  ".repeat(i % 4)).append("const value").append(i).append(" = compute(")
          .append("x".repeat(i % 37)).append(i % 11 == 0 ? ", \"prix: 12 €\"" : "").append(");\n");
    }
    return out.toString();
  }

  /** The estimated cost of the numbered listing between the BEGIN and END markers. */
  private static int listingCost(Prompt prompt) {
    String user = prompt.user();
    int begin = user.indexOf('\n', user.indexOf("----- BEGIN ")) + 1;
    int end = user.indexOf("----- END ");
    return Chunker.estimateTokens(user.substring(begin, end));
  }

  private static int lineFeeds(String text) {
    return (int) text.chars().filter(c -> c == '\n').count();
  }
}
