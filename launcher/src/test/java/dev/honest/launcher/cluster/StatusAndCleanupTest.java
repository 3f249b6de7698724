package dev.honest.launcher.cluster;

import static dev.honest.launcher.cluster.FakeJobController.Attempt;
import static dev.honest.launcher.cluster.FakeJobController.Script;
import static dev.honest.launcher.cluster.TestRuns.NS;
import static dev.honest.launcher.cluster.TestRuns.RUN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.exit.ExitCode;
import dev.honest.launcher.SignedLogs;
import dev.honest.launcher.cli.LauncherCommand;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StatusAndCleanupTest {
  private final TestCluster cluster = new TestCluster();
  private final KubernetesClient client = cluster.mock.client();
  private final ClusterOperations ops = cluster.ops();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void statusShowsEachJobsStateAndWhetherOllamaIsReady() throws Exception {
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS, job -> WatchTest.index(job) == 1
        ? Script.succeeds(Attempt.completed(TestRuns.completedLog(1, 2)))
        : Script.keepsRunning(Attempt.failed(TestRuns.workerLog(2, List.of(), false), 137, "OOMKilled"),
            Attempt.running(TestRuns.workerLog(2, List.of(), false)))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 2, 2));
      Eventually.await("both Jobs have a status", () -> client.batch().v1().jobs().inNamespace(NS).list().getItems()
          .stream().allMatch(j -> j.getStatus() != null && j.getStatus().getStartTime() != null));
    }

    ClusterStatus status = ops.status();

    assertThat(status.namespaceExists()).isTrue();
    assertThat(status.deployments()).containsExactly(new ClusterStatus.DeploymentState("ollama", 1, 1, true));
    assertThat(status.jobs()).extracting(ClusterStatus.JobSummary::name, ClusterStatus.JobSummary::state,
            ClusterStatus.JobSummary::activePods, ClusterStatus.JobSummary::failedPods)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("k8s-worker-1", "succeeded", 0, 0),
            org.assertj.core.groups.Tuple.tuple("k8s-worker-2", "running", 1, 1));
    assertThat(status.jobs().get(0).elapsed()).isEqualTo(Duration.ofMinutes(1));
    assertThat(status.lines().get(0)).isEqualTo("Namespace " + NS + ": 2 Jobs | Active: 1 | Succeeded: 1 | Failed: 0");
    assertThat(status.lines().get(1)).startsWith("  Claimed by run " + RUN + " since ");
    assertThat(status.lines().get(2)).isEqualTo("  Deployment ollama: ready 1/1");
  }

  @Test
  void statusSaysWhyARunningJobsPodCannotStart() throws Exception {
    try (FakeJobController jobs = new FakeJobController(cluster.mock, NS, job -> Script.keepsRunning(
        Attempt.running(TestRuns.workerLog(1, List.of(), false)))).start()) {
      cluster.deploy(ops, TestRuns.resources(RUN, 1, 2));
      Eventually.await("the worker's pod", () -> client.pods().inNamespace(NS)
          .withLabel(RunLabels.JOB_NAME, "k8s-worker-1").list().getItems().size() == 1);
    }
    Pod pod = client.pods().inNamespace(NS).withLabel(RunLabels.JOB_NAME, "k8s-worker-1").list().getItems().get(0);
    FakeController.editStatus(client.pods().inNamespace(NS).withName(pod.getMetadata().getName()), p -> {
      p.getStatus().getContainerStatuses().get(0).setState(new ContainerStateBuilder().withNewWaiting()
          .withReason("ImagePullBackOff").withMessage("Back-off pulling image \"honest-worker:0.1.0\"").endWaiting()
          .build());
      return p;
    });

    ClusterStatus status = ops.status();

    assertThat(status.jobs()).singleElement().extracting(ClusterStatus.JobSummary::state, ClusterStatus.JobSummary::reason)
        .containsExactly("running", "pod " + pod.getMetadata().getName() + " cannot start: container worker:"
            + " ImagePullBackOff (Back-off pulling image \"honest-worker:0.1.0\")");
  }

  @Test
  void statusOfANamespaceThatDoesNotExistSaysSo() {
    ClusterStatus status = ops.status();

    assertThat(status.namespaceExists()).isFalse();
    assertThat(status.lines()).containsExactly("Namespace " + NS + " does not exist: no run to show.");
  }

  @Test
  void cleanupDeletesTheNamespaceAndWaitsUntilItIsGone() throws Exception {
    client.namespaces().resource(TestRuns.namespace()).create();

    ops.cleanup(Duration.ofMinutes(1));

    assertThat(client.namespaces().withName(NS).get()).isNull();
    assertThat(cluster.output()).contains("🧹 Deleting namespace " + NS, "✅ Namespace " + NS + " deleted | Time: ");
  }

  @Test
  void cleanupDeletesTheSigningKeySecretEvenWhenTheNamespaceHangs() {
    client.namespaces().resource(new NamespaceBuilder(TestRuns.namespace())
        .editMetadata().addToFinalizers("kubernetes").endMetadata().build()).create();
    client.secrets().inNamespace(NS).resource(SigningKeySecret.of(NS, TestRuns.RUN, SignedLogs.KEY)).create();

    assertThatThrownBy(() -> ops.cleanup(Duration.ofSeconds(2))).isInstanceOf(ClusterException.class);

    assertThat(client.secrets().inNamespace(NS).withName(SigningKeySecret.NAME).get()).isNull();
  }

  @Test
  void cleanupRefusesANamespaceThatHoldsNoRunAndDeletesNothingInIt() {
    // `cleanup --namespace team-prod`: a namespace no run ever used (a run labels its namespace).
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    client.secrets().inNamespace(NS).resource(SigningKeySecret.of(NS, TestRuns.RUN, SignedLogs.KEY)).create();

    assertThatThrownBy(() -> ops.cleanup(Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageContaining("namespace " + NS)
        .hasMessageContaining(RunLabels.PART_OF + "=" + RunLabels.PART_OF_VALUE);

    assertThat(client.namespaces().withName(NS).get()).isNotNull();
    assertThat(client.secrets().inNamespace(NS).withName(SigningKeySecret.NAME).get()).isNotNull();
  }

  @Test
  void cleanupOfANamespaceThatDoesNotExistChangesNothing() throws Exception {
    ops.cleanup(Duration.ofMinutes(1));

    assertThat(cluster.output()).isEqualTo("🧹 Namespace " + NS + " does not exist: nothing to clean up\n");
  }

  @Test
  void aNamespaceThatDoesNotGoAwayTimesOutSayingWhatHoldsIt() {
    client.namespaces().resource(new NamespaceBuilder(TestRuns.namespace())
        .editMetadata().addToFinalizers("kubernetes").endMetadata()
        .withNewStatus().withPhase("Terminating")
        .addNewCondition().withType("NamespaceContentRemaining").withStatus("True").withReason("SomeResourcesRemain")
        .withMessage("Some resources are remaining: pods. has 1 resource instances").endCondition()
        .endStatus()
        .build()).create();

    assertThatThrownBy(() -> ops.cleanup(Duration.ofSeconds(2)))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE))
        .hasMessageStartingWith("namespace " + NS + " still exists after ")
        .hasMessageEndingWith(": SomeResourcesRemain: Some resources are remaining: pods. has 1 resource instances"
            + " — see `kubectl get namespace " + NS + " -o yaml`");
    assertThat(cluster.output()).contains("🧹 Namespace " + NS + ": Terminating | Time: ");
  }

  /**
   * A run of 10,000 tasks leaves 10,000 Leases. The API server deletes a collection one object after
   * the other within its request deadline (34 s for a delete-collection, one worker by default), and
   * answers 504 when that is not enough, having deleted only part of them. The namespace's own
   * deletion removes every Lease in it anyway: cleanup must not stop before deleting it.
   */
  @Test
  void cleanupDeletesTheNamespaceWhenTheApiServerTimesOutDeletingTheLeasesOfALargeRun() throws Exception {
    client.namespaces().resource(TestRuns.namespace()).create();
    cluster.mock.server().expect().delete()
        .withPath("/apis/coordination.k8s.io/v1/namespaces/" + NS
            + "/leases?labelSelector=app.kubernetes.io%2Fpart-of%3Dhonest-orchestration"
            + "%2Capp.kubernetes.io%2Fcomponent%21%3Drun-claim")
        .andReturn(504, new StatusBuilder().withStatus("Failure").withCode(504).withReason("Timeout")
            .withMessage("Timeout: request did not complete within requested timeout - context deadline exceeded")
            .build())
        .always();

    // The launcher's own client retries a 504 four times; the mock's would retry ten times, slowly.
    try (KubernetesClient fewRetries = new KubernetesClientBuilder().withConfig(
        new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(1).build()).build()) {
      cluster.opsThrough(fewRetries).cleanup(Duration.ofMinutes(1));
    }

    assertThat(client.namespaces().withName(NS).get()).isNull();
    assertThat(cluster.output()).contains("⚠️ The claims on tasks (Leases) were not all deleted: Timeout: request did"
        + " not complete within requested timeout - context deadline exceeded (HTTP 504)", "Those left go with the namespace.",
        "✅ Namespace " + NS + " deleted");
  }

  /**
   * A second {@code cleanup} (the first one timed out, or was stopped) finds the namespace
   * Terminating: the API server answers its DELETE with 409 Conflict ("The system is ensuring all
   * content is removed from this namespace"). That is the deletion already under way, not an error.
   */
  @Test
  void cleanupOfANamespaceAlreadyTerminatingWaitsForItInsteadOfFailingOnTheConflict() {
    client.namespaces().resource(new NamespaceBuilder(TestRuns.namespace())
        .editMetadata().addToFinalizers("kubernetes").endMetadata()
        .withNewStatus().withPhase("Terminating").endStatus()
        .build()).create();
    cluster.mock.server().expect().delete().withPath("/api/v1/namespaces/" + NS)
        .andReturn(409, new StatusBuilder().withStatus("Failure").withCode(409).withReason("Conflict")
            .withMessage("Operation cannot be fulfilled on namespaces \"" + NS + "\": The system is ensuring all"
                + " content is removed from this namespace.  Upon completion, this namespace will automatically be"
                + " purged by the system.").build())
        .always();

    assertThatThrownBy(() -> ops.cleanup(Duration.ofSeconds(2)))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE))
        .hasMessageStartingWith("namespace " + NS + " still exists after ");
    assertThat(cluster.output()).contains("🧹 Namespace " + NS + ": Terminating | Time: ");
  }

  /**
   * Ctrl-C while {@code cleanup} waits for the namespace to go (up to --timeout, 5 minutes): the
   * deletion goes on without it; it says so and exits 1.
   */
  @Test
  void ctrlCWhileCleanupWaitsForTheNamespaceSaysTheDeletionGoesOnAndExits1(@TempDir Path dir) throws Exception {
    client.namespaces().resource(new NamespaceBuilder(TestRuns.namespace())
        .editMetadata().addToFinalizers("kubernetes").endMetadata().build()).create();

    Interrupted cleanup = Interrupted.at("Deleting namespace", List.of("cleanup", "--kubeconfig",
        kubeconfig(dir).toString(), "--namespace", NS));

    assertThat(cleanup.output()).contains("Stopped cleaning up namespace " + NS + ": what was deleted stays deleted,"
        + " and a deletion of the namespace under way goes on; `cleanup` again waits until it is gone.");
    assertThat(cleanup.exitCode()).as(cleanup.output()).isEqualTo(1);
  }

  private Path kubeconfig(Path dir) throws java.io.IOException {
    return Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\nclusters:\n"
        + "- name: mock\n  cluster:\n    server: " + client.getMasterUrl() + "\ncontexts:\n- name: mock\n  context:\n"
        + "    cluster: mock\n    user: u\ncurrent-context: mock\nusers:\n- name: u\n  user:\n    token: test\n");
  }

  /**
   * README "Exit codes": 2 is for "a --namespace that holds no run"; 3 for a cluster or Ollama that
   * is unavailable. `status --namespace default` lists no Deployment of someone else's as Ollama.
   */
  @Test
  void statusOfANamespaceThatHoldsNoRunOrDoesNotExistSaysSoAndExits2(@TempDir Path dir) throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\nclusters:\n"
        + "- name: mock\n  cluster:\n    server: " + client.getMasterUrl() + "\ncontexts:\n- name: mock\n  context:\n"
        + "    cluster: mock\n    user: u\ncurrent-context: mock\nusers:\n- name: u\n  user:\n    token: test\n");
    StringWriter missing = new StringWriter();
    CommandLine cli = LauncherCommand.commandLine();
    cli.setOut(new PrintWriter(missing, true));

    assertThat(cli.execute("status", "--kubeconfig", kubeconfig.toString(), "--namespace", NS)).isEqualTo(2);
    assertThat(missing.toString()).isEqualTo("Namespace " + NS + " does not exist: no run to show.\n");

    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata().withName("web")
        .endMetadata().withNewSpec().withReplicas(2).endSpec().build()).create();
    StringWriter foreign = new StringWriter();
    cli = LauncherCommand.commandLine();
    cli.setOut(new PrintWriter(foreign, true));

    assertThat(cli.execute("status", "--kubeconfig", kubeconfig.toString(), "--namespace", NS)).isEqualTo(2);
    assertThat(foreign.toString()).contains("Namespace " + NS + " holds no run", RunLabels.PART_OF + "=" + RunLabels.PART_OF_VALUE)
        .doesNotContain("Deployment web");
  }

  /** README "Exit codes": collecting from a namespace that holds no run is exit 2, as for `status` and `cleanup`. */
  @Test
  void collectOfANamespaceThatHoldsNoRunOrDoesNotExistExits2(@TempDir Path dir) throws Exception {
    Path kubeconfig = kubeconfig(dir);
    for (boolean exists : List.of(false, true)) {
      if (exists) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
            .create();
      }
      StringWriter err = new StringWriter();
      CommandLine cli = LauncherCommand.commandLine();
      cli.setErr(new PrintWriter(err, true));

      assertThat(cli.execute("collect", "--kubeconfig", kubeconfig.toString(), "--namespace", NS, "--output",
          dir.resolve("out").toString())).as(err.toString()).isEqualTo(2);
      assertThat(err.toString()).startsWith("error: no run to collect");
    }
  }
}
