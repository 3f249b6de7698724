package dev.honest.common.result;

/**
 * One problem the model reported.
 *
 * @param file workspace-relative path, or empty for a general finding
 * @param line 1-based line in the file, or 0 when not tied to a line
 * @param severity {@code critical | high | medium | low | info}
 * @param title short summary
 * @param detail explanation
 * @param suggestion how to fix it
 */
public record Finding(String file, int line, String severity, String title, String detail, String suggestion) {
  public Finding {
    file = file == null ? "" : file;
    line = Math.max(0, line);
    severity = severity == null ? "info" : severity;
    title = title == null ? "" : title;
    detail = detail == null ? "" : detail;
    suggestion = suggestion == null ? "" : suggestion;
  }
}
