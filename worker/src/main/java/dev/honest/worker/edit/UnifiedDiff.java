package dev.honest.worker.edit;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * A git-style unified diff of one file, which {@code git apply -p1} and {@code patch -p1} accept.
 *
 * <p>Lines are compared with their terminators, so a last line without a newline differs from the
 * same text with one, and a CRLF line keeps its CR in the patch (as git writes it). A content
 * line without a terminator is followed by git's {@code \ No newline at end of file} marker,
 * which java-diff-utils does not write.
 */
final class UnifiedDiff {
  private static final int CONTEXT_LINES = 3;
  private static final String NO_NEWLINE = "\\ No newline at end of file\n";

  private UnifiedDiff() {}

  /** The diff from {@code before} to {@code after}; empty when they are equal. */
  static String of(String path, String before, String after) {
    List<String> original = lines(before);
    List<String> revised = lines(after);
    String oldName = quoted("a/" + path);
    String newName = quoted("b/" + path);
    List<String> diff = UnifiedDiffUtils.generateUnifiedDiff(
        oldName, newName, original, DiffUtils.diff(original, revised), CONTEXT_LINES);
    if (diff.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder("diff --git ").append(oldName).append(' ').append(newName).append('\n');
    // As git does, a tab ends the "---" and "+++" lines of a name with a space: GNU patch otherwise
    // takes the name to end at the space, and cannot find the file.
    String nameEnd = path.indexOf(' ') >= 0 ? "\t" : "";
    // The first two lines are the "---" and "+++" headers; content lines begin with ' ', '-' or '+',
    // so only a hunk header begins with '@'.
    for (int i = 0; i < diff.size(); i++) {
      String line = diff.get(i);
      if (i < 2) {
        out.append(line).append(nameEnd).append('\n');
      } else if (line.startsWith("@")) {
        out.append(line).append('\n');
      } else if (line.endsWith("\n")) {
        out.append(line);
      } else {
        out.append(line).append('\n').append(NO_NEWLINE);
      }
    }
    return out.toString();
  }

  /** Splits after every line feed; the last line has no terminator when the text does not end in one. */
  private static List<String> lines(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int newline = text.indexOf('\n', start);
      int end = newline < 0 ? text.length() : newline + 1;
      lines.add(text.substring(start, end));
      start = end;
    }
    return lines;
  }

  /**
   * Git's C-style quoting of a path holding a double quote, a backslash or a control character.
   * Spaces and non-ASCII characters need none: git's patch parser accepts them as they are.
   */
  static String quoted(String name) {
    if (name.chars().noneMatch(c -> c == '"' || c == '\\' || c < 0x20 || c == 0x7f)) {
      return name;
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : name.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\%03o", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
