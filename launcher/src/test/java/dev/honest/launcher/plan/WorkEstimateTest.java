package dev.honest.launcher.plan;

import static dev.honest.launcher.TestTasks.general;
import static dev.honest.launcher.TestTasks.withFiles;
import static dev.honest.launcher.TestTasks.writeText;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.config.GenerationOptions;
import dev.honest.common.task.Priority;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkEstimateTest {
  // num_ctx 4096, num_predict 1024: 4096 - 1024 - 512 = 2560 tokens of file content per call.
  private static final GenerationOptions OPTIONS = new GenerationOptions(0, 1, 4096, 1024, null);
  private static final long PER_CALL = WorkEstimate.PROMPT_OVERHEAD_TOKENS + 1024;

  @TempDir Path workspace;

  @Test
  void aTaskWithoutFilesIsOneCall() {
    WorkEstimate estimate = new WorkEstimate(workspace, OPTIONS);

    assertThat(estimate.tokens(general("t", Priority.LOW, "", ""))).isEqualTo(PER_CALL);
  }

  @Test
  void aFileThatFitsTheContextIsOneCallPlusItsTokens() {
    writeText(workspace, "a.py", 4_000);
    WorkEstimate estimate = new WorkEstimate(workspace, OPTIONS);

    assertThat(estimate.tokens(withFiles("t", Priority.LOW, "", "", "a.py"))).isEqualTo(1_000 + PER_CALL);
  }

  @Test
  void aFileLongerThanTheContextRoomIsSplitIntoChunksOfOneCallEach() {
    writeText(workspace, "big.py", 40_000);
    WorkEstimate estimate = new WorkEstimate(workspace, OPTIONS);

    assertThat(estimate.chunks(10_000)).isEqualTo(4);
    assertThat(estimate.tokens(withFiles("t", Priority.LOW, "", "", "big.py"))).isEqualTo(10_000 + 4 * PER_CALL);
  }

  @Test
  void theFilesOfATaskAddUp() {
    writeText(workspace, "a.py", 400);
    writeText(workspace, "b/c.py", 800);
    WorkEstimate estimate = new WorkEstimate(workspace, OPTIONS);

    assertThat(estimate.tokens(withFiles("t", Priority.LOW, "", "", "a.py", "b/c.py")))
        .isEqualTo(100 + 200 + 2 * PER_CALL);
  }
}
