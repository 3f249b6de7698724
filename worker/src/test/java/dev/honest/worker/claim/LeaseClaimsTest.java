package dev.honest.worker.claim;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import dev.honest.worker.WorkerMain;
import dev.honest.worker.run.WorkerOutput;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lease claims against fabric8's mock API server in CRUD mode, with expectations for refusals. */
class LeaseClaimsTest {
  private static final String NS = "honest-orchestration";
  private static final String RUN = "run-20260101-0001";
  private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/" + NS + "/leases";
  /** The mock logs every request at INFO through java.util.logging; kept here so the level sticks. */
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  @TempDir Path dir;
  private KubernetesMockServer server;
  private NamespacedKubernetesClient client;
  private Path token;

  @BeforeEach
  void start() throws IOException {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init();
    client = server.createClient();
    token = dir.resolve("token");
    Files.writeString(token, "token-1\n");
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  private LeaseClaims claims(String runId, int worker, String pod) {
    return new LeaseClaims(URI.create(server.url("/")), token, HttpClient.newHttpClient(), NS, runId, worker, pod,
        Duration.ZERO);
  }

  private LeaseClaims claims(int worker) {
    return claims(RUN, worker, "k8s-worker-" + worker + "-abcde");
  }

  private static String status(int code, String reason, String message) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"" + message
        + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
  }

