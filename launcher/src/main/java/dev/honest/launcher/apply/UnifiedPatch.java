package dev.honest.launcher.apply;

import com.github.difflib.patch.ChangeDelta;
import com.github.difflib.patch.Chunk;
import com.github.difflib.patch.Patch;
import com.github.difflib.patch.PatchFailedException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replays one file's unified diff, as the worker records it in a change, on the file's text.
 *
 * <p>The diff is read here rather than with java-diff-utils' reader because that reader drops line
 * terminators, and the recorded diffs keep them: a CRLF line keeps its CR, and a last line without
 * a newline is followed by git's {@code \ No newline at end of file}. Lines are compared with their
 * terminators, so the result is byte for byte what the worker produced. java-diff-utils then
 * applies the hunks, checking every context and removed line.
 */
final class UnifiedPatch {
  private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@");

  private UnifiedPatch() {}

  /**
   * The text after the diff, as UTF-8 bytes.
   *
   * @throws IllegalArgumentException when the diff is malformed or does not fit the text; the
   *     message says where
   */
  static byte[] apply(byte[] before, String diff) {
    List<String> original = lines(new String(before, StandardCharsets.UTF_8));
    try {
      List<String> patched = parse(diff).applyTo(original);
      return String.join("", patched).getBytes(StandardCharsets.UTF_8);
    } catch (PatchFailedException e) {
      throw new IllegalArgumentException("the diff does not fit the file: " + e.getMessage(), e);
    }
  }

  private static Patch<String> parse(String diff) {
    Patch<String> patch = new Patch<>();
    List<String> lines = lines(diff);
    int i = 0;
    while (i < lines.size() && !lines.get(i).startsWith("@@")) {
      i++;
    }
    if (i == lines.size()) {
      throw new IllegalArgumentException("the diff has no hunk");
    }
    while (i < lines.size()) {
      Matcher m = HUNK.matcher(lines.get(i));
      if (!m.find()) {
        throw new IllegalArgumentException("diff line " + (i + 1) + " is not a hunk header: " + lines.get(i).strip());
      }
      int oldStart = Integer.parseInt(m.group(1));
      int oldCount = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
      int newStart = Integer.parseInt(m.group(3));
      int newCount = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
      if (oldCount > 0 && oldStart == 0 || newCount > 0 && newStart == 0) {
        throw new IllegalArgumentException("diff line " + (i + 1) + " starts a range of lines at line 0: "
            + lines.get(i).strip());
      }
      List<String> source = new ArrayList<>();
      List<String> target = new ArrayList<>();
      // Which side(s) the previous line went to, for a following "\ No newline at end of file".
      List<List<String>> lastSides = List.of();
      i++;
      while (i < lines.size() && (source.size() < oldCount || target.size() < newCount
          || lines.get(i).startsWith("\\"))) {
        String line = lines.get(i);
        String content = line.substring(1);
        switch (line.charAt(0)) {
          case ' ' -> lastSides = List.of(source, target);
          case '-' -> lastSides = List.of(source);
          case '+' -> lastSides = List.of(target);
          case '\\' -> lastSides.forEach(UnifiedPatch::dropLastNewline);
          default -> throw new IllegalArgumentException("diff line " + (i + 1) + " is not part of a hunk: "
              + line.strip());
        }
        if (line.charAt(0) != '\\') {
          lastSides.forEach(side -> side.add(content));
        }
        i++;
      }
      if (source.size() != oldCount || target.size() != newCount) {
        throw new IllegalArgumentException("a hunk at line " + oldStart + " is cut short");
      }
      // In a unified diff an empty range names the line after which it lies.
      patch.addDelta(new ChangeDelta<>(new Chunk<>(oldCount == 0 ? oldStart : oldStart - 1, source),
          new Chunk<>(newCount == 0 ? newStart : newStart - 1, target)));
    }
    return patch;
  }

  private static void dropLastNewline(List<String> side) {
    int last = side.size() - 1;
    String line = side.get(last);
    if (line.endsWith("\n")) {
      side.set(last, line.substring(0, line.length() - 1));
    }
  }

  /** Splits after every line feed, keeping it; the last line has none when the text does not end in one. */
  private static List<String> lines(String text) {
    return text.isEmpty() ? List.of() : List.of(text.split("(?<=\n)"));
  }
}
