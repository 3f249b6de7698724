package dev.honest.launcher.cluster;

import static dev.honest.launcher.cluster.TestRuns.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.exit.ExitCode;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorsTest {
  private static final String KUBECONFIG = """
      apiVersion: v1
      kind: Config
      clusters:
      - name: lab
        cluster:
          server: https://10.0.0.1:6443
      - name: kind
        cluster:
          server: https://127.0.0.1:39217
      contexts:
      - name: lab-admin
        context: {cluster: lab, user: admin}
      - name: kind-honest
        context: {cluster: kind, user: admin}
      current-context: lab-admin
      users:
      - name: admin
        user: {token: not-a-real-token}
      """;

  @TempDir Path dir;

  @Test
  void anUnreachableClusterIsReportedInOneLineWithItsAddressAndTheFix() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + port)
        .withRequestRetryBackoffLimit(0).build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      ClusterOperations ops = new ClusterOperations(client, NS, null, ClusterOperations.FIELD_MANAGER,
          new PrintWriter(new StringWriter()));

      assertThatThrownBy(ops::status)
          .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE))
          .hasMessage("cannot reach the cluster at http://127.0.0.1:" + port + "/: connection refused"
              + " — check `kubectl config current-context` or pass --context/--kubeconfig");
    }
  }

  @Test
  void aForbiddenRequestNamesTheVerbAndTheResource() {
    try (TestCluster cluster = new TestCluster()) {
      String denial = "jobs.batch is forbidden: User \"dev\" cannot list resource \"jobs\" in API group \"batch\""
          + " in the namespace \"" + NS + "\"";
      cluster.mock.server().expect().get()
          .withPath("/apis/batch/v1/namespaces/" + NS + "/jobs?labelSelector=app.kubernetes.io%2Fpart-of%3Dhonest-orchestration")
          .andReturn(403, new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
              .withMessage(denial).build())
          .always();

      assertThatThrownBy(() -> cluster.ops().checkNoActiveRun(false))
          .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE))
          .hasMessage("forbidden: cannot list jobs in namespace " + NS + " (" + denial + ")"
              + " — ask for an RBAC role that allows list on jobs");
    }
  }

  /** fabric8 deletes by label with one DELETE on the collection: RBAC's verb for it is deletecollection, not delete. */
  @Test
  void replacingWithoutTheRightToDeleteACollectionNamesDeletecollection() {
    try (TestCluster cluster = new TestCluster()) {
      cluster.mock.client().batch().v1().jobs().inNamespace(NS).resource(TestRuns.job("run-earlier", 1)).create();
      String denial = "jobs.batch is forbidden: User \"dev\" cannot deletecollection resource \"jobs\" in API group"
          + " \"batch\" in the namespace \"" + NS + "\"";
      cluster.mock.server().expect().delete()
          .withPath("/apis/batch/v1/namespaces/" + NS + "/jobs?labelSelector=app.kubernetes.io%2Fpart-of%3Dhonest-orchestration")
          .andReturn(403, new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
              .withMessage(denial).build())
          .always();

      assertThatThrownBy(() -> cluster.ops().checkNoActiveRun(true))
          .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE))
          .hasMessage("forbidden: cannot deletecollection jobs in namespace " + NS + " (" + denial + ")"
              + " — ask for an RBAC role that allows deletecollection on jobs");
    }
  }

  /**
   * A server-side apply that would create its object is authorized as create as well as patch; the
   * API server's refusal names neither (RBAC gives no reason), so the launcher must name both.
   */
  @Test
  void anApplyRefusedForCreatingTheObjectNamesCreateAndPatch() {
    try (TestCluster cluster = new TestCluster()) {
      String denial = "deployments.apps \"ollama\" is forbidden: ";
      cluster.mock.server().expect().post().withPath("/apis/apps/v1/namespaces/" + NS + "/deployments")
          .andReturn(403, new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
              .withMessage(denial).build())
          .always();

      assertThatThrownBy(() -> cluster.deploy(cluster.ops(), TestRuns.resources(TestRuns.RUN, 1, 1)))
          .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE))
          .hasMessage("forbidden: cannot create and patch deployments in namespace " + NS + " (" + denial + ")"
              + " — ask for an RBAC role that allows create and patch on deployments");
    }
  }

  @Test
  void aWatchTheClusterForbidsFailsAtOnceNamingTheVerbs() {
    try (TestCluster cluster = new TestCluster()) {
      cluster.mock.server().expect().get()
          .withPath("/apis/batch/v1/namespaces/" + NS + "/jobs?labelSelector=app.kubernetes.io%2Finstance%3D"
              + TestRuns.RUN + "&resourceVersion=0")
          .andReturn(403, new StatusBuilder().withStatus("Failure").withCode(403).withReason("Forbidden")
              .withMessage("jobs.batch is forbidden").build())
          .always();

      assertThatThrownBy(() -> cluster.ops().watch(1, 1, Duration.ofMinutes(1)))
          .isInstanceOf(ClusterException.class)
          .hasMessage("forbidden: cannot list and watch jobs in namespace " + NS + " (jobs.batch is forbidden)"
              + " — ask for an RBAC role that allows list and watch on jobs");
    }
  }

  @Test
  void theNamedContextOfTheGivenKubeconfigIsUsed() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("config"), KUBECONFIG);

    try (KubernetesClient client = KubeClients.connect("kind-honest", kubeconfig)) {
      assertThat(client.getConfiguration().getMasterUrl()).isEqualTo("https://127.0.0.1:39217/");
    }
    try (KubernetesClient client = KubeClients.connect(null, kubeconfig)) {
      assertThat(client.getConfiguration().getMasterUrl()).isEqualTo("https://10.0.0.1:6443/");
    }
  }

  @Test
  void aContextTheKubeconfigDoesNotHaveIsRefusedInsteadOfSilentlyReplaced() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("config"), KUBECONFIG);

    assertThatThrownBy(() -> KubeClients.connect("prod", kubeconfig))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE))
        .hasMessage("no context \"prod\" in " + kubeconfig + "; known contexts: kind-honest, lab-admin"
            + " — see `kubectl config get-contexts`");
  }

  @Test
  void aKubeconfigThatDoesNotExistIsBadInput() {
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() -> KubeClients.connect(null, missing))
        .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT))
        .hasMessage("--kubeconfig " + missing + ": no such file");
  }

  @Test
  void aKubeconfigWithoutAnyContextIsReportedAsNoContext() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("config"), "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\n");

    assertThatThrownBy(() -> KubeClients.connect(null, kubeconfig))
        .isInstanceOf(ClusterException.class)
        .hasMessageStartingWith("no Kubernetes context: " + kubeconfig + " names none");
  }

  @Test
  void withNoKubeconfigFileAnywhereTheMessageSaysThereIsNoneAndWhereItLooked() {
    Path missing = dir.resolve("no-such-kubeconfig");
    String before = System.getProperty("kubeconfig");
    System.setProperty("kubeconfig", missing.toString()); // fabric8's lookup reads it before $KUBECONFIG
    try {
      assertThatThrownBy(() -> KubeClients.connect(null, null))
          .isInstanceOfSatisfying(ClusterException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.UNAVAILABLE))
          .hasMessageStartingWith("no Kubernetes context: there is no kubeconfig file (looked for " + missing
              + ") and we are not running in a pod");
      assertThatThrownBy(() -> KubeClients.connect("aks-prod", null))
          .hasMessageStartingWith("no context \"aks-prod\": there is no kubeconfig file (looked for " + missing + ")");
    } finally {
      if (before == null) {
        System.clearProperty("kubeconfig");
      } else {
        System.setProperty("kubeconfig", before);
      }
    }
  }
}
