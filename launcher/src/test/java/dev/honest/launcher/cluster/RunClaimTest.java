package dev.honest.launcher.cluster;

import static dev.honest.launcher.cluster.TestRuns.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.exit.ExitCode;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two runs in one namespace: the one that claims it first goes on, the other changes nothing. */
class RunClaimTest {
  private static final String FIRST = "run-20260101-0001";
  private static final String SECOND = "run-20260101-0002";

  private final TestCluster cluster = new TestCluster();
  private final KubernetesClient client = cluster.mock.client();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void ofTwoRunsStartedAtOnceTheSecondToReachTheNamespaceChangesNothingAndSaysWhichRunHoldsIt() throws Exception {
    ClusterOperations first = cluster.ops(FIRST);
    ClusterOperations second = cluster.ops(SECOND);
    // Both find the namespace free: neither has applied anything yet.
    first.checkNoActiveRun(false);
    second.checkNoActiveRun(false);
    deployOllama(first, FIRST);
    int appliedByFirst = cluster.mock.applied().size();

    assertThatThrownBy(() -> deployOllama(second, SECOND))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageStartingWith("namespace " + NS + " is claimed by run " + FIRST + " since ")
        .hasMessageContaining("(Lease orchestrator-run): this run changed nothing there")
        .hasMessageContaining("`run --replace` takes the namespace over");

    assertThat(cluster.mock.applied()).hasSize(appliedByFirst);
    assertThat(client.apps().deployments().inNamespace(NS).withName("ollama").get().getMetadata().getLabels())
        .containsEntry(RunLabels.INSTANCE, FIRST);
    // The first goes on to start its workers.
    first.deployWorkers(TestRuns.resources(FIRST, 2, 1));
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems())
        .allSatisfy(j -> assertThat(j.getMetadata().getLabels()).containsEntry(RunLabels.INSTANCE, FIRST))
        .hasSize(2);
  }

  /** Run ids are the start time to the second: the same command started twice at once gets the same one. */
  @Test
  void ofTwoLaunchersStartedInTheSameSecondWithTheSameRunIdOnlyTheFirstGoesOn() throws Exception {
    ClusterOperations first = cluster.ops(FIRST);
    ClusterOperations twin = cluster.ops(FIRST);
    first.checkNoActiveRun(false);
    twin.checkNoActiveRun(false);
    deployOllama(first, FIRST);

    assertThatThrownBy(() -> twin.checkNoActiveRun(false))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageStartingWith("namespace " + NS + " is claimed by run " + FIRST + " since ");
    assertThatThrownBy(() -> deployOllama(twin, FIRST))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageStartingWith("namespace " + NS + " is claimed by run " + FIRST + " since ");
    twin.releaseClaimUnlessWorkersStarted();
    assertThat(claimHolder()).isEqualTo(FIRST);
    first.deployWorkers(TestRuns.resources(FIRST, 2, 1));
  }

  @Test
  void aRunThatClaimedTheNamespaceButStartedNoWorkerYetStopsTheNextRunBeforeItWaitsForAnything() throws Exception {
    deployOllama(cluster.ops(FIRST), FIRST);

    assertThatThrownBy(() -> cluster.ops(SECOND).checkNoActiveRun(false))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageStartingWith("namespace " + NS + " is claimed by run " + FIRST + " since ");
    assertThat(claimHolder()).isEqualTo(FIRST);
  }

  @Test
  void replaceTakesTheNamespaceOverAndTheReplacedRunThenStartsNoWorker() throws Exception {
    ClusterOperations first = cluster.ops(FIRST);
    deployOllama(first, FIRST);
    ClusterOperations second = cluster.ops(SECOND);

    second.checkNoActiveRun(true);
    assertThat(cluster.output()).contains("♻️ Deleting the claim of run " + FIRST + " on the namespace (Lease"
        + " orchestrator-run)");
    // Taken over at once: a run started while the earlier run's objects go finds the namespace claimed.
    assertThat(claimHolder()).isEqualTo(SECOND);
    assertThatThrownBy(() -> cluster.ops("run-20260101-0003").checkNoActiveRun(false))
        .hasMessageStartingWith("namespace " + NS + " is claimed by run " + SECOND + " since ");
    deployOllama(second, SECOND);
    assertThat(claimHolder()).isEqualTo(SECOND);

    assertThatThrownBy(() -> first.deployWorkers(TestRuns.resources(FIRST, 2, 1)))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageStartingWith("run " + SECOND + " took namespace " + NS + " over (`run --replace`) while this one"
            + " waited for Ollama; this run starts no worker");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.secrets().inNamespace(NS).list().getItems()).isEmpty();
    first.releaseClaimUnlessWorkersStarted();
    assertThat(claimHolder()).isEqualTo(SECOND);
  }

  @Test
  void aRunWhoseClaimWasDeletedWhileItWaitedStartsNoWorker() throws Exception {
    ClusterOperations first = cluster.ops(FIRST);
    deployOllama(first, FIRST);
    client.resources(Lease.class).inNamespace(NS).withName(RunClaim.NAME).delete();

    assertThatThrownBy(() -> first.deployWorkers(TestRuns.resources(FIRST, 2, 1)))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageStartingWith("this run's claim on namespace " + NS + " (Lease orchestrator-run) was deleted while"
            + " it waited for Ollama");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void aRunThatEndsBeforeItsWorkersGivesTheNamespaceUpAndOneThatStartedThemKeepsIt() throws Exception {
    ClusterOperations stopped = cluster.ops(FIRST);
    deployOllama(stopped, FIRST);
    stopped.releaseClaimUnlessWorkersStarted();
    assertThat(claimHolder()).isNull();

    ClusterOperations next = cluster.ops(SECOND);
    next.checkNoActiveRun(false);
    deployOllama(next, SECOND);
    next.deployWorkers(TestRuns.resources(SECOND, 1, 1));
    next.releaseClaimUnlessWorkersStarted();
    assertThat(claimHolder()).isEqualTo(SECOND);
  }

  /** The first Job refused (RBAC, an invalid spec): no worker started, so the next run needs no --replace. */
  @Test
  void aRunWhoseJobsWereAllRefusedGivesTheNamespaceUp() throws Exception {
    ClusterOperations first = cluster.ops(FIRST);
    deployOllama(first, FIRST);
    cluster.mock.server().expect().post().withPath("/apis/batch/v1/namespaces/" + NS + "/jobs")
        .andReturn(403, new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
            .withMessage("jobs.batch is forbidden").build())
        .always();

    assertThatThrownBy(() -> first.deployWorkers(TestRuns.resources(FIRST, 2, 1)))
        .isInstanceOf(ClusterException.class).hasMessageContaining("forbidden");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    first.releaseClaimUnlessWorkersStarted();

    assertThat(claimHolder()).isNull();
    cluster.ops(SECOND).checkNoActiveRun(false);
  }

  @Test
  void statusNamesTheRunThatClaimsTheNamespace() throws Exception {
    deployOllama(cluster.ops(FIRST), FIRST);

    assertThat(cluster.ops(null).status().lines())
        .anySatisfy(l -> assertThat(l).startsWith("  Claimed by run " + FIRST + " since ")
            .endsWith(" ago) (Lease orchestrator-run)"));
  }

  private void deployOllama(ClusterOperations ops, String runId) throws InterruptedException {
    try (FakeDeploymentController ollama = new FakeDeploymentController(client, NS).start()) {
      ops.deployOllama(TestRuns.resources(runId, 2, 1), Duration.ofMinutes(1));
    }
  }

  private String claimHolder() {
    Lease claim = client.resources(Lease.class).inNamespace(NS).withName(RunClaim.NAME).get();
    return claim == null ? null : claim.getSpec().getHolderIdentity();
  }
}
