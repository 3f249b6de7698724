package dev.honest.launcher.cluster;

import static dev.honest.launcher.cluster.TestRuns.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.exit.ExitCode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapListBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ActiveRunTest {
  private static final String EARLIER = "run-20251231-0007";

  private final TestCluster cluster = new TestCluster();
  private final KubernetesClient client = cluster.mock.client();

  @BeforeEach
  void anEarlierRunIsInTheNamespace() {
    RunResources earlier = TestRuns.resources(EARLIER, 2, 3);
    earlier.jobs().forEach(j -> client.batch().v1().jobs().inNamespace(NS).resource(j).create());
    earlier.configMaps().forEach(c -> client.configMaps().inNamespace(NS).resource(c).create());
    client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("kube-root-ca.crt").endMetadata().addToData("ca.crt", "-----BEGIN CERTIFICATE-----")
        .build()).create();
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void aSecondRunIsRefusedWhileJobsOfAnEarlierRunExist() {
    assertThatThrownBy(() -> cluster.ops().checkNoActiveRun(false))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessage("namespace " + NS + " already holds 2 Job(s) of an earlier run (app.kubernetes.io/instance="
            + EARLIER + "): pass --replace to delete them first, or run `cleanup` to delete the namespace");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(2);
  }

  @Test
  void withReplaceTheEarlierJobsAndConfigMapsAreGoneBeforeItReturns() throws InterruptedException {
    cluster.ops().checkNoActiveRun(true);

    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.configMaps().inNamespace(NS).list().getItems())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("kube-root-ca.crt");
    assertThat(cluster.output()).contains("♻️ Deleting 2 Job(s) of an earlier run (app.kubernetes.io/instance=" + EARLIER + ")");
  }

  @Test
  void whileTheEarlierRunGoesItSaysWhatIsLeftWithoutFetchingItAndNeverUndercounts() throws InterruptedException {
    // The first look after the deletes finds ConfigMaps still going. With a label selector the API
    // server answers a list of one item with a continue token and no remainingItemCount.
    String selector = "labelSelector=" + RunLabels.PART_OF.replace("/", "%2F") + "%3D" + RunLabels.PART_OF_VALUE;
    cluster.mock.server().expect().get().withPath("/api/v1/namespaces/" + NS + "/configmaps?" + selector + "&limit=1")
        .andReturn(200, new ConfigMapListBuilder().withNewMetadata().withContinue("more").endMetadata()
            .addToItems(TestRuns.resources(EARLIER, 2, 3).configMaps().get(0)).build())
        .once();

    cluster.ops().checkNoActiveRun(true);

    assertThat(cluster.output()).contains("♻️ Waiting for the earlier run to go: its ConfigMaps left")
        .doesNotContain("1 object(s) left");
    assertThat(client.configMaps().inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  void aRunWhoseNamespaceGotAnotherRunsJobsWhileItWaitedForOllamaStartsNoWorkerAndChangesNothingOfThatRun() {
    // The earlier run of the set-up started its workers while this one waited for Ollama (from another terminal).
    String theirPlan = client.configMaps().inNamespace(NS).withName(RunLabels.CONFIG_MAP).get().getData().toString();

    assertThatThrownBy(() -> cluster.ops().deployWorkers(TestRuns.resources(TestRuns.RUN, 2, 1)))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageStartingWith("another run (" + EARLIER + ") started its workers in namespace " + NS
            + " while this one waited for Ollama; this run starts none");

    assertThat(client.configMaps().inNamespace(NS).withName(RunLabels.CONFIG_MAP).get().getData().toString())
        .isEqualTo(theirPlan);
    assertThat(client.secrets().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems())
        .allSatisfy(j -> assertThat(j.getMetadata().getLabels()).containsEntry(RunLabels.INSTANCE, EARLIER));
  }

  @Test
  void aNamespaceWithoutJobsIsNoObstacle() throws InterruptedException {
    client.batch().v1().jobs().inNamespace(NS).delete();

    cluster.ops().checkNoActiveRun(false);

    assertThat(cluster.output()).isEmpty();
  }

  @Test
  void replaceDeletesNothingInAnExistingNamespaceThatHoldsNoRun() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();

    assertThatThrownBy(() -> cluster.ops().checkNoActiveRun(true))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessageContaining("namespace " + NS + " exists")
        .hasMessageContaining("kubectl label namespace " + NS + " " + RunLabels.PART_OF + "=" + RunLabels.PART_OF_VALUE);

    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(2);
    assertThat(client.configMaps().inNamespace(NS).list().getItems()).hasSize(2);
    assertThat(cluster.output()).isEmpty();
  }
}
