package dev.honest.common.result;

import dev.honest.common.json.Json;
import dev.honest.common.text.Escaped;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.ObjectReader;

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

  private static final ObjectReader RECORDS = Json.mapper().readerFor(TaskRecord.class);
  private static final ObjectReader SUMMARIES = Json.mapper().readerFor(WorkerSummary.class);
  private static final ObjectReader ATTESTATIONS = Json.mapper().readerFor(AttestationLine.class);

  private ResultLines() {}

  /**
   * {@code text} made fit for a line of the worker's log that people read (its progress lines):
   * {@link Escaped#oneLine(String)}, and {@link #MARK} written <code>HONEST&#92;u002d</code>, so that no
   * reader of the log takes the line for a record, a statement or a summary.
   */
  public static String forPeople(String text) {
    return Escaped.oneLine(text, MARK);
  }

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
    return parse(line, RESULT_PREFIX, RECORDS);
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
    int at = line.indexOf(RESULT_PREFIX);
    return at < 0 ? Optional.empty() : printedRecordAt(line, at, line.length());
  }

  public static Optional<WorkerSummary> parseSummary(String line) {
    return parse(line, SUMMARY_PREFIX, SUMMARIES);
  }

  public static Optional<AttestationLine> parseAttestation(String line) {
    return parse(line, ATTESTATION_PREFIX, ATTESTATIONS);
  }

  /**
   * The record and its JSON text on a line of a longer text (a whole log), read where it stands
   * rather than from a copy of the line: the line ends at {@code end}, and the result line's prefix
   * would be at {@code at}.
   *
   * @return empty when {@link #RESULT_PREFIX} is not at {@code at}
   * @throws IllegalArgumentException as {@link #parseRecord} does
   */
  public static Optional<PrintedRecord> printedRecordAt(String text, int at, int end) {
    if (!text.startsWith(RESULT_PREFIX, at)) {
      return Optional.empty();
    }
    String json = strip(text, at + RESULT_PREFIX.length(), end);
    return Optional.of(new PrintedRecord(read(json, RESULT_PREFIX, RECORDS), json));
  }

  /**
   * The attestation on a line of a longer text, read where it stands, as {@link #printedRecordAt}
   * reads a record: only its JSON is copied, once, into the parser's buffer.
   *
   * @return empty when {@link #ATTESTATION_PREFIX} is not at {@code at}
   * @throws IllegalArgumentException when its JSON is not a valid attestation, saying what is wrong
   */
  public static Optional<AttestationLine> attestationAt(String text, int at, int end) {
    if (!text.startsWith(ATTESTATION_PREFIX, at)) {
      return Optional.empty();
    }
    int from = at + ATTESTATION_PREFIX.length();
    char[] json = new char[end - from];
    text.getChars(from, end, json, 0);
    try (JsonParser parser = ATTESTATIONS.createParser(json)) {
      return Optional.of(read(parser, ATTESTATION_PREFIX, ATTESTATIONS));
    }
  }

  private static <T> Optional<T> parse(String line, String prefix, ObjectReader reader) {
    int at = line.indexOf(prefix);
    return at < 0 ? Optional.empty()
        : Optional.of(read(strip(line, at + prefix.length(), line.length()), prefix, reader));
  }

  /** The text between {@code from} and {@code to} without the whitespace around it. */
  private static String strip(String text, int from, int to) {
    while (from < to && Character.isWhitespace(text.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
      to--;
    }
    return text.substring(from, to);
  }

  private static <T> T read(String json, String prefix, ObjectReader reader) {
    try {
      return reader.readValue(json);
    } catch (JacksonException e) {
      throw malformed(prefix, e);
    }
  }

  private static <T> T read(JsonParser parser, String prefix, ObjectReader reader) {
    try {
      return reader.readValue(parser);
    } catch (JacksonException e) {
      throw malformed(prefix, e);
    }
  }

  private static IllegalArgumentException malformed(String prefix, JacksonException e) {
    return new IllegalArgumentException("malformed " + prefix.strip() + " line: " + e.getOriginalMessage(), e);
  }
}