  @Test
  void aTaskIsClaimedOnceAndAnotherWorkerIsToldItIsTaken() {
    LeaseClaims first = claims(1);
    LeaseClaims second = claims(2);

    assertThat(first.claim("T-1")).isTrue();
    assertThat(second.claim("T-1")).isFalse();
    assertThat(second.claimed("T-1")).isTrue();

    Lease lease = client.resources(Lease.class).inNamespace(NS).withName(LeaseClaims.leaseName(RUN, "T-1")).get();
    assertThat(lease.getMetadata().getName()).matches("claim-[0-9a-f]{40}");
    assertThat(lease.getMetadata().getLabels()).containsEntry("app.kubernetes.io/instance", RUN)
        .containsEntry("app.kubernetes.io/part-of", "honest-orchestration")
        .containsEntry("app.kubernetes.io/component", "claim");
    assertThat(lease.getMetadata().getAnnotations()).containsEntry("honest.dev/task-id", "T-1")
        .containsEntry("honest.dev/worker-index", "1");
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("k8s-worker-1-abcde");
    assertThat(lease.getSpec().getAcquireTime()).isNotNull();
    assertThat(client.resources(Lease.class).inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  void aTaskNobodyClaimedIsNotClaimed() {
    assertThat(claims(1).claimed("T-9")).isFalse();
  }

  @Test
  void whatAnEarlierPodOfTheSameWorkerClaimedIsThisWorkersToRunAgain() {
    assertThat(claims(RUN, 3, "k8s-worker-3-first").claim("T-1")).isTrue();
    LeaseClaims retried = claims(RUN, 3, "k8s-worker-3-second");

    assertThat(retried.claimed("T-1")).isFalse();
    assertThat(retried.claim("T-1")).isTrue();
    assertThat(claims(4).claim("T-1")).isFalse();
  }

  @Test
  void aTakenClaimWhoseLeaseCannotBeReadIsAnErrorNotAnotherWorkersTask() {
    // The retried pod of worker 3 finds its predecessor's claim, but the API server refuses to show it
    // (a token being rotated, a Role changed): whose it is is unknown, and the task must not be dropped.
    assertThat(claims(RUN, 3, "k8s-worker-3-first").claim("T-1")).isTrue();
    server.expect().get().withPath(LEASES + "/" + LeaseClaims.leaseName(RUN, "T-1"))
        .andReturn(401, status(401, "Unauthorized", "Unauthorized")).always();

    assertThatThrownBy(() -> claims(RUN, 3, "k8s-worker-3-second").claim("T-1"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot claim task T-1")
        .hasMessageContaining("HTTP 401");
  }

  @Test
  void runsSharingANamespaceDoNotShareClaims() {
    assertThat(claims("run-a", 1, "p").claim("T-1")).isTrue();

    assertThat(claims("run-b", 2, "q").claimed("T-1")).isFalse();
    assertThat(claims("run-b", 2, "q").claim("T-1")).isTrue();
    assertThat(LeaseClaims.leaseName("run-a", "T-1")).isNotEqualTo(LeaseClaims.leaseName("run-b", "T-1"));
  }

  @Test
  void workersRacingForTheSameTasksGetEachOfThemExactlyOnce() throws Exception {
    List<String> ids = IntStream.rangeClosed(1, 25).mapToObj(i -> "T-" + i).toList();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<List<String>>> won = new ArrayList<>();
    try {
      for (int w = 1; w <= 4; w++) {
        LeaseClaims mine = claims(w);
        Callable<List<String>> race = () -> ids.stream().filter(mine::claim).toList();
        won.add(pool.submit(race));
      }
      List<String> all = new ArrayList<>();
      for (Future<List<String>> f : won) {
        all.addAll(f.get());
      }

      assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theTokenIsReadAgainForEachRequestAsTheKubeletRotatesIt() throws Exception {
    LeaseClaims claims = claims(1);

    claims.claim("T-1");
    assertThat(server.getLastRequest().getHeader("Authorization")).isEqualTo("Bearer token-1");
    Files.writeString(token, "token-2\n");
    claims.claimed("T-2");

    assertThat(server.getLastRequest().getHeader("Authorization")).isEqualTo("Bearer token-2");
  }

  @Test
  void aServerErrorIsRetriedBeforeTheClaimIsMade() {
    server.expect().post().withPath(LEASES).andReturn(503, status(503, "ServiceUnavailable", "etcd is busy")).once();

    assertThat(claims(1).claim("T-1")).isTrue();
    assertThat(client.resources(Lease.class).inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  void anApiServerRestartingForHalfAMinuteDoesNotEndTheClaims() {
    // With the real backoff (0.5 s doubling to 16 s) six failed attempts span some 30 s.
    server.expect().post().withPath(LEASES).andReturn(503, status(503, "ServiceUnavailable", "apiserver is shutting down"))
        .times(6);

    assertThat(claims(1).claim("T-1")).isTrue();
    assertThat(client.resources(Lease.class).inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  void aRefusedClaimIsAnErrorThatSaysWhatTheServerSaid() {
    server.expect().post().withPath(LEASES).andReturn(403,
        status(403, "Forbidden", "leases.coordination.k8s.io is forbidden")).always();

    assertThatThrownBy(() -> claims(1).claim("T-1"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot claim task T-1")
        .hasMessageContaining("HTTP 403")
        .hasMessageContaining("leases.coordination.k8s.io is forbidden");
  }

  @Test
  void theCheckPassesWhenTheWorkerMayCreateAndGetLeases() throws IOException {
    claims(1).check();
    claims(2).check();
  }

  @Test
  void theCheckFailsWhenTheServiceAccountMayNotCreateLeases() {
    server.expect().post().withPath(LEASES + "?dryRun=All").andReturn(403,
        status(403, "Forbidden", "User \\\"system:serviceaccount:honest-orchestration:default\\\" cannot create"
            + " resource \\\"leases\\\"")).always();

    assertThatThrownBy(() -> claims(1).check())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 403 to create Leases in namespace " + NS)
        .hasMessageContaining("needs a Role allowing create and get on leases")
        .hasMessageContaining("cannot create resource \"leases\"");
  }

  @Test
  void theCheckFailsWithoutAToken() throws IOException {
    Files.delete(token);

    assertThatThrownBy(() -> claims(1).check())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no service-account token at " + token);
  }

  @Test
  void theCheckFailsWhenTheApiServerCannotBeReached() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    LeaseClaims claims = new LeaseClaims(URI.create("http://127.0.0.1:" + closed), token, HttpClient.newHttpClient(),
        NS, RUN, 1, "p", Duration.ZERO);

    assertThatThrownBy(claims::check)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot reach the API server at 127.0.0.1");
  }

  @Test
  void aWorkerWhoseLeasesWorkTakesOverTheOthersTasks() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    TaskSource source = WorkerMain.leaseSource(PLAN, TASKS, 1, dir, () -> claims(1),
        new WorkerOutput(new PrintStream(out, true, UTF_8), 1));

    assertThat(out.toString(UTF_8)).contains("[worker-1] claiming tasks as Leases in namespace " + NS);
    List<String> ran = new ArrayList<>();
    source.next().ifPresent(t -> ran.add(t.id()));
    source.next().ifPresent(t -> ran.add(t.id()));
    assertThat(ran).containsExactly("T-1", "T-2");
    assertThat(claims(2).claim("T-2")).isFalse();
  }

  @Test
  void aWorkerThatCannotReadTheOthersLeasesAnyMoreEndsWithItsSliceAndSaysWhyOnce() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TaskSource source = WorkerMain.leaseSource(PLAN, TASKS, 1, dir, () -> claims(1),
        new WorkerOutput(new PrintStream(out, true, UTF_8), 1));
    // After the start-up check, the API server answers 503 to every read of T-2's Lease (an etcd hiccup).
    server.expect().get().withPath(LEASES + "/" + LeaseClaims.leaseName(RUN, "T-2"))
        .andReturn(503, status(503, "ServiceUnavailable", "etcd busy")).always();

    List<String> ran = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      source.next().ifPresent(t -> ran.add(t.id()));
    }

    assertThat(ran).containsExactly("T-1");
    assertThat(out.toString(UTF_8)).containsOnlyOnce("[worker-1] cannot claim tasks as Leases any more, so this worker"
        + " runs the rest of its slice and nothing else: cannot tell whether task T-2 is claimed: the API server"
        + " answered HTTP 503").contains("etcd busy");
  }

  @Test
  void aWorkerStoppedBeforeItsLeasesFailSaysNothingAfterItsStopLine() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WorkerOutput output = new WorkerOutput(new PrintStream(out, true, UTF_8), 1);
    TaskSource source = WorkerMain.leaseSource(PLAN, TASKS, 1, dir, () -> claims(1), output);
    server.expect().get().withPath(LEASES + "/" + LeaseClaims.leaseName(RUN, "T-2"))
        .andReturn(503, status(503, "ServiceUnavailable", "etcd busy")).always();

    // SIGTERM: the shutdown hook stops the output while the worker's threads still run.
    assertThat(output.stop(Duration.ofSeconds(5))).isTrue();
    for (int i = 0; i < 4; i++) {
      source.next();
    }

    List<String> lines = out.toString(UTF_8).lines().toList();
    assertThat(lines.get(lines.size() - 1)).startsWith("[worker-1] stopped by a signal (SIGTERM)");
    assertThat(out.toString(UTF_8)).doesNotContain("any more");
  }

  @Test
  void aStopWhileTheLeasesFailureIsBeingPrintedWaitsForItsLineUpToItsWaitThenEndsTheLog() throws Exception {
    // The worker's stdout a pipe nobody reads for now: the line saying the Leases failed blocks in it.
    Stalling stdout = new Stalling("any more");
    WorkerOutput output = new WorkerOutput(new PrintStream(stdout, true, UTF_8), 1);
    TaskSource source = WorkerMain.leaseSource(PLAN, TASKS, 1, dir, () -> claims(1), output);
    server.expect().get().withPath(LEASES + "/" + LeaseClaims.leaseName(RUN, "T-2"))
        .andReturn(503, status(503, "ServiceUnavailable", "etcd busy")).always();
    ExecutorService threads = Executors.newFixedThreadPool(3);
    try {
      Future<?> running = threads.submit(() -> {
        for (int i = 0; i < 4; i++) {
          source.next();
        }
      });
      assertThat(stdout.stalled.await(10, TimeUnit.SECONDS)).as("the line saying the Leases failed is printed").isTrue();

      // SIGTERM: the shutdown hook stops the output while that line is blocked. It waits for the line, no longer
      // than it is told (the pod's grace period), and not on the line's stream: it says the output is blocked.
      Future<Boolean> impatient = threads.submit(() -> output.stop(Duration.ofMillis(300)));
      assertThat(impatient.get(5, TimeUnit.SECONDS)).as("the output is blocked").isFalse();
      Future<Boolean> stopped = threads.submit(() -> output.stop(Duration.ofSeconds(20)));
      Thread.sleep(300);
      assertThat(stopped).as("the stop waits for the line being printed").isNotDone();
      stdout.release.countDown();
      assertThat(stopped.get(10, TimeUnit.SECONDS)).isTrue();
      running.get(10, TimeUnit.SECONDS);

      List<String> lines = stdout.text().lines().toList();
      assertThat(lines).hasSize(3);
      assertThat(lines.get(1)).startsWith("[worker-1] cannot claim tasks as Leases any more").endsWith("etcd busy");
      assertThat(lines.get(2)).startsWith("[worker-1] stopped by a signal (SIGTERM)");
    } finally {
      stdout.release.countDown();
      threads.shutdownNow();
    }
  }

  /** A stdout whose reader stops reading once a line holding {@code text} is written, until released. */
  private static final class Stalling extends OutputStream {
    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    final CountDownLatch stalled = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final String text;

    String text() {
      synchronized (log) {
        return log.toString(UTF_8);
      }
    }

    Stalling(String text) {
      this.text = text;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (new String(b, off, len, UTF_8).contains(text)) {
        stalled.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      synchronized (log) {
        log.write(b, off, len);
      }
    }
  }

  @Test
  void aWorkerTakesOverOnlyTasksWhoseFilesAreInItsWorkspace() throws Exception {
    Files.writeString(dir.resolve("here.js"), "x();\n");
    List<TaskSpec> tasks = List.of(TASKS.get(0), TASKS.get(1),
        new TaskSpec("T-3", "Review here.js", "", Priority.LOW, "", "", List.of("here.js"), Action.ANALYZE, null),
        new TaskSpec("T-4", "Review there.js", "", Priority.LOW, "", "", List.of("there.js"), Action.ANALYZE, null));
    Plan plan = new Plan(RUN, List.of(
        new WorkerSlice(1, "a", "k8s-worker-1", List.of("T-1"), 1),
        new WorkerSlice(2, "b", "k8s-worker-2", List.of("T-2", "T-3", "T-4"), 3)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    TaskSource source = WorkerMain.leaseSource(plan, tasks, 1, dir, () -> claims(1),
        new WorkerOutput(new PrintStream(out, true, UTF_8), 1));

    List<String> ran = new ArrayList<>();
    for (TaskSpec t = source.next().orElse(null); t != null; t = source.next().orElse(null)) {
      ran.add(t.id());
    }
    assertThat(ran).containsExactly("T-1", "T-3", "T-2");
    assertThat(claims(2).claimed("T-4")).isFalse();
    assertThat(out.toString(UTF_8)).contains("may take over 2 of the 3 other tasks");
  }

  @Test
  void aWorkerTheApiServerRefusesRunsItsSliceAndSaysWhy() throws Exception {
    server.expect().post().withPath(LEASES + "?dryRun=All").andReturn(401,
        status(401, "Unauthorized", "Unauthorized")).always();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    TaskSource source = WorkerMain.leaseSource(PLAN, TASKS, 1, dir, () -> claims(1),
        new WorkerOutput(new PrintStream(out, true, UTF_8), 1));

    assertThat(out.toString(UTF_8)).contains("[worker-1] cannot claim tasks as Leases, so this worker runs its slice"
        + " of the plan and nothing else: the API server answered HTTP 401", "the token was not accepted");
    assertThat(source.candidates()).extracting(TaskSpec::id).containsExactly("T-1");
    assertThat(client.resources(Lease.class).inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void aWorkerWithoutServiceAccountRunsItsSliceAndSaysWhy() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    TaskSource source = WorkerMain.leaseSource(PLAN, TASKS, 2, dir, () -> {
      throw new IOException("no service-account token at /var/run/secrets/kubernetes.io/serviceaccount/token");
    }, new WorkerOutput(new PrintStream(out, true, UTF_8), 2));

    assertThat(out.toString(UTF_8)).contains("[worker-2] cannot claim tasks as Leases", "no service-account token");
    assertThat(source.candidates()).extracting(TaskSpec::id).containsExactly("T-2");
  }

  @Test
  void leaseClaimsAndAClaimsDirectoryCannotBeAskedForTogether() throws Exception {
    Path config = Files.createDirectories(dir.resolve("config"));
    ConfigLayout.write(config, WorkerConfig.defaults(RUN, List.of("http://127.0.0.1:1")), TASKS, PLAN);
    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, UTF_8));
    int code;
    try {
      code = WorkerMain.execute("--config-dir", config.toString(), "--workspace", dir.toString(), "--worker", "1",
          "--lease-claims", "--claims-dir", dir.toString());
    } finally {
      System.setErr(originalErr);
    }

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("--lease-claims and --claims-dir exclude each other");
  }

  @Test
  void theClusterCaIsReadFromItsPemFile() throws Exception {
    Path ca = Path.of(LeaseClaimsTest.class.getResource("/claim/ca.crt").toURI());
    Path garbage = dir.resolve("garbage.crt");
    Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");

    SSLContext tls = LeaseClaims.trusting(ca);

    assertThat(tls.getProtocol()).isEqualTo("TLS");
    assertThatThrownBy(() -> LeaseClaims.trusting(garbage)).isInstanceOf(IOException.class)
        .hasMessageContaining(garbage + " is not a CA certificate in PEM");
    assertThatThrownBy(() -> LeaseClaims.trusting(dir.resolve("none.crt"))).isInstanceOf(IOException.class)
        .hasMessageContaining("no CA certificate at " + dir.resolve("none.crt"));
  }

  private static final List<TaskSpec> TASKS = List.of(
      new TaskSpec("T-1", "Check SQL", "", Priority.HIGH, "security", "api", List.of(), Action.ANALYZE, null),
      new TaskSpec("T-2", "Write a checklist", "", Priority.LOW, "docs", "", List.of(), Action.ANALYZE, null));

  private static final Plan PLAN = new Plan(RUN, List.of(
      new WorkerSlice(1, "a", "k8s-worker-1", List.of("T-1"), 1),
      new WorkerSlice(2, "b", "k8s-worker-2", List.of("T-2"), 1)));
}
