package dev.honest.common.task;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The fields of a task in a task file and the column names that mean each one. A key is compared
 * after {@link #normalizeKey}, so {@code Task ID}, {@code task_id} and {@code TASK-ID} all mean
 * {@link #ID}.
 */
enum TaskField {
  ID("id", "taskid", "tasknumber", "taskno"),
  TITLE("title", "taskname", "name", "summary"),
  DESCRIPTION("description", "details", "taskdescription"),
  PRIORITY("priority"),
  CATEGORY("category", "type"),
  AREA("area", "component", "module"),
  FILES("files", "file", "filepath", "filepaths", "path", "paths"),
  ACTION("action"),
  MODEL("model");

  private final Set<String> keys;

  TaskField(String... keys) {
    this.keys = Set.of(keys);
  }

  /** The field's name in problem messages. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The field a key names, or empty for a key that is ignored. */
  static Optional<TaskField> forKey(String key) {
    String normalized = normalizeKey(key);
    for (TaskField field : values()) {
      if (field.keys.contains(normalized)) {
        return Optional.of(field);
      }
    }
    return Optional.empty();
  }

  /**
   * Lower case without spaces (any space character, such as a no-break space, too), underscores,
   * hyphens or invisible format characters (a byte-order mark a CSV-to-JSON conversion left at the
   * start of the first key, a zero-width space): the form keys are compared in.
   */
  static String normalizeKey(String key) {
    StringBuilder normalized = new StringBuilder(key.length());
    key.toLowerCase(Locale.ROOT).codePoints().filter(c -> !isBlank(c) && c != '_' && c != '-')
        .forEach(normalized::appendCodePoint);
    return normalized.toString();
  }

  /**
   * White space, any space character (a no-break space, which a spreadsheet cell easily holds) or an
   * invisible format character (a zero-width space, a byte-order mark): what keys leave out, values
   * are trimmed of, and no model name holds.
   */
  static boolean isBlank(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.getType(c) == Character.FORMAT;
  }
}
