package dev.honest.common.text;

import java.util.Locale;

/**
 * Text quoted on one line for people to read: every control character (C0 and C1, so also ESC, CR
 * and NEL) and the Unicode line and paragraph separators escaped as in Java source ({@code \n},
 * <code>&#92;u001b</code>), so that text quoted from a model's answer, a file, a task file or the
 * results can neither start a line of its own nor drive a terminal; and every invisible format
 * character (a zero-width space, a byte-order mark, a bidirectional override, a tag character beyond
 * the basic plane, shown as its two UTF-16 halves) and every space but
 * U+0020 (a no-break space) escaped too, so that two texts that differ only in those do not read the
 * same and none is shown reordered.
 */
public final class Escaped {
  private Escaped() {}

  /** {@code text} on one line; {@code "null"} for null. */
  public static String oneLine(String text) {
    return oneLine(text, null);
  }

  /**
   * {@code text} on one line, with the last character of every occurrence of {@code mark} escaped
   * too, so that no reader looking for {@code mark} finds it.
   *
   * @param mark text that must not appear, or null
   */
  public static String oneLine(String text, String mark) {
    if (text == null) {
      return "null";
    }
    StringBuilder line = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = mustEscape(text, i);
      boolean marked = mark != null && i >= mark.length() - 1 && c == mark.charAt(mark.length() - 1)
          && text.startsWith(mark, i - (mark.length() - 1));
      if ((control || marked) && line == null) {
        line = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (line == null) {
        continue;
      }
      if (!control && !marked) {
        line.append(c);
      } else if (c == '\n') {
        line.append("\\n");
      } else if (c == '\r') {
        line.append("\\r");
      } else if (c == '\t') {
        line.append("\\t");
      } else {
        line.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return line == null ? text : line.toString();
  }

  /** The character at {@code i}, or the character both halves of a surrogate pair make (a tag character). */
  private static boolean mustEscape(String text, int i) {
    char c = text.charAt(i);
    if (c < 0x7f) {
      return c < 0x20;
    }
    boolean second = Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    int type = Character.getType(text.codePointAt(second ? i - 1 : i));
    return Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.FORMAT || type == Character.SPACE_SEPARATOR;
  }
}
