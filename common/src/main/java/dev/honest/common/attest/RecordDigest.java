package dev.honest.common.attest;

import dev.honest.common.json.Json;
import dev.honest.common.proof.CanonicalJson;
import dev.honest.common.result.TaskRecord;
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

  private static String withoutCarriedFrom(ObjectNode record) {
    record.remove(CARRIED_FROM);
    return CanonicalJson.sha256Hex(record);
  }
}
