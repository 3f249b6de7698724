package dev.honest.bench.scale;

import dev.honest.launcher.cluster.RunLabels;
import dev.honest.launcher.results.WorkerOutcome;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * fabric8's mock API server (CRUD mode, plain HTTP on this machine) holding the succeeded Jobs of a
 * run, one pod each, and serving each pod's log, every answer held back by a round trip once
 * {@link #roundTrip} is set: what {@code collect} meets on a real cluster, without the cluster. The
 * round trip is assumed, not measured; the requests, their JSON and the logs' bytes are real.
 */
final class MockApiServer implements AutoCloseable {
  static final String NAMESPACE = "honest-orchestration";
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(Level.WARNING); // it logs every request at INFO
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Map<String, byte[]> logs = new ConcurrentHashMap<>();
  private volatile Duration roundTrip = Duration.ZERO;

  MockApiServer() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
        new Dispatcher(responses), false);
    server.init();
    client = server.createClient();
  }

  KubernetesClient client() {
    return client;
  }

  /** Every answer from now on is sent {@code delay} after its request came. */
  void roundTrip(Duration delay) {
    roundTrip = delay;
  }

  /**
   * Adds the succeeded Job {@code k8s-worker-N} of run {@code runId} for each outcome, with one pod
   * whose worker container printed the outcome's log and exited 0.
   */
  void succeeded(String runId, List<WorkerOutcome> outcomes) {
    Instant start = Instant.parse("2026-11-27T00:00:00Z");
    for (WorkerOutcome outcome : outcomes) {
      String name = outcome.job();
      Map<String, String> labels = Map.of(RunLabels.PART_OF, RunLabels.PART_OF_VALUE, RunLabels.INSTANCE, runId);
      Job job = client.batch().v1().jobs().inNamespace(NAMESPACE).resource(new JobBuilder()
          .withNewMetadata().withName(name).withLabels(labels).endMetadata()
          .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("worker").withImage("worker:bench")
          .endContainer().withRestartPolicy("Never").endSpec().endTemplate().endSpec()
          .build()).create();
      String end = start.plus(Duration.ofMillis(outcome.durationMs())).toString();
      client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).editStatus(j -> new JobBuilder(j).withNewStatus()
          .withStartTime(start.toString()).withCompletionTime(end).withSucceeded(1).withActive(0)
          .addNewCondition().withType("Complete").withStatus("True").withLastTransitionTime(end).endCondition()
          .endStatus().build());
      String pod = name + "-bench";
      logs.put(pod, outcome.log().getBytes(StandardCharsets.UTF_8));
      client.pods().inNamespace(NAMESPACE).resource(new PodBuilder()
          .withNewMetadata().withName(pod).withLabels(labels).addToLabels(RunLabels.JOB_NAME, name)
          .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(name)
          .withUid(job.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
          .withNewSpec().addNewContainer().withName("worker").withImage("worker:bench").endContainer().endSpec()
          .withNewStatus().withPhase("Succeeded").withStartTime(start.toString()).addNewContainerStatus()
          .withName("worker").withRestartCount(0).withNewState().withNewTerminated().withExitCode(0)
          .withReason("Completed").withStartedAt(start.toString()).withFinishedAt(end).endTerminated().endState()
          .endContainerStatus().endStatus()
          .build()).create();
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  /** CRUD for objects, the registered logs for {@code pods/NAME/log}, each answer delayed by the round trip. */
  private final class Dispatcher extends KubernetesMixedDispatcher {
    private static final String PODS = "/api/v1/namespaces/" + NAMESPACE + "/pods/";

    Dispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
      super(responses);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getPath();
      int log = path.indexOf("/log?");
      MockResponse response = path.startsWith(PODS) && log > 0
          ? log(path.substring(PODS.length(), log))
          : super.dispatch(request);
      return roundTrip.isZero() ? response : response.setBodyDelay(roundTrip);
    }

    private MockResponse log(String pod) {
      byte[] text = logs.get(pod);
      return text == null
          ? new MockResponse().setResponseCode(404).setBody("{\"kind\":\"Status\",\"code\":404}")
          : new MockResponse().setResponseCode(200).setBody(text);
    }
  }
}
