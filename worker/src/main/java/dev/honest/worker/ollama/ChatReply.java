package dev.honest.worker.ollama;

import dev.honest.common.result.CallRecord;
import java.util.List;

/**
 * A chat that Ollama answered. The client only reports truncation and context use; what they mean for a
 * task is the caller's decision.
 *
 * @param content the assembled {@code message.content}
 * @param doneReason the server's {@code done_reason} ({@code stop}, {@code length}, ...), or null
 * @param promptTokens {@code prompt_eval_count} (0 when absent)
 * @param completionTokens {@code eval_count} (0 when absent)
 * @param call the call that produced this answer
 * @param calls every call of this chat in order, failed attempts included, ending with {@code call}
 */
public record ChatReply(
    String content,
    String doneReason,
    long promptTokens,
    long completionTokens,
    CallRecord call,
    List<CallRecord> calls) {

  public ChatReply {
    if (content == null) {
      throw new IllegalArgumentException("content must not be null");
    }
    if (call == null || !call.succeeded()) {
      throw new IllegalArgumentException("call must be a successful call, got " + call);
    }
    calls = List.copyOf(calls);
    // Mostly the very same object: compared as a value only when it is not (a record's equals is costly cold).
    if (calls.isEmpty() || calls.get(calls.size() - 1) != call && !calls.get(calls.size() - 1).equals(call)) {
      throw new IllegalArgumentException("calls must end with the successful call");
    }
  }

  /** True when generation stopped at {@code num_predict}: the content is cut off. */
  public boolean truncated() {
    return "length".equals(doneReason);
  }

  /**
   * True when the prompt filled the context window (Ollama then silently drops its start) or prompt and
   * answer together reached it.
   */
  public boolean atContextLimit(int numCtx) {
    return promptTokens >= numCtx || promptTokens + completionTokens >= numCtx;
  }
}
