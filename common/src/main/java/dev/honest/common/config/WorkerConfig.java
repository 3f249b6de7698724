package dev.honest.common.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Everything a worker needs besides its tasks: where Ollama is, which models, which options, and how
 * hard to try. Written by the launcher as {@code config.json} (see {@link ConfigLayout}).
 *
 * @param runId the run this worker belongs to
 * @param llmUrls Ollama base URLs (several are used round-robin, request by request)
 * @param llmResolveAll each URL names a headless Service (or any DNS name with one address per
 *     server): the worker resolves it to all its addresses at start and uses one base URL per
 *     address, so its requests spread over the servers instead of riding one connection to one of
 *     them; only {@code http} URLs (a certificate would not name the addresses). Absent in JSON: false
 * @param codeModel model for tasks that name files (default {@code codellama:7b})
 * @param generalModel model for tasks without files (default {@code llama3.1:8b})
 * @param options generation options, identical on every request
 * @param keepAlive Ollama {@code keep_alive} sent with each request (e.g. {@code "30m"}, {@code "-1"})
 * @param requestTimeoutSeconds timeout of one HTTP call, including queueing inside Ollama
 * @param maxAttempts attempts per call for retryable failures (1 = no retry)
 * @param readyTimeoutSeconds how long to wait for Ollama to list the models before giving up
 * @param zeroSimulation always true: no result is ever made up; kept explicit so results say so
 */
public record WorkerConfig(
    String runId,
    List<String> llmUrls,
    boolean llmResolveAll,
    String codeModel,
    String generalModel,
    GenerationOptions options,
    String keepAlive,
    int requestTimeoutSeconds,
    int maxAttempts,
    int readyTimeoutSeconds,
    boolean zeroSimulation) {

  public static final String DEFAULT_CODE_MODEL = "codellama:7b";
  public static final String DEFAULT_GENERAL_MODEL = "llama3.1:8b";

  public WorkerConfig {
    if (runId == null || runId.isBlank()) {
      throw new IllegalArgumentException("run_id must not be blank");
    }
    if (llmUrls == null || llmUrls.isEmpty()) {
      throw new IllegalArgumentException("llm_urls must name at least one Ollama URL");
    }
    llmUrls = List.copyOf(llmUrls);
    for (String url : llmUrls) {
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("llm_urls: not a URL: " + url);
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("llm_urls: expected http(s)://host:port, got " + url);
      }
      if (llmResolveAll && !"http".equals(uri.getScheme())) {
        throw new IllegalArgumentException("llm_resolve_all needs http URLs (a certificate names the host, not its"
            + " addresses), got " + url);
      }
    }
    codeModel = blankToDefault(codeModel, DEFAULT_CODE_MODEL);
    generalModel = blankToDefault(generalModel, DEFAULT_GENERAL_MODEL);
    options = Objects.requireNonNullElse(options, GenerationOptions.DEFAULTS);
    keepAlive = blankToDefault(keepAlive, "30m");
    if (requestTimeoutSeconds < 1) {
      throw new IllegalArgumentException("request_timeout_seconds must be positive, got " + requestTimeoutSeconds);
    }
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw new IllegalArgumentException("max_attempts must be within 1..20, got " + maxAttempts);
    }
    if (readyTimeoutSeconds < 0) {
      throw new IllegalArgumentException("ready_timeout_seconds must not be negative, got " + readyTimeoutSeconds);
    }
    if (!zeroSimulation) {
      throw new IllegalArgumentException("zero_simulation must be true: this tool never simulates results");
    }
  }

  /** A config whose URLs are used as they are ({@code llm_resolve_all} false). */
  public WorkerConfig(String runId, List<String> llmUrls, String codeModel, String generalModel,
      GenerationOptions options, String keepAlive, int requestTimeoutSeconds, int maxAttempts,
      int readyTimeoutSeconds, boolean zeroSimulation) {
    this(runId, llmUrls, false, codeModel, generalModel, options, keepAlive, requestTimeoutSeconds, maxAttempts,
        readyTimeoutSeconds, zeroSimulation);
  }

  /** The same config with other Ollama URLs, used as they are: what a worker has after expanding its URLs. */
  public WorkerConfig withLlmUrls(List<String> urls) {
    return new WorkerConfig(runId, urls, false, codeModel, generalModel, options, keepAlive, requestTimeoutSeconds,
        maxAttempts, readyTimeoutSeconds, zeroSimulation);
  }

  /** A config with the defaults for everything but the run id and the Ollama URLs. */
  public static WorkerConfig defaults(String runId, List<String> llmUrls) {
    return new WorkerConfig(runId, llmUrls, null, null, null, null, 600, 4, 300, true);
  }

  private static String blankToDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
