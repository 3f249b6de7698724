package dev.honest.common.result;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Why a task failed.
 *
 * @param errorClass a stable machine-readable class, e.g. {@code ollama_unavailable},
 *     {@code model_not_found}, {@code invalid_model_output}, {@code context_overflow},
 *     {@code output_truncated}, {@code edit_not_applicable}, {@code input_error}, {@code worker_lost}
 * @param message one human-readable line
 */
public record TaskError(@JsonProperty("class") String errorClass, String message) {
  public TaskError {
    if (errorClass == null || errorClass.isBlank()) {
      throw new IllegalArgumentException("error class must not be blank");
    }
    message = message == null ? "" : message;
  }
}
