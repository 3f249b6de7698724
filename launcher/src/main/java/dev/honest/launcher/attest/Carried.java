package dev.honest.launcher.attest;

import dev.honest.common.proof.Dsse;
import dev.honest.common.result.TaskRecord;
import dev.honest.launcher.attest.RunAttestation.PublicKeyEntry;
import dev.honest.launcher.attest.RunAttestation.WorkerChain;
import java.util.List;

/**
 * What {@code --resume} carries over from an earlier run, with its proof as it was signed then.
 *
 * @param records the carried records, each marked with the run it comes from
 * @param statements each record's statement, in the same order
 * @param chains the earlier chains that hold those statements
 * @param keys the keys those statements and chains are signed with
 */
public record Carried(List<TaskRecord> records, List<Dsse.Envelope> statements, List<WorkerChain> chains,
    List<PublicKeyEntry> keys) {
  /** Nothing carried: a run without {@code --resume}. */
  public static final Carried NONE = new Carried(List.of(), List.of(), List.of(), List.of());

  public Carried {
    records = List.copyOf(records);
    statements = List.copyOf(statements);
    chains = List.copyOf(chains);
    keys = List.copyOf(keys);
    if (records.size() != statements.size()) {
      throw new IllegalArgumentException(records.size() + " carried records but " + statements.size() + " statements");
    }
  }

  /** The ids of the carried tasks. */
  public List<String> taskIds() {
    return records.stream().map(TaskRecord::id).toList();
  }
}
