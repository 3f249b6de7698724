package dev.honest.launcher.cli;

import dev.honest.common.config.GenerationOptions;
import dev.honest.launcher.render.RunSettings;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the run is deployed: namespace, images, Ollama's size. */
public final class DeployOptions {
  static final String DEFAULT_IMAGE = "honest-orchestration/worker:0.1.0-SNAPSHOT";
  /** The options that set each field of {@link RunSettings} (some come from {@link TaskOptions}). */
  private static final Map<String, String> OPTION_BY_FIELD = Map.ofEntries(
      Map.entry("namespace", "--namespace"),
      Map.entry("workers", "--workers"),
      Map.entry("llmReplicas", "--llm-replicas"),
      Map.entry("codeModel", "--code-model"),
      Map.entry("generalModel", "--general-model"),
      Map.entry("workerImage", "--image"),
      Map.entry("ollamaImage", "--ollama-image"),
      Map.entry("ollamaResources.cpuRequest", "--ollama-cpu"),
      Map.entry("ollamaResources.cpuLimit", "--ollama-cpu"),
      Map.entry("ollamaResources.memoryRequest", "--ollama-memory"),
      Map.entry("ollamaResources.memoryLimit", "--ollama-memory"),
      Map.entry("jobActiveDeadlineSeconds", "--timeout"),
      Map.entry("modelCachePvc", "--model-cache-pvc"),
      Map.entry("gpuCount", "--gpus"));

  @Option(names = "--namespace", paramLabel = "NAME", defaultValue = RunSettings.DEFAULT_NAMESPACE,
      description = "Namespace of the run (a DNS label), created if absent. One that exists without the label every run"
          + " puts on its namespace is left unchanged (a run makes it Pod Security restricted and denies all traffic"
          + " its policies do not allow): the launcher exits 2 saying how to label it. Default: ${DEFAULT-VALUE}")
  String namespace;

  @Option(names = "--llm-replicas", paramLabel = "N", defaultValue = "3",
      description = "Ollama replicas. Default: ${DEFAULT-VALUE}")
  int llmReplicas;

  @Option(names = "--image", paramLabel = "IMAGE", defaultValue = DEFAULT_IMAGE,
      description = "Worker image, as pushed with `mvn -pl worker -am package jib:build -Djib.to.image=IMAGE`"
          + " (pinned to a tag or digest). Default: ${DEFAULT-VALUE}")
  String image;

  @Option(names = "--ollama-image", paramLabel = "IMAGE", defaultValue = RunSettings.DEFAULT_OLLAMA_IMAGE,
      description = "Ollama server image. Default: ${DEFAULT-VALUE}")
  String ollamaImage;

  @Option(names = "--ollama-cpu", paramLabel = "CPUS",
      description = "CPU request and limit of each Ollama replica; also the threads per request. Default: 4")
  String ollamaCpu;

  @Option(names = "--ollama-memory", paramLabel = "QUANTITY",
      description = "Memory request and limit of each Ollama replica (e.g. 32Gi). Default: 32Gi (both models at the default --num-ctx hold about 29 GiB)")
  String ollamaMemory;

  @Option(names = "--model-cache-pvc", paramLabel = "CLAIM",
      description = "PersistentVolumeClaim that keeps pulled models between runs (ReadWriteMany for several replicas)")
  String modelCachePvc;

  @Option(names = "--gpus", paramLabel = "N", defaultValue = "0",
      description = "nvidia.com/gpu per Ollama replica. Default: ${DEFAULT-VALUE}")
  int gpus;

  /** The render settings for these options; an invalid value is an exit-2 error naming the option. */
  RunSettings settings(String runId, TaskOptions task, GenerationOptions options) {
    try {
      RunSettings.Builder b = RunSettings.builder(runId, image)
          .namespace(namespace)
          .workers(task.workers)
          .llmReplicas(llmReplicas)
          .codeModel(task.codeModel)
          .generalModel(task.generalModel)
          .ollamaImage(ollamaImage)
          .options(options)
          .jobActiveDeadlineSeconds(task.timeout.toSeconds())
          .modelCachePvc(modelCachePvc)
          .gpuCount(gpus);
      RunSettings.Resources r = RunSettings.builder(runId, image).build().ollamaResources();
      if (ollamaCpu != null || ollamaMemory != null) {
        b.ollamaResources(new RunSettings.Resources(
            ollamaCpu == null ? r.cpuRequest() : ollamaCpu, ollamaCpu == null ? r.cpuLimit() : ollamaCpu,
            ollamaMemory == null ? r.memoryRequest() : ollamaMemory,
            ollamaMemory == null ? r.memoryLimit() : ollamaMemory));
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw LauncherException.invalidOption(e, OPTION_BY_FIELD);
    }
  }
}
