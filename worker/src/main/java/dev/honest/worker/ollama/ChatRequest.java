package dev.honest.worker.ollama;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One chat to run. The client adds the run's options and {@code keep_alive}, identical on every request.
 *
 * @param model the Ollama model, e.g. {@code codellama:7b}
 * @param part which part of the task this chat serves, copied into every {@code CallRecord}
 * @param messages the conversation, at least one message
 * @param format the JSON Schema the answer must follow (Ollama structured outputs), or null for free text;
 *     the caller must not change it while a chat uses it
 * @param stream true to read the answer as NDJSON chunks (Ollama's default), false for one JSON object
 * @param order when chats of a shared client wait for a free slot, the lowest order goes first (equal
 *     orders in turn of arrival); a worker passes its task's start time, so that tasks already under
 *     way get their next chat before new tasks get their first, and a task of many chats is not
 *     stretched by everyone else's queueing. Not sent to Ollama
 */
public record ChatRequest(
    String model, String part, List<ChatMessage> messages, JsonNode format, boolean stream, long order) {

  public ChatRequest {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    if (part == null || part.isBlank()) {
      throw new IllegalArgumentException("part must not be blank");
    }
    if (messages == null || messages.isEmpty()) {
      // Ollama treats an empty conversation as "load the model" and answers nothing.
      throw new IllegalArgumentException("messages must hold at least one message");
    }
    messages = List.copyOf(messages);
    if (format != null && !format.isObject()) {
      // Ollama rejects any other format with a 500, which would look like a server failure.
      throw new IllegalArgumentException("format must be a JSON Schema object, got " + format.getNodeType());
    }
  }

  /** A chat that waits in turn of arrival. */
  public ChatRequest(String model, String part, List<ChatMessage> messages, JsonNode format, boolean stream) {
    this(model, part, messages, format, stream, 0);
  }

  /** A streamed chat, the way Ollama answers by default. */
  public ChatRequest(String model, String part, List<ChatMessage> messages, JsonNode format) {
    this(model, part, messages, format, true);
  }
}
