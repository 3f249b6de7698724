package dev.honest.launcher.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.config.GenerationOptions;
import org.junit.jupiter.api.Test;

class RunSettingsTest {
  private static RunSettings.Builder valid() {
    return RunSettings.builder("run-1", "registry.example/honest-worker:1.0");
  }

  @Test
  void theDefaultsDescribeTheStandardRun() {
    RunSettings s = valid().build();

    assertThat(s.namespace()).isEqualTo("honest-orchestration");
    assertThat(s.workers()).isEqualTo(12);
    assertThat(s.llmReplicas()).isEqualTo(3);
    assertThat(s.codeModel()).isEqualTo("codellama:7b");
    assertThat(s.generalModel()).isEqualTo("llama3.1:8b");
    assertThat(s.ollamaImage()).isEqualTo("ollama/ollama:0.32.15");
    assertThat(s.options()).isEqualTo(GenerationOptions.DEFAULTS);
    assertThat(s.modelCachePvc()).isNull();
    assertThat(s.gpuCount()).isZero();
    assertThat(s.ollamaThreads()).isEqualTo(4);
  }

  /**
   * Memory is not compressible: a request below what a replica holds lets the scheduler put two on a
   * node that cannot hold them, and the node then evicts or kills them in the middle of the run. The
   * default models at the default context in the most parallel slots the renderer sets hold about 29
   * GiB: the weights (codellama:7b 3.8 GB, llama3.1:8b 4.9 GB), a KV cache of num_ctx tokens per slot
   * and model (f16: 512 KiB a token for CodeLlama 7B, which has no grouped-query attention, 128 KiB
   * for Llama 3.1 8B) and about 1 GiB of compute buffers.
   */
  @Test
  void theDefaultOllamaMemoryRequestHoldsBothDefaultModelsAtTheDefaultContextInEverySlot() {
    RunSettings s = valid().build();
    double gib = 1024.0 * 1024 * 1024;
    double tokens = (double) s.options().numCtx() * OllamaManifests.MAX_NUM_PARALLEL;
    double held = (3.8e9 + 4.9e9) / gib + tokens * (512 + 128) * 1024 / gib + 1;

    assertThat(held).isBetween(28.0, 30.0);
    assertThat(gibibytes(s.ollamaResources().memoryRequest())).isGreaterThanOrEqualTo(held);
    assertThat(s.ollamaResources().memoryRequest()).isEqualTo(s.ollamaResources().memoryLimit());
  }

  private static double gibibytes(String quantity) {
    assertThat(quantity).endsWith("Gi");
    return Double.parseDouble(quantity.substring(0, quantity.length() - 2));
  }

  @Test
  void ollamaThreadsAreTheWholeCpusOfTheLimitAndAtLeastOne() {
    assertThat(valid().ollamaResources(new RunSettings.Resources("1", "3900m", "8Gi", "8Gi")).build().ollamaThreads())
        .isEqualTo(3);
    assertThat(valid().ollamaResources(new RunSettings.Resources("250m", "500m", "8Gi", "8Gi")).build().ollamaThreads())
        .isEqualTo(1);
  }

  @Test
  void eachInvalidFieldIsRejectedByName() {
    assertThatThrownBy(() -> valid().namespace("Honest_NS").build()).hasMessageStartingWith("namespace must be a DNS label");
    assertThatThrownBy(() -> RunSettings.builder("run 1", "w:1").build()).hasMessageStartingWith("runId must be a label value");
    assertThatThrownBy(() -> valid().workers(0).build()).hasMessage("workers must be within 1..500, got 0");
    assertThatThrownBy(() -> valid().llmReplicas(0).build()).hasMessage("llmReplicas must be within 1..100, got 0");
    assertThatThrownBy(() -> valid().codeModel(" ").build()).hasMessage("codeModel must not be blank");
    assertThatThrownBy(() -> valid().generalModel(null).build()).hasMessage("generalModel must not be blank");
    assertThatThrownBy(() -> valid().jobActiveDeadlineSeconds(0).build())
        .hasMessage("jobActiveDeadlineSeconds must be positive, got 0");
    assertThatThrownBy(() -> valid().requestTimeoutSeconds(0).build())
        .hasMessage("requestTimeoutSeconds must be positive, got 0");
    assertThatThrownBy(() -> valid().modelCachePvc("Models!").build()).hasMessageStartingWith("modelCachePvc must be");
    assertThatThrownBy(() -> valid().gpuCount(-1).build()).hasMessage("gpuCount must be within 0..16, got -1");
  }

  @Test
  void imagesMustBePinnedToATagOrDigest() {
    assertThatThrownBy(() -> valid().ollamaImage("ollama/ollama").build()).hasMessageStartingWith("ollamaImage must be pinned");
    assertThatThrownBy(() -> valid().ollamaImage("ollama/ollama:latest").build()).hasMessageStartingWith("ollamaImage must be pinned");
    assertThatThrownBy(() -> RunSettings.builder("run-1", "localhost:5000/worker").build())
        .hasMessageStartingWith("workerImage must be pinned");
    assertThat(valid().ollamaImage("ollama/ollama@sha256:" + "a".repeat(64)).build().ollamaImage()).contains("@sha256:");
    assertThat(RunSettings.builder("run-1", "localhost:5000/worker:0.1").build().workerImage()).endsWith(":0.1");
  }

  @Test
  void resourcesMustBeQuantitiesWithRequestsWithinLimits() {
    assertThatThrownBy(() -> valid().ollamaResources(new RunSettings.Resources("4", "2", "8Gi", "8Gi")).build())
        .hasMessage("ollamaResources.cpuRequest (4) must not exceed cpuLimit (2)");
    assertThatThrownBy(() -> valid().workerResources(new RunSettings.Resources("1", "1", "1Gi", "512Mi")).build())
        .hasMessage("workerResources.memoryRequest (1Gi) must not exceed memoryLimit (512Mi)");
    assertThatThrownBy(() -> valid().workerResources(new RunSettings.Resources("1", "lots", "1Gi", "1Gi")).build())
        .hasMessage("workerResources.cpuLimit is not a Kubernetes quantity: 'lots'");
    assertThatThrownBy(() -> valid().workerResources(new RunSettings.Resources("0", "1", "1Gi", "1Gi")).build())
        .hasMessage("workerResources.cpuRequest must be positive, got '0'");
    assertThatThrownBy(() -> valid().workerResources(new RunSettings.Resources("1", "1", null, "1Gi")).build())
        .hasMessage("workerResources.memoryRequest must not be blank");
  }

  @Test
  void aBlankModelCacheMeansNone() {
    assertThat(valid().modelCachePvc(" ").build().modelCachePvc()).isNull();
  }
}
