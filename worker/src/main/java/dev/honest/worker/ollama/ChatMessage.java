package dev.honest.worker.ollama;

import java.util.Set;

/**
 * One message of an Ollama chat.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content the text, sent unchanged
 */
public record ChatMessage(String role, String content) {
  private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

  public ChatMessage {
    if (!ROLES.contains(role)) {
      throw new IllegalArgumentException("message role must be one of " + ROLES + ", got " + role);
    }
    if (content == null) {
      throw new IllegalArgumentException("message content must not be null");
    }
  }

  public static ChatMessage system(String content) {
    return new ChatMessage("system", content);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage("user", content);
  }
}
