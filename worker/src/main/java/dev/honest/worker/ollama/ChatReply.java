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
   * The {@code num_keep} Ollama keeps at the head of a prompt it cuts: its default, as the worker sends
   * none.
   */
  static final int OLLAMA_NUM_KEEP = 4;

  /**
   * True when {@code prompt_eval_count} is what Ollama reports for a prompt it cut to fit {@code numCtx},
   * keeping its first {@link #OLLAMA_NUM_KEEP} tokens and its tail and saying so only in its own log:
   * {@code numCtx} tokens or more (the older runner), {@code numCtx - 1} (llama-server's limit), or
   * exactly {@code numCtx - (numCtx - keep) / 2} (the llama-server runner with context shift cuts to
   * half the window), where {@code keep} is num_keep, plus one for a model whose tokenizer adds a BOS
   * token (codellama, llama3, gemma): 2050 or 2051 of 4096. A prompt that really had that many tokens is
   * taken as cut too: it is split further, which costs calls but never takes an answer to a prompt the
   * model saw only in part.
   */
  public boolean promptCut(int numCtx) {
    return promptTokens >= numCtx - 1 || promptTokens == halfWindowCut(numCtx, OLLAMA_NUM_KEEP)
        || promptTokens == halfWindowCut(numCtx, OLLAMA_NUM_KEEP + 1);
  }

  private static int halfWindowCut(int numCtx, int keep) {
    return numCtx - Math.max((numCtx - keep) / 2, 1);
  }

  /**
   * True when the prompt filled the context window or was cut to fit it ({@link #promptCut}: Ollama then
   * silently dropped part of it), or prompt and answer together reached it.
   */
  public boolean atContextLimit(int numCtx) {
    return promptCut(numCtx) || promptTokens + completionTokens >= numCtx;
  }
}
