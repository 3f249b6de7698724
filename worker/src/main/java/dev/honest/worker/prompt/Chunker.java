package dev.honest.worker.prompt;

import dev.honest.common.config.GenerationOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text file into {@link Chunk}s so that every request fits in the model's context.
 *
 * <p>Ollama silently drops the start of a prompt longer than {@code num_ctx}, so the split must
 * never under-estimate. Tokens are estimated, without the model's tokenizer, as:
 *
 * <ul>
 *   <li>one token per two ASCII characters (code and English average three to four characters
 *       per token; punctuation-dense code, hex and base64 come closer to two), and
 *   <li>one token per UTF-8 byte of every other character (the worst case of byte-level BPE, where
 *       an unmerged byte is one token).
 * </ul>
 *
 * A line's cost is that of its listing as {@link Prompts} shows it: its number prefix ({@code
 * "12| "}), its text and one token for the line break. Lines are packed greedily in order; a chunk
 * is closed when the next line would exceed the budget. A single line whose cost exceeds the
 * budget on its own is cut into pieces at code point boundaries, each piece within the budget.
 */
public final class Chunker {
  /** Fewer content tokens than this per request would cut files into uselessly small parts. */
  public static final int MIN_BUDGET_TOKENS = 64;

  private Chunker() {}

  /** Conservative token estimate of a text (see the class comment). */
  public static int estimateTokens(CharSequence text) {
    long ascii = 0;
    long other = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = Character.codePointAt(text, i);
      if (cp < 0x80) {
        ascii++;
      } else {
        other += utf8Length(cp);
      }
      i += Character.charCount(cp);
    }
    return Math.toIntExact((ascii + 1) / 2 + other);
  }

  /**
   * Tokens left for file content in one request: {@code num_ctx} minus the reserved answer
   * ({@code num_predict}) minus the prompt without the file content ({@link
   * Prompts#overheadTokens}). For a task without files it checks that the whole prompt fits.
   *
   * @throws ContextOverflowException when fewer than {@link #MIN_BUDGET_TOKENS} remain
   */
  public static int budgetTokens(GenerationOptions options, int overheadTokens) throws ContextOverflowException {
    int budget = options.numCtx() - options.numPredict() - overheadTokens;
    if (budget < MIN_BUDGET_TOKENS) {
      throw new ContextOverflowException("num_ctx " + options.numCtx() + " leaves " + budget
          + " tokens for file content after num_predict " + options.numPredict() + " and " + overheadTokens
          + " tokens of prompt; at least " + MIN_BUDGET_TOKENS + " are needed");
    }
    return budget;
  }

  /**
   * Splits a file's text into chunks whose listings cost at most {@code budgetTokens} each. A file
   * that fits is one chunk; an empty file is one empty chunk.
   */
  public static List<Chunk> split(String path, String content, int budgetTokens) {
    if (budgetTokens < MIN_BUDGET_TOKENS) {
      throw new IllegalArgumentException(
          "chunk budget must be at least " + MIN_BUDGET_TOKENS + " tokens, got " + budgetTokens);
    }
    List<Piece> pieces = pieces(content, budgetTokens);
    List<Piece> packed = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int cost = 0;
    int first = 1;
    int last = 0;
    for (Piece piece : pieces) {
      if (cost + piece.cost > budgetTokens && text.length() > 0) {
        packed.add(new Piece(first, last, text.toString(), cost));
        text.setLength(0);
        cost = 0;
      }
      if (text.length() == 0) {
        first = piece.firstLine;
      }
      text.append(piece.text);
      cost += piece.cost;
      last = piece.lastLine;
    }
    packed.add(new Piece(first, last, text.toString(), cost));
    List<Chunk> chunks = new ArrayList<>(packed.size());
    for (int i = 0; i < packed.size(); i++) {
      Piece p = packed.get(i);
      chunks.add(new Chunk(path, i + 1, packed.size(), p.firstLine, p.lastLine, p.text));
    }
    return List.copyOf(chunks);
  }

  /** One line with its terminator, or a piece of an over-long line, and its listing cost. */
  private record Piece(int firstLine, int lastLine, String text, int cost) {}

  private static List<Piece> pieces(String content, int budget) {
    List<Piece> pieces = new ArrayList<>();
    int start = 0;
    for (int number = 1; start < content.length(); number++) {
      int newline = content.indexOf('\n', start);
      int end = newline < 0 ? content.length() : newline + 1;
      int bodyEnd = newline < 0 ? end : newline > start && content.charAt(newline - 1) == '\r' ? newline - 1 : newline;
      String body = content.substring(start, bodyEnd);
      String terminator = content.substring(bodyEnd, end);
      int prefix = estimateTokens(Prompts.linePrefix(number));
      // The "+ 1" is the line break: the listing ends every line with one, and a terminator of
      // "\n" or "\r\n" is at most one token by the estimate above.
      int cost = prefix + estimateTokens(body) + 1;
      if (cost <= budget) {
        pieces.add(new Piece(number, number, body + terminator, cost));
      } else {
        cutLine(number, body, terminator, budget - prefix - 1, prefix + 1, pieces);
      }
      start = end;
    }
    return pieces;
  }

  /** Cuts an over-long line into pieces of at most {@code room} text tokens, at code points. */
  private static void cutLine(int number, String body, String terminator, int room, int fixedCost, List<Piece> out) {
    int from = 0;
    while (from < body.length()) {
      long ascii = 0;
      long other = 0;
      int to = from;
      while (to < body.length()) {
        int cp = body.codePointAt(to);
        long nextAscii = ascii + (cp < 0x80 ? 1 : 0);
        long nextOther = other + (cp < 0x80 ? 0 : utf8Length(cp));
        if ((nextAscii + 1) / 2 + nextOther > room) {
          break;
        }
        ascii = nextAscii;
        other = nextOther;
        to += Character.charCount(cp);
      }
      String text = body.substring(from, to);
      boolean lastPiece = to == body.length();
      out.add(new Piece(number, number, lastPiece ? text + terminator : text, estimateTokens(text) + fixedCost));
      from = to;
    }
  }

  private static int utf8Length(int codePoint) {
    return codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
}
