package dev.honest.launcher.plan;

import dev.honest.common.config.GenerationOptions;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The planner's estimate of a task's LLM work, in tokens the model reads or may write. It only has
 * to rank and balance tasks, not predict run time, so it is deliberately simple:
 *
 * <ul>
 *   <li>a file of {@code B} bytes is {@code ceil(B / 4)} prompt tokens (about four bytes per token
 *       for source code and English prose);
 *   <li>one call leaves {@code num_ctx - num_predict - 512} tokens for file content (512 for the
 *       instructions around it, never fewer than 256 tokens); a longer file is split into that many
 *       chunks, one call each;
 *   <li>every call costs its file content, the 512 instruction tokens, and the {@code num_predict}
 *       tokens it may generate (generation is the slow part on a CPU, so the cap counts fully);
 *   <li>a task without files is one call: 512 + {@code num_predict} tokens.
 * </ul>
 */
public final class WorkEstimate {
  /** Tokens of instructions, task text and answer format around the file content of one call. */
  public static final int PROMPT_OVERHEAD_TOKENS = 512;

  private static final int BYTES_PER_TOKEN = 4;
  private static final int MIN_CONTENT_TOKENS = 256;

  private final Path workspace;
  private final GenerationOptions options;

  /**
   * @param workspace the directory the tasks' file paths are relative to
   * @param options the run's generation options ({@code num_ctx}, {@code num_predict})
   */
  public WorkEstimate(Path workspace, GenerationOptions options) {
    this.workspace = workspace;
    this.options = options;
  }

  /**
   * The estimated tokens of {@code task}.
   *
   * @throws IllegalArgumentException when a file of the task is not a readable regular file
   */
  public long tokens(TaskSpec task) {
    if (!task.hasFiles()) {
      return callTokens();
    }
    long total = 0;
    for (String file : task.files()) {
      long fileTokens = ceilDiv(size(task, file), BYTES_PER_TOKEN);
      long chunks = chunks(fileTokens);
      total += fileTokens + chunks * callTokens();
    }
    return total;
  }

  /** How many calls a file of {@code fileTokens} tokens needs: at least one. */
  public long chunks(long fileTokens) {
    long room = Math.max(MIN_CONTENT_TOKENS,
        (long) options.numCtx() - options.numPredict() - PROMPT_OVERHEAD_TOKENS);
    return Math.max(1, ceilDiv(fileTokens, room));
  }

  /** Tokens of one call besides its file content. */
  private long callTokens() {
    return PROMPT_OVERHEAD_TOKENS + options.numPredict();
  }

  private long size(TaskSpec task, String file) {
    Path path = workspace.resolve(file);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(
          "task " + task.id() + ": file '" + file + "' is not a regular file in workspace " + workspace);
    }
    try {
      return Files.size(path);
    } catch (IOException e) {
      throw new UncheckedIOException("task " + task.id() + ": cannot read the size of '" + file + "'", e);
    }
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
