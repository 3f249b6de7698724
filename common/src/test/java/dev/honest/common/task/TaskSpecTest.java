package dev.honest.common.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskSpecTest {
  @Test
  void aModelNameOllamaCouldNotPullMakesNoTaskAndABlankOneIsTheDefault() {
    assertThatThrownBy(() -> new TaskSpec("T-9", "t", "", Priority.LOW, "", "", List.of(), null, "llama 3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("task T-9: model 'llama 3' is not an Ollama model name (it holds whitespace or a control"
            + " character), so Ollama could not pull it");
    assertThat(new TaskSpec("T-9", "t", "", Priority.LOW, "", "", List.of(), null, " ").model()).isNull();
  }
}
