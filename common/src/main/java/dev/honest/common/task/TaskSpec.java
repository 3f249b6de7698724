package dev.honest.common.task;

import java.util.List;
import java.util.Objects;

/**
 * One task as validated from the user's task file. This record is also the canonical form the
 * launcher writes into the ConfigMap ({@code tasks.json}), which the worker reads back.
 *
 * @param id unique, non-blank
 * @param title non-blank
 * @param description may be empty
 * @param priority scheduling priority
 * @param category e.g. {@code security}; may be empty
 * @param area e.g. {@code frontend}; may be empty
 * @param files workspace-relative paths, forward slashes, no duplicates; empty for general tasks
 * @param action {@code analyze} (default) or {@code fix}
 * @param model the task's own model, or null for the default choice; no space of any kind, control
 *     or invisible character ({@link #isModelName})
 */
public record TaskSpec(
    String id,
    String title,
    String description,
    Priority priority,
    String category,
    String area,
    List<String> files,
    Action action,
    String model) {

  public TaskSpec {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("task id must not be blank");
    }
    if (title == null || title.isBlank()) {
      throw new IllegalArgumentException("task " + id + ": title must not be blank");
    }
    Objects.requireNonNull(priority, () -> "task " + id + ": priority");
    description = description == null ? "" : description;
    category = category == null ? "" : category;
    area = area == null ? "" : area;
    files = files == null ? List.of() : List.copyOf(files);
    action = action == null ? Action.ANALYZE : action;
    if (model != null && model.isBlank()) {
      model = null;
    }
    if (model != null && !isModelName(model)) {
      throw new IllegalArgumentException("task " + id + ": model '" + model + "' " + NOT_A_MODEL_NAME);
    }
  }

  /** Why a name {@link #isModelName} refuses is refused, after the quoted name. */
  public static final String NOT_A_MODEL_NAME =
      "is not an Ollama model name (it holds a space, a control or an invisible character), so Ollama could not pull it";

  /**
   * False for a name with a space of any kind, a control or an invisible character ({@link
   * TaskField#isBlank}): no Ollama model has one, so none could be pulled.
   */
  public static boolean isModelName(String model) {
    return model.chars().noneMatch(c -> TaskField.isBlank(c) || Character.isISOControl(c));
  }

  /** True when the task names files (it goes to the code model by default). */
  public boolean hasFiles() {
    return !files.isEmpty();
  }
}
