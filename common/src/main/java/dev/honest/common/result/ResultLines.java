package dev.honest.common.result;

import dev.honest.common.json.Json;
import java.util.Optional;
import tools.jackson.core.JacksonException;

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
  /** What every prefix starts with: a line without it is none of these. */
  public static final String MARK = "HONEST-";

  private ResultLines() {}

  public static String format(TaskRecord record) {
    return RESULT_PREFIX + Json.mapper().writeValueAsString(record);
  }

  /**
   * A result line holding a record's JSON text as given: the worker prints the record's canonical
   * form, the very text whose digest its statement signs ({@code RecordDigest.Printed}).
   *
   * @throws IllegalArgumentException when the text spans more than one line
   */
  public static String formatRecord(String recordJson) {
    if (recordJson.indexOf('\n') >= 0 || recordJson.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a record's JSON on a result line must be one line");
    }
    return RESULT_PREFIX + recordJson;
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

  /**
   * A record as printed: the record on a result line and the line's JSON text, as it stands
   * (without what precedes the prefix and the whitespace around it).
   */
  public record PrintedRecord(TaskRecord record, String json) {}

  /**
   * The record on this line and its JSON text, if it is a result line.
   *
   * @throws IllegalArgumentException as {@link #parseRecord} does
   */
  public static Optional<PrintedRecord> parsePrintedRecord(String line) {
    String json = json(line, RESULT_PREFIX);
    return json == null ? Optional.empty() : Optional.of(new PrintedRecord(read(json, RESULT_PREFIX, TaskRecord.class), json));
  }

  public static Optional<WorkerSummary> parseSummary(String line) {
    return parse(line, SUMMARY_PREFIX, WorkerSummary.class);
  }

  public static Optional<AttestationLine> parseAttestation(String line) {
    return parse(line, ATTESTATION_PREFIX, AttestationLine.class);
  }

  private static <T> Optional<T> parse(String line, String prefix, Class<T> type) {
    String json = json(line, prefix);
    return json == null ? Optional.empty() : Optional.of(read(json, prefix, type));
  }

  /** The JSON text after the prefix, or null when the line has no such prefix. */
  private static String json(String line, String prefix) {
    int at = line.indexOf(prefix);
    return at < 0 ? null : line.substring(at + prefix.length()).strip();
  }

  private static <T> T read(String json, String prefix, Class<T> type) {
    try {
      return Json.mapper().readValue(json, type);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("malformed " + prefix.strip() + " line: " + e.getOriginalMessage(), e);
    }
  }
}
