package dev.honest.common.result;

/**
 * One HTTP call to Ollama, successful or not.
 *
 * @param model the model asked
 * @param url the Ollama base URL the call went to
 * @param part which part of the task this call served, e.g. {@code "src/app.js#2/3"} or {@code "task"}
 * @param httpStatus the status received, or 0 when no response came (connection refused, a timeout
 *     before the status line); a body that then broke off or came too slowly keeps the status, with
 *     no response hashes and the reason in {@code error}
 * @param promptTokens {@code prompt_eval_count} as the server reported it (0 when absent)
 * @param completionTokens {@code eval_count} as the server reported it (0 when absent)
 * @param serverDurationNs {@code total_duration} as the server reported it, in nanoseconds
 * @param durationMs wall time of the call as the worker measured it
 * @param doneReason the server's {@code done_reason}, or null
 * @param responseSha256 SHA-256 of the exact response body bytes (for a stream, all NDJSON bytes)
 * @param responseMd5 MD5 of the same bytes
 * @param contentSha256 SHA-256 of the assembled {@code message.content} (UTF-8), or null
 * @param error what went wrong on this call, or null
 * @param requestSha256 SHA-256 of the exact request body bytes sent (the prompt, the options and
 *     the schema as they went over the wire), or null in records from before it was recorded
 */
public record CallRecord(
    String model,
    String url,
    String part,
    int httpStatus,
    long promptTokens,
    long completionTokens,
    long serverDurationNs,
    long durationMs,
    String doneReason,
    String responseSha256,
    String responseMd5,
    String contentSha256,
    String error,
    String requestSha256) {

  public CallRecord {
    Hex.optional("response_sha256", responseSha256, 64);
    Hex.optional("request_sha256", requestSha256, 64);
    Hex.optional("response_md5", responseMd5, 32);
    Hex.optional("content_sha256", contentSha256, 64);
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException("token counts must not be negative");
    }
  }

  /** A call whose request body was not hashed. */
  public CallRecord(String model, String url, String part, int httpStatus, long promptTokens, long completionTokens,
      long serverDurationNs, long durationMs, String doneReason, String responseSha256, String responseMd5,
      String contentSha256, String error) {
    this(model, url, part, httpStatus, promptTokens, completionTokens, serverDurationNs, durationMs, doneReason,
        responseSha256, responseMd5, contentSha256, error, null);
  }

  /** True when the call returned a usable answer. */
  public boolean succeeded() {
    return error == null && httpStatus == 200;
  }
}
