package dev.honest.bench.standin;

/**
 * How long a replica's slot is busy with one chat: proportional to the tokens, as on a real
 * Ollama where prompt evaluation and generation each cost a roughly fixed time per token.
 *
 * @param promptMicrosPerToken slot time per prompt token, in microseconds
 * @param completionMicrosPerToken slot time per generated token, in microseconds
 */
public record LatencyModel(double promptMicrosPerToken, double completionMicrosPerToken) {
  /**
   * Default slot time per prompt token, µs (as option text). With the default per completion token,
   * prompt evaluation and generation take about equal shares, as on a CPU where generation is about
   * five times slower per token and a real answer is about 400 tokens long (the stand-in's answers are
   * about 65 tokens, so a completion token weighs 30 times a prompt token here).
   */
  public static final String DEFAULT_PROMPT_MICROS = "200";
  /** Default slot time per completion token, µs (as option text); see {@link #DEFAULT_PROMPT_MICROS}. */
  public static final String DEFAULT_COMPLETION_MICROS = "6000";

  public LatencyModel {
    if (!(promptMicrosPerToken >= 0) || !(completionMicrosPerToken >= 0)) {
      throw new IllegalArgumentException("latency per token must be zero or positive, got prompt "
          + promptMicrosPerToken + " µs, completion " + completionMicrosPerToken + " µs");
    }
  }

  /** The service time of a chat with these token counts, in nanoseconds. */
  public long serviceNanos(long promptTokens, long completionTokens) {
    return Math.round(1000 * (promptTokens * promptMicrosPerToken + completionTokens * completionMicrosPerToken));
  }
}
