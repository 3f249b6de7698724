package dev.honest.bench.standin;

/**
 * How long a replica's slot is busy with one chat: proportional to the tokens, as on a real
 * Ollama where prompt evaluation and generation each cost a roughly fixed time per token.
 *
 * @param promptMicrosPerToken slot time per prompt token, in microseconds
 * @param completionMicrosPerToken slot time per generated token, in microseconds
 */
public record LatencyModel(double promptMicrosPerToken, double completionMicrosPerToken) {
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
