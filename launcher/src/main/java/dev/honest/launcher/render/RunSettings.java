package dev.honest.launcher.render;

import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.task.TaskSpec;
import dev.honest.common.text.Escaped;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the renderer needs to know about a run besides its tasks. Validated on construction;
 * messages name the field. Build one with {@link #builder(String, String)}.
 *
 * <p>Sizing Ollama: both models stay loaded (about 3.8 GB + 4.9 GB of weights), and each of the
 * {@code OLLAMA_NUM_PARALLEL} slots holds a KV cache of {@code num_ctx} tokens per model (about
 * 512 KiB per token for CodeLlama 7B, 128 KiB for Llama 3.1 8B, in f16). At {@code num_ctx} 8192
 * and 4 parallel slots that is about 20 GiB of cache, about 29 GiB with the weights and compute
 * buffers, hence 32 GiB requested and as the limit by default: memory is not compressible, and a
 * request below what a replica holds lets two land on a node that cannot hold them. Ollama does
 * not size itself from the cgroup limit: too small a limit means OOMKilled.
 *
 * @param namespace run namespace (DNS label)
 * @param runId run id, also a label value on every run object
 * @param workers number of worker Jobs requested (fewer when there are fewer tasks)
 * @param llmReplicas Ollama replicas
 * @param codeModel model for tasks with files
 * @param generalModel model for tasks without files
 * @param workerImage the worker image, pinned to a tag or digest
 * @param ollamaImage the Ollama image, pinned to a tag or digest ({@code ollama/ollama:<version>})
 * @param options generation options; {@code num_thread} is replaced by the Ollama CPU limit
 * @param ollamaResources CPU and memory of each Ollama container (the CPU limit sets {@code
 *     num_thread})
 * @param workerResources CPU and memory of each worker container
 * @param requestTimeoutSeconds the worker's timeout for one Ollama call, queueing included
 * @param jobActiveDeadlineSeconds wall-clock budget of each worker Job
 * @param modelCachePvc PersistentVolumeClaim holding the Ollama models instead of an emptyDir, or
 *     null; shared by all replicas, so it must be ReadWriteMany unless there is one replica
 * @param gpuCount {@code nvidia.com/gpu} per Ollama replica, 0 for CPU only
 */
public record RunSettings(
    String namespace,
    String runId,
    int workers,
    int llmReplicas,
    String codeModel,
    String generalModel,
    String workerImage,
    String ollamaImage,
    GenerationOptions options,
    Resources ollamaResources,
    Resources workerResources,
    int requestTimeoutSeconds,
    long jobActiveDeadlineSeconds,
    String modelCachePvc,
    int gpuCount) {

  public static final String DEFAULT_NAMESPACE = "honest-orchestration";
  public static final String DEFAULT_OLLAMA_IMAGE = "ollama/ollama:0.32.15";

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  /** As {@code --workers} allows. */
  private static final int MAX_WORKERS = 500;
  private static final int MAX_REPLICAS = 100;

  public RunSettings {
    requireNamespace(namespace);
    require(runId != null && LABEL_VALUE.matcher(runId).matches(),
        "runId must be a label value (letters, digits, '-', '_', '.', at most 63, alphanumeric at both ends), got '"
            + runId + "'");
    require(workers >= 1 && workers <= MAX_WORKERS, "workers must be within 1.." + MAX_WORKERS + ", got " + workers);
    require(llmReplicas >= 1 && llmReplicas <= MAX_REPLICAS,
        "llmReplicas must be within 1.." + MAX_REPLICAS + ", got " + llmReplicas);
    requireModel("codeModel", codeModel);
    requireModel("generalModel", generalModel);
    requirePinned("workerImage", workerImage);
    requirePinned("ollamaImage", ollamaImage);
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(ollamaResources, "ollamaResources").validate("ollamaResources");
    Objects.requireNonNull(workerResources, "workerResources").validate("workerResources");
    require(requestTimeoutSeconds >= 1, "requestTimeoutSeconds must be positive, got " + requestTimeoutSeconds);
    require(jobActiveDeadlineSeconds >= 1,
        "jobActiveDeadlineSeconds must be positive, got " + jobActiveDeadlineSeconds);
    if (modelCachePvc != null && modelCachePvc.isBlank()) {
      modelCachePvc = null;
    }
    require(modelCachePvc == null || DNS_SUBDOMAIN.matcher(modelCachePvc).matches(),
        "modelCachePvc must be a PersistentVolumeClaim name (DNS subdomain), got '" + modelCachePvc + "'");
    require(gpuCount >= 0 && gpuCount <= 16, "gpuCount must be within 0..16, got " + gpuCount);
  }

  /** Defaults for everything but the run id and the worker image. */
  public static Builder builder(String runId, String workerImage) {
    return new Builder(runId, workerImage);
  }

  /**
   * Threads Ollama may use per request: the whole CPUs of the Ollama CPU limit, at least one.
   * Without it Ollama counts the host's cores, not the container's quota (ollama#17916), and runs
   * up to ~45x slower.
   */
  public int ollamaThreads() {
    BigDecimal cores = Quantity.parse(ollamaResources.cpuLimit()).getNumericalAmount();
    return Math.max(1, cores.intValue());
  }

  /**
   * A model every Ollama replica pulls before it may become Ready: a name with whitespace or a
   * control character, which no Ollama model has, could never be pulled, and the run would wait for
   * Ollama in vain until its timeout.
   */
  private static void requireModel(String field, String model) {
    require(model != null && !model.isBlank(), field + " must not be blank");
    require(TaskSpec.isModelName(model),
        field + " must be an Ollama model name (no space of any kind, control or invisible character), got '"
            + Escaped.oneLine(model) + "'");
  }

  private static void requirePinned(String field, String image) {
    require(image != null && !image.isBlank(), field + " must not be blank");
    String lastPart = image.substring(image.lastIndexOf('/') + 1);
    require(image.contains("@sha256:") || lastPart.contains(":") && !lastPart.endsWith(":latest"),
        field + " must be pinned to a tag or digest (not latest), got '" + image + "'");
  }

  /**
   * The rule for a run namespace, which every command that takes {@code --namespace} applies.
   *
   * @throws IllegalArgumentException starting with {@code namespace } when it is not a DNS label
   */
  public static void requireNamespace(String namespace) {
    require(namespace != null && DNS_LABEL.matcher(namespace).matches(),
        "namespace must be a DNS label (lower-case letters, digits, '-', at most 63), got '" + namespace + "'");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * CPU and memory requests and limits of one container, as Kubernetes quantities ({@code 500m},
   * {@code 4}, {@code 512Mi}, {@code 32Gi}).
   */
  public record Resources(String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit) {
    /** Throws {@link IllegalArgumentException} naming {@code field} unless each is a positive quantity and no request exceeds its limit. */
    void validate(String field) {
      BigDecimal cpuReq = amount(field + ".cpuRequest", cpuRequest, false);
      BigDecimal cpuLim = amount(field + ".cpuLimit", cpuLimit, false);
      BigDecimal memReq = amount(field + ".memoryRequest", memoryRequest, true);
      BigDecimal memLim = amount(field + ".memoryLimit", memoryLimit, true);
      require(cpuReq.compareTo(cpuLim) <= 0,
          field + ".cpuRequest (" + cpuRequest + ") must not exceed cpuLimit (" + cpuLimit + ")");
      require(memReq.compareTo(memLim) <= 0,
          field + ".memoryRequest (" + memoryRequest + ") must not exceed memoryLimit (" + memoryLimit + ")");
    }

    private static BigDecimal amount(String field, String text, boolean bytes) {
      require(text != null && !text.isBlank(), field + " must not be blank");
      BigDecimal value;
      try {
        Quantity q = Quantity.parse(text);
        value = bytes ? Quantity.getAmountInBytes(q) : q.getNumericalAmount();
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new IllegalArgumentException(field + " is not a Kubernetes quantity: '" + text + "'");
      }
      require(value.signum() > 0, field + " must be positive, got '" + text + "'");
      return value;
    }
  }

  /** Fluent construction with the defaults of a run; {@link #build()} validates. */
  public static final class Builder {
    private String namespace = DEFAULT_NAMESPACE;
    private final String runId;
    private int workers = 12;
    private int llmReplicas = 3;
    private String codeModel = WorkerConfig.DEFAULT_CODE_MODEL;
    private String generalModel = WorkerConfig.DEFAULT_GENERAL_MODEL;
    private final String workerImage;
    private String ollamaImage = DEFAULT_OLLAMA_IMAGE;
    private GenerationOptions options = GenerationOptions.DEFAULTS;
    private Resources ollamaResources = new Resources("4", "4", "32Gi", "32Gi");
    private Resources workerResources = new Resources("250m", "1", "384Mi", "512Mi");
    private int requestTimeoutSeconds = 1800;
    private long jobActiveDeadlineSeconds = 4 * 3600;
    private String modelCachePvc;
    private int gpuCount;

    private Builder(String runId, String workerImage) {
      this.runId = runId;
      this.workerImage = workerImage;
    }

    public Builder namespace(String value) {
      namespace = value;
      return this;
    }

    public Builder workers(int value) {
      workers = value;
      return this;
    }

    public Builder llmReplicas(int value) {
      llmReplicas = value;
      return this;
    }

    public Builder codeModel(String value) {
      codeModel = value;
      return this;
    }

    public Builder generalModel(String value) {
      generalModel = value;
      return this;
    }

    public Builder ollamaImage(String value) {
      ollamaImage = value;
      return this;
    }

    public Builder options(GenerationOptions value) {
      options = value;
      return this;
    }

    public Builder ollamaResources(Resources value) {
      ollamaResources = value;
      return this;
    }

    public Builder workerResources(Resources value) {
      workerResources = value;
      return this;
    }

    public Builder requestTimeoutSeconds(int value) {
      requestTimeoutSeconds = value;
      return this;
    }

    public Builder jobActiveDeadlineSeconds(long value) {
      jobActiveDeadlineSeconds = value;
      return this;
    }

    public Builder modelCachePvc(String value) {
      modelCachePvc = value;
      return this;
    }

    public Builder gpuCount(int value) {
      gpuCount = value;
      return this;
    }

    public RunSettings build() {
      return new RunSettings(namespace, runId, workers, llmReplicas, codeModel, generalModel, workerImage,
          ollamaImage, options, ollamaResources, workerResources, requestTimeoutSeconds,
          jobActiveDeadlineSeconds, modelCachePvc, gpuCount);
    }
  }
}
