package dev.honest.common.result;

import dev.honest.common.json.Json;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * A worker's signed statement as it prints it, right after the line it attests: {@code HONEST-ATTESTATION}
 * and this object. The envelope is DSSE JSON exactly as {@code dev.honest.common.proof.Dsse.Envelope#toJson}
 * writes it (its members keep their DSSE names).
 *
 * @param kind {@link #TASK} (after a task's {@code HONEST-RESULT}) or {@link #WORKER_SUMMARY} (after
 *     {@code HONEST-SUMMARY}, ending the worker's chain)
 * @param task the task id for {@link #TASK}, null otherwise
 * @param worker 1-based worker index
 * @param envelope the DSSE envelope of the in-toto statement
 */
public record AttestationLine(String kind, String task, int worker,
    // Read with Json.tree: a launcher reads thousands of these, and Jackson's node deserializer is
    // costly to compile.
    @JsonDeserialize(using = Json.TreeDeserializer.class) JsonNode envelope) {
  public static final String TASK = "task";
  public static final String WORKER_SUMMARY = "worker_summary";

  public AttestationLine {
    if (!TASK.equals(kind) && !WORKER_SUMMARY.equals(kind)) {
      throw new IllegalArgumentException("attestation kind must be " + TASK + " or " + WORKER_SUMMARY + ", got " + kind);
    }
    if (TASK.equals(kind) && (task == null || task.isBlank())) {
      throw new IllegalArgumentException("a task attestation must name its task");
    }
    Objects.requireNonNull(envelope, "attestation envelope");
    if (!envelope.isObject()) {
      throw new IllegalArgumentException("attestation envelope must be a JSON object");
    }
  }
}
