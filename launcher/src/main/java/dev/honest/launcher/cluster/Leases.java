package dev.honest.launcher.cluster;

import dev.honest.worker.claim.LeaseClaims;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Leases by which a cluster run's workers claim its tasks ({@link LeaseClaims}): read back for
 * the results, deleted with the run.
 */
final class Leases {
  private Leases() {}

  /**
   * Which worker claimed each task of run {@code runId}, from the annotations of the run's Leases;
   * a Lease without them (none that a worker creates) is skipped. Empty when the workers could not
   * claim and ran their slices.
   */
  static Map<String, Integer> ledger(Cluster cluster, String runId) {
    List<Lease> leases = cluster.call("list", "leases", () -> cluster.client.resources(Lease.class)
        .inNamespace(cluster.namespace).withLabel(RunLabels.INSTANCE, runId).list().getItems());
    Map<String, Integer> claimedBy = new LinkedHashMap<>();
    for (Lease lease : leases) {
      Map<String, String> annotations = lease.getMetadata().getAnnotations() == null
          ? Map.of() : lease.getMetadata().getAnnotations();
      String task = annotations.get(LeaseClaims.TASK_ANNOTATION);
      String worker = annotations.get(LeaseClaims.WORKER_ANNOTATION);
      if (task != null && worker != null && worker.matches("[0-9]{1,9}")) {
        claimedBy.put(task, Integer.parseInt(worker));
      }
    }
    return claimedBy;
  }

  /** Deletes the Leases of every run in the namespace. */
  static void deleteAll(Cluster cluster) {
    cluster.call("deletecollection", "leases", () -> cluster.client.resources(Lease.class).inNamespace(cluster.namespace)
        .withLabel(RunLabels.PART_OF, RunLabels.PART_OF_VALUE).delete());
  }
}
