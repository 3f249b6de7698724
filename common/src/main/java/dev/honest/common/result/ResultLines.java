package dev.honest.common.result;

import dev.honest.common.json.Json;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The worker's machine-readable log lines: a fixed prefix, then one JSON object on the same line.
 * They are written to stdout as soon as each task ends, so {@code kubectl logs} shows them and the
 * launcher can parse them even from a pod that later dies. Anything before the prefix (a timestamp
 * added by {@code kubectl logs --timestamps}) is ignored.
 */
public final class ResultLines {
  public static final String RESULT_PREFIX = "HONEST-RESULT ";
  public static final String SUMMARY_PREFIX = "HONEST-SUMMARY ";
  public static final String ATTESTATION_PREFIX = "HONEST-ATTESTATION ";

  private ResultLines() {}

  public static String format(TaskRecord record) {
    return RESULT_PREFIX + Json.mapper().writeValueAsString(record);
  }

  /**
   * The same line as {@link #format(TaskRecord)}, from the record's JSON tree
   * ({@code Json.mapper().valueToTree(record)}): for a caller that needs the tree anyway (to sign
   * the record) and so converts the record once.
   */
  public static String formatRecord(JsonNode record) {
    return RESULT_PREFIX + Json.mapper().writeValueAsString(record);
  }

  public static String format(WorkerSummary summary) {
    return SUMMARY_PREFIX + Json.mapper().writeValueAsString(summary);
  }

  public static String format(AttestationLine attestation) {
    return ATTESTATION_PREFIX + Json.mapper().writeValueAsString(attestation);
  }

  /**
   * The record on this line, if it is a result line.
   *
   * @throws IllegalArgumentException when the line has the prefix but its JSON is not a valid
   *     record (a cut-off line from a killed pod, say); the message says what is wrong
   */
  public static Optional<TaskRecord> parseRecord(String line) {
    return parse(line, RESULT_PREFIX, TaskRecord.class);
  }

  public static Optional<WorkerSummary> parseSummary(String line) {
    return parse(line, SUMMARY_PREFIX, WorkerSummary.class);
  }

  public static Optional<AttestationLine> parseAttestation(String line) {
    return parse(line, ATTESTATION_PREFIX, AttestationLine.class);
  }

  private static <T> Optional<T> parse(String line, String prefix, Class<T> type) {
    int at = line.indexOf(prefix);
    if (at < 0) {
      return Optional.empty();
    }
    String json = line.substring(at + prefix.length()).strip();
    try {
      return Optional.of(Json.mapper().readValue(json, type));
    } catch (JacksonException e) {
      throw new IllegalArgumentException("malformed " + prefix.strip() + " line: " + e.getOriginalMessage(), e);
    }
  }
}
