package dev.honest.common.config;

/**
 * The Ollama {@code options} sent, unchanged, on every request of a run. Load-time options
 * ({@code num_ctx}, {@code num_thread}) must never vary between requests: Ollama reloads the model
 * when they do.
 *
 * @param temperature sampling temperature, fixed for reproducibility (default 0)
 * @param seed sampling seed, fixed for reproducibility
 * @param numCtx context window in tokens; equals the server's {@code OLLAMA_CONTEXT_LENGTH}
 * @param numPredict cap on generated tokens per call (never -1: Ollama would allow 10 x num_ctx)
 * @param numThread threads per request, matched to the Ollama container's CPU limit; null = server default
 */
public record GenerationOptions(
    double temperature, int seed, int numCtx, int numPredict, Integer numThread) {

  public static final GenerationOptions DEFAULTS = new GenerationOptions(0.0, 42, 8192, 2048, null);

  public GenerationOptions {
    if (!(temperature >= 0 && temperature <= 2)) {
      throw new IllegalArgumentException("options.temperature must be within 0..2, got " + temperature);
    }
    if (numCtx < 512) {
      throw new IllegalArgumentException("options.num_ctx must be at least 512, got " + numCtx);
    }
    if (numPredict < 16 || numPredict >= numCtx) {
      throw new IllegalArgumentException(
          "options.num_predict must be within 16.." + (numCtx - 1) + " (below the context window), got " + numPredict);
    }
    if (numThread != null && numThread < 1) {
      throw new IllegalArgumentException("options.num_thread must be positive, got " + numThread);
    }
  }
}
