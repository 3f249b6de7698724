package dev.honest.launcher.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A mock cluster, the launcher's operations on it, and what they printed. */
final class TestCluster implements AutoCloseable {
  final SsaMockServer mock = new SsaMockServer();
  private final StringWriter output = new StringWriter();
  private final PrintWriter out = new PrintWriter(output, true);
  private final ExecutorService background = Executors.newSingleThreadExecutor();

  /** Operations for run {@link TestRuns#RUN} in namespace {@link TestRuns#NS}. */
  ClusterOperations ops() {
    return ops(TestRuns.RUN);
  }

  ClusterOperations ops(String runId) {
    return new ClusterOperations(mock.client(), TestRuns.NS, runId, ClusterOperations.FIELD_MANAGER, out);
  }

  /** Operations for run {@link TestRuns#RUN} through {@code client}, one of the mock server's configured apart. */
  ClusterOperations opsThrough(KubernetesClient client) {
    return new ClusterOperations(client, TestRuns.NS, TestRuns.RUN, ClusterOperations.FIELD_MANAGER, out);
  }

  /** Deploys the run while a fake Deployment controller makes Ollama ready. */
  void deploy(ClusterOperations ops, RunResources run) throws InterruptedException {
    try (FakeDeploymentController ollama = new FakeDeploymentController(mock.client(), TestRuns.NS).start()) {
      ops.deploy(run, Duration.ofMinutes(1));
    }
  }

  /** Runs {@code work} on another thread, as the launcher's main thread while the test plays the cluster. */
  <T> Future<T> inBackground(Callable<T> work) {
    return background.submit(work);
  }

  String output() {
    return output.toString();
  }

  List<String> lines() {
    return output().lines().toList();
  }

  @Override
  public void close() {
    background.shutdownNow();
    mock.close();
  }
}
