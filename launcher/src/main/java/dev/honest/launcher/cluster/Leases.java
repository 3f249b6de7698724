package dev.honest.launcher.cluster;

import dev.honest.worker.claim.LeaseClaims;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
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

  /**
   * Deletes the Leases of every run in the namespace but the claim on it ({@link RunClaim}). A run has one per task, and the API server
   * deletes a collection one object after the other within its request deadline: for a run of
   * thousands of tasks it may answer that the deadline passed (504, or no answer within the client's
   * timeout) with only part of them deleted. That is said in one line and is not an error: the
   * Leases left name tasks of an earlier run only, and go with the namespace.
   *
   * @param rest what becomes of the Leases left, for that line
   */
  static void deleteAll(Cluster cluster, String rest) {
    try {
      // Not the run's claim on the namespace, which --replace has just taken for the new run.
      cluster.client.resources(Lease.class).inNamespace(cluster.namespace)
          .withLabel(RunLabels.PART_OF, RunLabels.PART_OF_VALUE)
          .withoutLabel(RunLabels.COMPONENT, RunClaim.COMPONENT).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() < 500 && !timedOut(e)) {
        throw cluster.translate(e, "deletecollection", "leases");
      }
      String why = e.getCode() >= 500 && e.getStatus() != null && e.getStatus().getMessage() != null
          ? e.getStatus().getMessage() + " (HTTP " + e.getCode() + ")" : "no answer in time";
      cluster.say("⚠️ The claims on tasks (Leases) were not all deleted: " + why + "; the API server deletes"
          + " them one by one, one per task of each run. " + rest);
    }
  }

  private static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }
}
