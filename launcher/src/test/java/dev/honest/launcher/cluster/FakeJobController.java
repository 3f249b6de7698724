package dev.honest.launcher.cluster;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Plays the Job controller and the kubelet in the mock API server. For each Job created in the
 * namespace it asks its {@code scripts} what happens, then: registers each attempt's log (read or
 * followed, and the log from before a restart), creates the attempt's pod (labelled
 * {@code batch.kubernetes.io/job-name}, owned by the Job, its worker container terminated as told),
 * and finally sets the Job's status and conditions ({@code SuccessCriteriaMet}/{@code Complete} or
 * {@code FailureTarget}/{@code Failed}), as Kubernetes 1.31+ does. A script may be computed from
 * the Job, e.g. by running the real worker with the Job's configuration.
 */
final class FakeJobController extends FakeController<Job> {
  /**
   * One pod of a Job.
   *
   * @param log what the worker container printed
   * @param exitCode its exit code, or null while it still runs
   * @param reason the container's terminated reason ({@code Completed}, {@code Error}, {@code OOMKilled})
   * @param podReason a pod-level reason ({@code DeadlineExceeded}, {@code Evicted}), or null
   * @param podMessage the pod-level message, or null
   * @param previousLog the container's log before the kubelet restarted it, or null when it did not
   */
  record Attempt(String log, Integer exitCode, String reason, String podReason, String podMessage, String previousLog) {
    static Attempt completed(String log) {
      return new Attempt(log, 0, "Completed", null, null, null);
    }

    static Attempt failed(String log, int exitCode, String reason) {
      return new Attempt(log, exitCode, reason, null, null, null);
    }

    static Attempt running(String log) {
      return new Attempt(log, null, null, null, null, null);
    }

    /** Killed by the Job's {@code activeDeadlineSeconds}. */
    static Attempt pastDeadline(String log) {
      return new Attempt(log, 137, "Error", "DeadlineExceeded",
          "Pod was active on the node longer than the specified deadline", null);
    }

    Attempt restartedAfter(String earlierLog) {
      return new Attempt(log, exitCode, reason, podReason, podMessage, earlierLog);
    }
  }

  /** Everything that happens to one Job: its attempts in order, then its ending. */
  record Script(List<Attempt> attempts, String failureReason, String failureMessage) {
    static Script succeeds(Attempt... attempts) {
      return new Script(List.of(attempts), null, null);
    }

    static Script fails(String reason, String message, Attempt... attempts) {
      return new Script(List.of(attempts), reason, message);
    }

    /** The last attempt is still running: the Job never ends. */
    static Script keepsRunning(Attempt... attempts) {
      return new Script(List.of(attempts), null, null);
    }

    boolean ends() {
      return failureReason != null || attempts.get(attempts.size() - 1).exitCode() != null;
    }
  }

  private final SsaMockServer mock;
  private final String namespace;
  private final Function<Job, Script> scripts;
  private final Set<String> handled = ConcurrentHashMap.newKeySet();
  /** How many Jobs of each name were seen: a later Job of the same name (a second run) gets its own pod names. */
  private final Map<String, Integer> generations = new ConcurrentHashMap<>();

  FakeJobController(SsaMockServer mock, String namespace, Function<Job, Script> scripts) {
    this.mock = mock;
    this.namespace = namespace;
    this.scripts = scripts;
  }

  FakeJobController start() {
    start(mock.client().batch().v1().jobs().inNamespace(namespace));
    return this;
  }

  /** Pod {@code n} (1-based) of the Job: the Job name and a fixed suffix, as the controller's random one. */
  static String podName(String job, int attempt) {
    return job + "-a" + attempt + "xkz";
  }

  @Override
  boolean wants(Job job) {
    return handled.add(job.getMetadata().getUid());
  }

  @Override
  void react(Job job) {
    Script script = scripts.apply(job);
    int generation = generations.merge(job.getMetadata().getName(), 1, Integer::sum);
    String podPrefix = job.getMetadata().getName() + (generation == 1 ? "" : "-g" + generation);
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60L * script.attempts().size());
    Instant clock = start;
    int failed = 0;
    for (int i = 0; i < script.attempts().size(); i++) {
      Attempt attempt = script.attempts().get(i);
      String pod = podName(podPrefix, i + 1);
      mock.expectLog(namespace, pod, attempt.log());
      if (attempt.previousLog() != null) {
        mock.expectPreviousLog(namespace, pod, attempt.previousLog());
      }
      mock.client().pods().inNamespace(namespace).resource(pod(job, pod, i + 1, attempt, clock)).create();
      clock = clock.plusSeconds(60);
      if (attempt.exitCode() != null && attempt.exitCode() != 0) {
        failed++;
      }
    }
    setStatus(job, script, start, clock, failed);
  }

  private Pod pod(Job job, String name, int attempt, Attempt a, Instant startedAt) {
    String container = job.getSpec().getTemplate().getSpec().getContainers().get(0).getName();
    ContainerState state = a.exitCode() == null
        ? new ContainerStateBuilder().withNewRunning().withStartedAt(startedAt.toString()).endRunning().build()
        : new ContainerStateBuilder().withNewTerminated()
            .withExitCode(a.exitCode()).withReason(a.reason())
            .withStartedAt(startedAt.toString()).withFinishedAt(startedAt.plusSeconds(50).toString())
            .endTerminated().build();
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
        .addToLabels(RunLabels.JOB_NAME, job.getMetadata().getName())
        .addToLabels("batch.kubernetes.io/controller-uid", job.getMetadata().getUid())
        .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(job.getMetadata().getName())
        .withUid(job.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withSpec(new PodSpecBuilder(job.getSpec().getTemplate().getSpec()).withNodeName("node-" + attempt).build())
        .withNewStatus()
        .withPhase(a.exitCode() == null ? "Running" : a.exitCode() == 0 ? "Succeeded" : "Failed")
        .withReason(a.podReason())
        .withMessage(a.podMessage())
        .withStartTime(startedAt.toString())
        .addNewContainerStatus()
        .withName(container)
        .withImage(job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .withReady(a.exitCode() == null)
        .withRestartCount(a.previousLog() == null ? 0 : 1)
        .withState(state)
        .endContainerStatus()
        .endStatus()
        .build();
  }

  private void setStatus(Job job, Script script, Instant start, Instant end, int failed) {
    boolean succeeded = script.ends() && script.failureReason() == null;
    editStatus(mock.client().batch().v1().jobs().inNamespace(namespace).withName(job.getMetadata().getName()), current -> {
      JobStatusBuilder status = new JobStatusBuilder()
          .withStartTime(start.toString())
          .withActive(script.ends() ? 0 : 1)
          .withSucceeded(succeeded ? 1 : 0)
          .withFailed(failed);
      if (succeeded) {
        status.withCompletionTime(end.toString())
            .addNewCondition().withType("SuccessCriteriaMet").withStatus("True").withReason("CompletionsReached")
            .withLastTransitionTime(end.toString()).endCondition()
            .addNewCondition().withType("Complete").withStatus("True").withReason("CompletionsReached")
            .withLastTransitionTime(end.toString()).endCondition();
      } else if (script.failureReason() != null) {
        status.addNewCondition().withType("FailureTarget").withStatus("True").withReason(script.failureReason())
            .withMessage(script.failureMessage()).withLastTransitionTime(end.toString()).endCondition()
            .addNewCondition().withType("Failed").withStatus("True").withReason(script.failureReason())
            .withMessage(script.failureMessage()).withLastTransitionTime(end.toString()).endCondition();
      }
      current.setStatus(status.build());
      return current;
    });
  }
}
