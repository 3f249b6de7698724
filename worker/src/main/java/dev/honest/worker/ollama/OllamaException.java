package dev.honest.worker.ollama;

import dev.honest.common.result.CallRecord;
import java.util.List;

/** Ollama could not give an answer. The message is one line and includes the server's own error text. */
public final class OllamaException extends Exception {
  /** No answer: connection refused or reset, or timed out, on every attempt. */
  public static final String OLLAMA_UNAVAILABLE = "ollama_unavailable";
  /** The model is not pulled on the server (HTTP 404, or missing from {@code /api/tags}). */
  public static final String MODEL_NOT_FOUND = "model_not_found";
  /**
   * Two servers list the same model name with different digests, or an answer names another model
   * than the one asked (on every attempt).
   */
  public static final String MODEL_MISMATCH = "model_mismatch";
  /** Ollama rejected the request (HTTP 4xx other than 404 and 429). */
  public static final String BAD_REQUEST = "bad_request";
  /**
   * Ollama refused the prompt as longer than the context ({@code "truncate": false}): the caller splits
   * it further, as for a prompt Ollama cut.
   */
  public static final String PROMPT_TOO_LONG = "prompt_too_long";
  /** HTTP 5xx or 429 on every attempt. */
  public static final String SERVER_ERROR = "server_error";
  /**
   * The body was not the JSON Ollama sends, or was no answer (a reply with {@code done_reason}
   * {@code load} or {@code unload}), or the status was unexpected.
   */
  public static final String INVALID_RESPONSE = "invalid_response";
  /** A 200 stream carried an {@code error} line or ended without {@code done:true}. */
  public static final String STREAM_ERROR = "stream_error";
  /** The calling thread was interrupted; its interrupt flag is set again. */
  public static final String INTERRUPTED = "interrupted";

  private final String errorClass;
  private final boolean retryable;
  private final List<CallRecord> calls;

  public OllamaException(String errorClass, String message, boolean retryable, List<CallRecord> calls) {
    super(message);
    this.errorClass = errorClass;
    this.retryable = retryable;
    this.calls = List.copyOf(calls);
  }

  /** One of the stable class constants of this class. */
  public String errorClass() {
    return errorClass;
  }

  /** True when the failure is transient in kind (the client already retried it up to its limit). */
  public boolean retryable() {
    return retryable;
  }

  /** Every HTTP call made before giving up, in order; empty for {@code /api/tags} checks. */
  public List<CallRecord> calls() {
    return calls;
  }
}
