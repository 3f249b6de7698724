package dev.honest.launcher.cluster;

import static dev.honest.launcher.cluster.TestRuns.NS;
import static dev.honest.launcher.cluster.TestRuns.RUN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.worker.claim.LeaseClaims;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's side of the workers' claims: reading them back for the results, and deleting them. */
class LeaseLedgerTest {
  private static final String EARLIER = "run-20251231-0007";

  private final TestCluster cluster = new TestCluster();
  private final KubernetesClient client = cluster.mock.client();
  @TempDir Path dir;

  @AfterEach
  void close() {
    cluster.close();
  }

  /** Claims as the worker makes them, against the same mock API server. */
  private LeaseClaims worker(String runId, int index) throws IOException {
    Path token = dir.resolve("token");
    Files.writeString(token, "t");
    return new LeaseClaims(URI.create(client.getMasterUrl().toString()), token, HttpClient.newHttpClient(), NS,
        runId, index, "k8s-worker-" + index + "-abcde");
  }

  private List<Lease> leases() {
    return client.resources(Lease.class).inNamespace(NS).list().getItems();
  }

  @Test
  void theLedgerSaysWhichWorkerClaimedEachTaskOfThisRunOnly() throws IOException {
    worker(RUN, 1).claim("T-1-1");
    worker(RUN, 2).claim("T-1-2");
    worker(RUN, 2).claim("T-2-1");
    worker(EARLIER, 1).claim("T-2-2");
    client.resources(Lease.class).inNamespace(NS).resource(new LeaseBuilder()
        .withNewMetadata().withName("not-a-claim").addToLabels(RunLabels.INSTANCE, RUN).endMetadata()
        .withNewSpec().withHolderIdentity("someone").endSpec().build()).create();

    Map<String, Integer> claimedBy = cluster.ops().claimedBy(RUN);

    assertThat(claimedBy).containsExactlyInAnyOrderEntriesOf(Map.of("T-1-1", 1, "T-1-2", 2, "T-2-1", 2));
  }

  @Test
  void withoutClaimsTheLedgerIsEmpty() {
    assertThat(cluster.ops().claimedBy(RUN)).isEmpty();
  }

  /** The claims only say whom a task without a result is charged to: the results are still written without them. */
  @Test
  void claimsThatCannotBeReadLeaveTheLedgerEmptyAndSaySo() {
    String denial = "leases.coordination.k8s.io is forbidden: User \"dev\" cannot list resource \"leases\"";
    cluster.mock.server().expect().get()
        .withPath("/apis/coordination.k8s.io/v1/namespaces/" + NS + "/leases?labelSelector=app.kubernetes.io%2Finstance%3D" + RUN)
        .andReturn(403, new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
            .withMessage(denial).build())
        .always();

    assertThat(cluster.ops().claimedBy(RUN)).isEmpty();
    assertThat(cluster.output()).isEqualTo("⚠ The workers' claims cannot be read (forbidden: cannot list leases in namespace "
        + NS + " (" + denial + ") — ask for an RBAC role that allows list on leases): a task without a result is"
        + " charged to the worker it was planned for, which may not be the one that took it.\n");
  }

  @Test
  void cleanupDeletesTheClaimsOfEveryRunBeforeTheNamespace() throws Exception {
    client.namespaces().resource(TestRuns.namespace()).create();
    worker(RUN, 1).claim("T-1-1");
    worker(EARLIER, 2).claim("T-1-1");
    assertThat(leases()).hasSize(2);

    cluster.ops().cleanup(Duration.ofMinutes(1));

    assertThat(leases()).isEmpty();
    assertThat(client.namespaces().withName(NS).get()).isNull();
  }

  @Test
  void replacingAnEarlierRunDeletesItsClaims() throws Exception {
    RunResources earlier = TestRuns.resources(EARLIER, 2, 3);
    earlier.jobs().forEach(j -> client.batch().v1().jobs().inNamespace(NS).resource(j).create());
    worker(EARLIER, 1).claim("T-1-1");

    cluster.ops().checkNoActiveRun(true);

    assertThat(leases()).isEmpty();
    assertThat(cluster.output()).contains("their claims on tasks (Leases)");
    assertThat(worker(RUN, 2).claim("T-1-1")).isTrue();
  }
}
