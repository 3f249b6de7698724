package dev.honest.worker.prompt;

import dev.honest.common.json.Json;
import java.util.Objects;

/**
 * The two chat messages of one request, and the template version that produced them.
 *
 * @param version {@link Prompts#PROMPT_VERSION} of the template
 * @param system the system message
 * @param user the user message
 */
public record Prompt(String version, String system, String user) {
  public Prompt {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(user, "user");
  }

  /**
   * The canonical bytes to hash: the UTF-8 JSON object {@code {"version","system","user"}} in
   * that order. The same prompt always gives the same bytes, and no two prompts share them.
   */
  public byte[] canonicalBytes() {
    return Json.mapper().writeValueAsBytes(this);
  }
}
