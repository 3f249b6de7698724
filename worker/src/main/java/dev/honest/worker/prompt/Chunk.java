package dev.honest.worker.prompt;

import java.util.Objects;

/**
 * A consecutive part of one text file, small enough for one request.
 *
 * @param path workspace-relative path of the file
 * @param index 1-based position among the file's chunks
 * @param total number of chunks of the file
 * @param firstLine 1-based number of the file line this chunk starts in
 * @param lastLine 1-based number of the file line this chunk ends in; 0 for an empty file
 * @param content the exact text of this part, line terminators included: the contents of all
 *     chunks of a file, in order, concatenate to the file. A line longer than the budget is cut
 *     into pieces, so a chunk may start or end inside a line (then it shares that line's number
 *     with its neighbour).
 */
public record Chunk(String path, int index, int total, int firstLine, int lastLine, String content) {
  public Chunk {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("chunk path must not be blank");
    }
    if (total < 1 || index < 1 || index > total) {
      throw new IllegalArgumentException("chunk " + path + ": index " + index + " not within 1.." + total);
    }
    Objects.requireNonNull(content, "content");
    if (firstLine < 1 || lastLine < firstLine && !content.isEmpty()) {
      throw new IllegalArgumentException(
          "chunk " + path + ": lines " + firstLine + "-" + lastLine + " are not a valid range");
    }
  }

  /** A label such as {@code src/app.js#2/3}. */
  public String part() {
    return path + "#" + index + "/" + total;
  }
}
