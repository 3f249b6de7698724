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
        .hasMessage("task T-9: model 'llama 3' is not an Ollama model name (it holds a space, a control or an"
            + " invisible character), so Ollama could not pull it");
    assertThat(new TaskSpec("T-9", "t", "", Priority.LOW, "", "", List.of(), null, " ").model()).isNull();
    for (String invisible : List.of("llama3.1:8b\u00a0q", "codellama\u200b:7b")) {
      assertThat(TaskSpec.isModelName(invisible)).as(invisible).isFalse();
    }
    assertThat(TaskSpec.isModelName("hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M")).isTrue();
  }
}
