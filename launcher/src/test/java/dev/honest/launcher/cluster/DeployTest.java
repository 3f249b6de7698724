package dev.honest.launcher.cluster;

import static dev.honest.launcher.cluster.TestRuns.NS;
import static dev.honest.launcher.cluster.TestRuns.RUN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.exit.ExitCode;
import dev.honest.launcher.SignedLogs;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeployTest {
  private final TestCluster cluster = new TestCluster();
  private final KubernetesClient client = cluster.mock.client();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void theRunIsAppliedInDependencyOrderAndApplyingItAgainChangesNothing() throws Exception {
    RunResources run = TestRuns.resources(RUN, 2, 3);
    ClusterOperations ops = cluster.ops();

    cluster.deploy(ops, run);
    List<String> first = cluster.mock.applied();
    Job applied = client.batch().v1().jobs().inNamespace(NS).withName("k8s-worker-1").get();
    cluster.deploy(ops, run);

    assertThat(first).containsExactly(
        "namespaces/" + NS,
        "networkpolicies/default-deny",
        "networkpolicies/workers-to-ollama",
        "services/ollama",
        "services/ollama-pods",
        "deployments/ollama",
        "serviceaccounts/honest-worker",
        "roles/honest-worker-claims",
        "configmaps/orchestrator-config",
        "secrets/" + SigningKeySecret.NAME,
        "jobs/k8s-worker-1",
        "jobs/k8s-worker-2");
    assertThat(cluster.mock.applied()).hasSize(2 * first.size()).endsWith(first.toArray(String[]::new));
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(2);
    Job again = client.batch().v1().jobs().inNamespace(NS).withName("k8s-worker-1").get();
    assertThat(again.getSpec()).isEqualTo(applied.getSpec());
    assertThat(again.getMetadata().getUid()).isEqualTo(applied.getMetadata().getUid());
    assertThat(client.configMaps().inNamespace(NS).withName("orchestrator-config").get().getData())
        .isEqualTo(run.configMaps().get(0).getData());
    assertThat(cluster.output()).contains(
        "📦 Namespace applied: Namespace/" + NS,
        "📦 Ollama applied: NetworkPolicy/default-deny, NetworkPolicy/workers-to-ollama, Service/ollama, Service/ollama-pods,"
            + " Deployment/ollama",
        "📦 Worker access applied: ServiceAccount/honest-worker, Role/honest-worker-claims",
        "📦 Jobs applied: Job/k8s-worker-1, Job/k8s-worker-2");
  }

  @Test
  void theSigningKeySecretHoldsTheRunsKeyAndIsNeverPrinted() throws Exception {
    cluster.deploy(cluster.ops(), TestRuns.resources(RUN, 1, 1));

    Secret secret = client.secrets().inNamespace(NS).withName(SigningKeySecret.NAME).get();
    assertThat(SigningKeySecret.read(secret).keyId()).isEqualTo(SignedLogs.KEY.keyId());
    assertThat(secret.getMetadata().getLabels()).containsEntry(RunLabels.INSTANCE, RUN);
    assertThat(cluster.output()).contains("📦 Signing key applied: Secret/" + SigningKeySecret.NAME)
        .doesNotContain("PRIVATE KEY", secret.getData().get(SigningKeySecret.KEY));
    assertThat(cluster.ops().signingKey().keyId()).isEqualTo(SignedLogs.KEY.keyId());
  }

  @Test
  void configMapsAndJobsWaitUntilEveryOllamaReplicaIsReady() throws Exception {
    ClusterOperations ops = cluster.ops();
    try (FakeDeploymentController ollama = new FakeDeploymentController(client, NS)) {
      ollama.hold();
      ollama.start();
      Future<?> deploy = cluster.inBackground(() -> {
        ops.deploy(TestRuns.resources(RUN, 2, 3), Duration.ofMinutes(1));
        return null;
      });

      Eventually.await("the launcher waits for Ollama",
          () -> cluster.output().contains("⏳ Ollama (deployment ollama): ready 0/1 | Time: "));
      assertThat(cluster.mock.applied()).last().isEqualTo("deployments/ollama");

      ollama.release();
      deploy.get(30, TimeUnit.SECONDS);
    }
    assertThat(cluster.output()).contains("✅ Ollama ready: ready 1/1");
    assertThat(cluster.mock.applied()).endsWith("configmaps/orchestrator-config", "secrets/" + SigningKeySecret.NAME,
        "jobs/k8s-worker-1", "jobs/k8s-worker-2");
  }

  @Test
  void ollamaThatNeverGetsReadyTimesOutNamingTheStuckPodAndWhy() {
    client.pods().inNamespace(NS).resource(new PodBuilder()
        .withNewMetadata().withName("ollama-7d9f8c-x2kq4").withLabels(TestRuns.labels(RUN, "ollama")).endMetadata()
        .withNewSpec()
        .addNewInitContainer().withName("pull-models").withImage("ollama/ollama:0.6.5").endInitContainer()
        .addNewContainer().withName("ollama").withImage("ollama/ollama:0.6.5").endContainer()
        .endSpec()
        .withNewStatus().withPhase("Pending")
        .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
        .addNewInitContainerStatus().withName("pull-models").withReady(false).withRestartCount(4)
        .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
        .withMessage("back-off 1m20s restarting failed container=pull-models pod=ollama-7d9f8c-x2kq4_honest-run")
        .endWaiting().endState()
        .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").withContainerID("containerd://0a1")
        .withMessage(PULL_TIMED_OUT).endTerminated().endLastState()
        .endInitContainerStatus()
        .addNewContainerStatus().withName("ollama").withReady(false)
        .withNewState().withNewWaiting().withReason("PodInitializing").endWaiting().endState()
        .endContainerStatus()
        .endStatus()
        .build()).create();

    assertThatThrownBy(() -> cluster.ops().deploy(TestRuns.resources(RUN, 2, 3), Duration.ofSeconds(2)))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE))
        .hasMessageStartingWith("Ollama (deployment ollama) not ready after ")
        .hasMessageContaining("ready 0/1: ollama-7d9f8c-x2kq4: init container pull-models: CrashLoopBackOff"
            + " (back-off 1m20s restarting failed container=pull-models pod=ollama-7d9f8c-x2kq4_honest-run);"
            + " last exit: Error (exit 1): pull-models: pulling llama3.1:8b failed 5 times, the last time with:"
            + " pull model manifest: i/o timeout");
    assertThat(cluster.mock.applied())
        .noneMatch(a -> a.startsWith("jobs/") || a.startsWith("configmaps/") || a.startsWith("secrets/"));
  }

  /** What Kubernetes keeps of a failed pull-models (FallbackToLogsOnError): the end of its log. */
  private static final String PULL_TIMED_OUT = "time=2026-01-01T10:00:00Z level=INFO msg=\"server stopped\"\n"
      + "pull-models: pulling llama3.1:8b failed 5 times, the last time with: pull model manifest: i/o timeout\n";

  private static final String NO_SUCH_MODEL = "time=2026-01-01T10:00:00Z level=INFO msg=\"server stopped\"\n"
      + "pull-models: cannot pull llama3.1:80b: pull model manifest: file does not exist"
      + " (no such model or tag in the registry: check the name)\n";

  /** An Ollama pod of the Deployment {@code TestRuns.ollama}, its init container running {@code image}. */
  private void ollamaPodPulling(String name, String image) {
    client.pods().inNamespace(NS).resource(new PodBuilder()
        .withNewMetadata().withName(name).withLabels(TestRuns.labels(RUN, "ollama")).endMetadata()
        .withNewSpec()
        .addNewInitContainer().withName("pull-models").withImage(image).endInitContainer()
        .addNewContainer().withName("ollama").withImage(image).endContainer()
        .endSpec()
        .withNewStatus().withPhase("Pending")
        .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
        .addNewInitContainerStatus().withName("pull-models").withReady(false).withRestartCount(0)
        .withNewState().withNewRunning().withStartedAt("2026-01-01T10:00:00Z").endRunning().endState()
        .endInitContainerStatus()
        .endStatus()
        .build()).create();
  }

  /** The kubelet's report of pull-models exiting 1 with {@code message}, as the container {@code id}. */
  private void pullFails(String pod, String id, String message) {
    FakeController.editStatus(client.pods().inNamespace(NS).withName(pod), p -> {
      p.getStatus().getInitContainerStatuses().get(0).setState(new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
          .withNewTerminated().withExitCode(1).withReason("Error").withContainerID(id).withMessage(message)
          .withFinishedAt("2026-01-01T10:00:05Z").endTerminated().build());
      return p;
    });
  }

  /**
   * A model the registry does not have: pull-models fails at once, and `run` says so as soon as the
   * kubelet reports it, with the init container's reason, instead of waiting out --ollama-timeout.
   */
  @Test
  void aModelPullFailingWhileRunWaitsEndsTheWaitAtOnceWithThePullsReason() throws Exception {
    ollamaPodPulling("ollama-7d9f8c-x2kq4", "ollama/ollama:0.6.5");
    Future<?> deploy = deployWaitingForOllama(Duration.ofMinutes(10));

    pullFails("ollama-7d9f8c-x2kq4", "containerd://1b2", NO_SUCH_MODEL);

    assertThatThrownBy(() -> deploy.get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE))
        .hasMessageStartingWith("Ollama (deployment ollama) cannot become ready: pod ollama-7d9f8c-x2kq4:"
            + " init container pull-models failed (Error, exit 1): pull-models: cannot pull llama3.1:80b:"
            + " pull model manifest: file does not exist (no such model or tag in the registry: check the name)")
        .hasMessageContaining("kubectl -n " + NS + " logs ollama-7d9f8c-x2kq4 -c pull-models");
    assertThat(cluster.mock.applied())
        .noneMatch(a -> a.startsWith("jobs/") || a.startsWith("configmaps/") || a.startsWith("secrets/"));
  }

  /**
   * A pod of the Deployment's earlier template (another image, or other models) is replaced by the
   * rollout: its failures are not the run's.
   */
  @Test
  void aPullFailingInAPodOfAnEarlierTemplateDoesNotEndTheWait() throws Exception {
    ollamaPodPulling("ollama-5c4b3a-old01", "ollama/ollama:0.5.0");
    Future<?> deploy = deployWaitingForOllama(Duration.ofSeconds(4));

    pullFails("ollama-5c4b3a-old01", "containerd://2c3", NO_SUCH_MODEL);

    assertThatThrownBy(() -> deploy.get(30, TimeUnit.SECONDS))
        .cause()
        .hasMessageStartingWith("Ollama (deployment ollama) not ready after ");
  }

  /**
   * `run` again after a failed pull (egress to the registry fixed meanwhile): the failure the pod
   * already had is said, not taken for this run's; the pod tries again after its back-off.
   */
  @Test
  void aPullThatFailedBeforeTheWaitBeganIsSaidAndWaitedOut() throws Exception {
    ollamaPodPulling("ollama-7d9f8c-x2kq4", "ollama/ollama:0.6.5");
    pullFails("ollama-7d9f8c-x2kq4", "containerd://0a1", PULL_TIMED_OUT);
    whileOllamaIsHeldNotReady(() -> Eventually.await("the earlier failure is said", () -> cluster.output().contains(
        "⚠ Ollama pod ollama-7d9f8c-x2kq4 had failed before `run` began waiting: init container pull-models failed"
            + " (Error, exit 1): pull-models: pulling llama3.1:8b failed 5 times, the last time with:"
            + " pull model manifest: i/o timeout."
            + " It tries again after its back-off; `kubectl -n " + NS + " delete pod ollama-7d9f8c-x2kq4` tries at once.")));
  }

  /**
   * A node that restarted (or its container runtime) ends the pod's containers with Unknown, exit
   * 255, and starts them again, init container first: no container failed, so `run` waits on.
   */
  @Test
  void containersEndedByANodeRestartDoNotEndTheWait() throws Exception {
    ollamaPodPulling("ollama-7d9f8c-x2kq4", "ollama/ollama:0.6.5");
    whileOllamaIsHeldNotReady(() -> {
      FakeController.editStatus(client.pods().inNamespace(NS).withName("ollama-7d9f8c-x2kq4"), p -> {
        p.getStatus().setContainerStatuses(List.of(new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
            .withName("ollama").withReady(false).withRestartCount(1)
            .withNewState().withNewWaiting().withReason("PodInitializing").endWaiting().endState()
            .withNewLastState().withNewTerminated().withExitCode(255).withReason("Unknown")
            .withContainerID("containerd://4e5").endTerminated().endLastState()
            .build()));
        return p;
      });
      Thread.sleep(2500); // a few polls of the wait
    });
  }

  private interface WhileWaiting {
    void run() throws Exception;
  }

  /**
   * Deploys while the Ollama Deployment is held not ready, does {@code whileWaiting}, checks that the
   * deploy still waits, then lets Ollama be ready: the deploy must go on to the end.
   */
  private void whileOllamaIsHeldNotReady(WhileWaiting whileWaiting) throws Exception {
    try (FakeDeploymentController ollama = new FakeDeploymentController(client, NS)) {
      ollama.hold();
      ollama.start();
      Future<?> deploy = deployWaitingForOllama(Duration.ofMinutes(1));

      whileWaiting.run();
      assertThat(deploy.isDone()).as(cluster.output()).isFalse();

      ollama.release();
      deploy.get(30, TimeUnit.SECONDS);
    }
    assertThat(cluster.output()).contains("✅ Ollama ready");
  }

  /**
   * The kubelet evicts a pod whose models outgrow their emptyDir (or a node short of memory or disk):
   * its containers are killed, which is not a failed pull; the Deployment starts another pod. Said
   * once, with the kubelet's words, while `run` waits on.
   */
  @Test
  void anEvictedOllamaPodIsSaidAndNotTakenForAFailedPull() throws Exception {
    ollamaPodPulling("ollama-7d9f8c-x2kq4", "ollama/ollama:0.6.5");
    Future<?> deploy = deployWaitingForOllama(Duration.ofMinutes(10));

    FakeController.editStatus(client.pods().inNamespace(NS).withName("ollama-7d9f8c-x2kq4"), p -> {
      p.getStatus().setPhase("Failed");
      p.getStatus().setReason("Evicted");
      p.getStatus().setMessage("Usage of EmptyDir volume \"ollama-models\" exceeds the limit \"20Gi\". ");
      p.getStatus().getInitContainerStatuses().get(0).setState(new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
          .withNewTerminated().withExitCode(137).withReason("Error").withContainerID("containerd://3d4").endTerminated()
          .build());
      return p;
    });

    Eventually.await("the eviction is said", () -> cluster.output().contains(
        "⚠ Ollama pod ollama-7d9f8c-x2kq4 was stopped: Evicted: Usage of EmptyDir volume \"ollama-models\" exceeds"
            + " the limit \"20Gi\". The Deployment starts another pod in its place."));
    Thread.sleep(1500);
    assertThat(deploy.isDone()).isFalse();
    deploy.cancel(true);
  }

  /** An Ollama pod no node can take (yet: an autoscaler may add one) is said while `run` goes on waiting. */
  @Test
  void anOllamaPodThatCannotStartIsSaidWhileRunWaits() throws Exception {
    client.pods().inNamespace(NS).resource(new PodBuilder()
        .withNewMetadata().withName("ollama-7d9f8c-m4v8n").withLabels(TestRuns.labels(RUN, "ollama")).endMetadata()
        .withNewSpec().addNewContainer().withName("ollama").withImage("ollama/ollama:0.6.5").endContainer().endSpec()
        .withNewStatus().withPhase("Pending")
        .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
        .withMessage("0/3 nodes are available: 3 Insufficient memory.").endCondition()
        .endStatus()
        .build()).create();
    ClusterOperations ops = cluster.ops();
    Future<?> deploy = cluster.inBackground(() -> {
      ops.deploy(TestRuns.resources(RUN, 1, 1), Duration.ofMinutes(10));
      return null;
    });

    Eventually.await("the stuck pod is said", () -> cluster.output().contains(
        "⚠ Ollama pod ollama-7d9f8c-m4v8n cannot start: Pending: Unschedulable: 0/3 nodes are available:"
            + " 3 Insufficient memory."));
    assertThat(deploy.isDone()).isFalse();
    deploy.cancel(true);
  }

  /** Starts deploying run {@link TestRuns#RUN} on another thread and returns once it waits for Ollama. */
  private Future<?> deployWaitingForOllama(Duration timeout) throws InterruptedException {
    ClusterOperations ops = cluster.ops();
    Future<?> deploy = cluster.inBackground(() -> {
      ops.deploy(TestRuns.resources(RUN, 2, 3), timeout);
      return null;
    });
    Eventually.await("the launcher waits for Ollama", () -> cluster.output().contains("⏳ Ollama"));
    return deploy;
  }

  @Test
  void anOllamaPodNoNodeCanTakeIsReportedWithTheSchedulersWords() {
    client.pods().inNamespace(NS).resource(new PodBuilder()
        .withNewMetadata().withName("ollama-7d9f8c-m4v8n").withLabels(TestRuns.labels(RUN, "ollama")).endMetadata()
        .withNewSpec().addNewContainer().withName("ollama").withImage("ollama/ollama:0.6.5").endContainer().endSpec()
        .withNewStatus().withPhase("Pending")
        .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
        .withMessage("0/3 nodes are available: 3 Insufficient memory.").endCondition()
        .endStatus()
        .build()).create();

    assertThatThrownBy(() -> cluster.ops().deploy(TestRuns.resources(RUN, 1, 1), Duration.ofSeconds(2)))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("ollama-7d9f8c-m4v8n: Pending: Unschedulable: 0/3 nodes are available: 3 Insufficient memory.");
  }

  @Test
  void jobsWithoutTheRunLabelsAreRejectedBeforeAnythingIsApplied() {
    RunResources rendered = TestRuns.resources(RUN, 2, 3);
    List<Job> jobs = new ArrayList<>(rendered.jobs());
    jobs.set(1, new JobBuilder(jobs.get(1)).editSpec().editTemplate().editMetadata()
        .removeFromLabels(RunLabels.INSTANCE).endMetadata().endTemplate().endSpec().build());
    RunResources unlabelled = new RunResources(rendered.namespace(), rendered.ollama(), rendered.ollamaService(),
        rendered.ollamaPods(), rendered.networkPolicies(), rendered.workerAccess(), rendered.configMaps(),
        rendered.signingKey(), jobs);

    assertThatThrownBy(() -> cluster.ops().deploy(unlabelled, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Job k8s-worker-2 needs the labels");
    assertThat(cluster.mock.applied()).isEmpty();
  }

  @Test
  void anExistingNamespaceThatHoldsNoRunIsRefusedAndNothingIsAppliedInIt() {
    // `run --namespace team-x`: a namespace of someone else's, which no run ever labelled.
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
        .addToLabels("team", "x").endMetadata().build()).create();

    assertThatThrownBy(() -> cluster.ops().deploy(TestRuns.resources(RUN, 2, 3), Duration.ofSeconds(2)))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageContaining("namespace " + NS + " exists")
        .hasMessageContaining("Pod Security restricted")
        .hasMessageContaining("kubectl label namespace " + NS + " " + RunLabels.PART_OF + "=" + RunLabels.PART_OF_VALUE)
        .hasMessageNotContaining("\n");

    assertThat(cluster.mock.applied()).isEmpty();
    assertThat(client.network().v1().networkPolicies().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.namespaces().withName(NS).get().getMetadata().getLabels()).isEqualTo(java.util.Map.of("team", "x"));
  }

  @Test
  void aNamespaceCreatedBeforehandAndLabelledForTheRunIsUsed() throws Exception {
    // Who may not create namespaces has one made and labelled: `kubectl label namespace NS part-of=...`.
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
        .addToLabels(RunLabels.PART_OF, RunLabels.PART_OF_VALUE).endMetadata().build()).create();

    cluster.deploy(cluster.ops(), TestRuns.resources(RUN, 2, 3));

    assertThat(cluster.mock.applied()).startsWith("namespaces/" + NS, "networkpolicies/default-deny").endsWith("jobs/k8s-worker-2");
    assertThat(client.namespaces().withName(NS).get().getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
  }

  /**
   * `run` right after a `cleanup` that has not finished: the namespace is Terminating, and the API
   * server refuses every new object in it (403 "unable to create new content in namespace ... because
   * it is being terminated"), which would read as a missing RBAC right. Said as it is, before anything.
   */
  @Test
  void aNamespaceBeingDeletedIsRefusedSayingSoBeforeAnythingIsApplied() {
    client.namespaces().resource(new NamespaceBuilder(TestRuns.namespace())
        .editMetadata().addToFinalizers("kubernetes").endMetadata().build()).create();
    client.namespaces().withName(NS).delete();
    assertThat(client.namespaces().withName(NS).get().getMetadata().getDeletionTimestamp()).isNotNull();

    assertThatThrownBy(() -> cluster.ops().deploy(TestRuns.resources(RUN, 2, 3), Duration.ofSeconds(2)))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageContaining("namespace " + NS + " is being deleted")
        .hasMessageNotContaining("RBAC");

    assertThat(cluster.mock.applied()).isEmpty();
  }
}
