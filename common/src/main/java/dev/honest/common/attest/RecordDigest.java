package dev.honest.common.attest;

import dev.honest.common.hash.Hashes;
import dev.honest.common.json.Json;
import dev.honest.common.proof.CanonicalJson;
import dev.honest.common.result.TaskRecord;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The digest a task statement names its task record by: the lowercase hex SHA-256 of the RFC 8785
 * canonical form of the record's JSON (as it stands in {@code tasks[]} of the results, or on the
 * worker's {@code HONEST-RESULT} line), without its {@value #CARRIED_FROM} member, which the
 * launcher sets when it carries a record signed in an earlier run over into a new one.
 */
public final class RecordDigest {
  /** The one member of a record the digest leaves out. */
  public static final String CARRIED_FROM = "carried_from";

  private RecordDigest() {}

  /**
   * A record as a worker prints and signs it: its JSON tree, the canonical text of that tree (what
   * the worker prints on its {@code HONEST-RESULT} line) and its digest. A reader of the line whose
   * UTF-8 bytes hash to the digest a statement signs knows that the line holds the signed form as
   * it is, without converting the record again. Made only by {@link #of}, so the three always agree:
   * a statement signs the digest of the very text printed.
   */
  public static final class Printed {
    private final JsonNode json;
    private final String canonical;
    private final String sha256;

    private Printed(JsonNode json, String canonical) {
      this.json = json;
      this.canonical = canonical;
      this.sha256 = ofText(canonical);
    }

    /**
     * A record of this run as a worker prints it.
     *
     * @throws IllegalArgumentException when the record was carried over from another run
     */
    public static Printed of(TaskRecord record) {
      if (record.carriedFrom() != null) {
        throw new IllegalArgumentException("record " + record.id() + " was carried over from run "
            + record.carriedFrom() + "; a worker prints only records of its own run");
      }
      ObjectNode json = Json.mapper().valueToTree(record);
      json.remove(CARRIED_FROM); // null: the digest leaves it out, and so does the line
      return new Printed(json, CanonicalJson.canonicalText(json));
    }

    /** The record's JSON tree, without {@value #CARRIED_FROM}; only to be read. */
    public JsonNode json() {
      return json;
    }

    /** The canonical text of {@link #json}: one line. */
    public String canonical() {
      return canonical;
    }

    /** The lowercase hex SHA-256 of {@link #canonical}'s UTF-8 bytes: the record digest. */
    public String sha256() {
      return sha256;
    }
  }

  /** The digest of a record's JSON object. */
  public static String sha256(JsonNode record) {
    if (record == null || !record.isObject()) {
      throw new IllegalArgumentException("a task record must be a JSON object");
    }
    return withoutCarriedFrom((ObjectNode) record.deepCopy());
  }

  /** The digest of a record, as the project's mapper writes it. */
  public static String sha256(TaskRecord record) {
    // A tree of its own: no copy needed to leave the member out (this runs for every record of a run).
    return withoutCarriedFrom(Json.mapper().valueToTree(record));
  }

  /**
   * The SHA-256 of a record's JSON text as printed: the record's digest when the text is the
   * canonical form of a record without {@value #CARRIED_FROM} (as a worker prints it), else a hash
   * no statement names.
   */
  public static String ofText(String printed) {
    return Hashes.sha256Hex(printed.getBytes(StandardCharsets.UTF_8));
  }

  private static String withoutCarriedFrom(ObjectNode record) {
    record.remove(CARRIED_FROM);
    return CanonicalJson.sha256Hex(record);
  }
}
