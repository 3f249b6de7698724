package dev.honest.worker.edit;

/**
 * One search/replace pair proposed by the model for a {@code fix} task.
 *
 * @param file workspace-relative path; must be one of the task's files
 * @param search exact text that must occur exactly once in the file's current content
 * @param replace the text that replaces it (may be empty)
 */
public record Edit(String file, String search, String replace) {
  public Edit {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("edit file must not be blank");
    }
    if (search == null || search.isEmpty()) {
      throw new IllegalArgumentException("edit of " + file + ": search must not be empty");
    }
    if (replace == null) {
      throw new IllegalArgumentException("edit of " + file + ": replace must not be null");
    }
  }
}
