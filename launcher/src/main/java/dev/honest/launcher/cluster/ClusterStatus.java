package dev.honest.launcher.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot of a run in its namespace, for the {@code status} command.
 *
 * @param namespace the run namespace
 * @param namespaceExists false when there is nothing (left) to show
 * @param holdsRun false when the namespace exists but lacks the label {@value RunLabels#PART_OF}={@value
 *     RunLabels#PART_OF_VALUE} every run puts on its namespace: no run to show either
 * @param deployments every Deployment of the namespace (the Ollama server)
 * @param jobs the run's Jobs, by name
 * @param claim which run claims the namespace and since when ({@link RunClaim#describe}), or null when none does
 */
public record ClusterStatus(
    String namespace, boolean namespaceExists, boolean holdsRun, List<DeploymentState> deployments,
    List<JobSummary> jobs, String claim) {

  public ClusterStatus {
    deployments = List.copyOf(deployments);
    jobs = List.copyOf(jobs);
  }

  /**
   * @param name the Deployment
   * @param ready ready replicas
   * @param desired desired replicas
   * @param rolledOut every replica runs the current spec and is ready
   */
  public record DeploymentState(String name, int ready, int desired, boolean rolledOut) {}

  /**
   * @param name the Job
   * @param state {@code running}, {@code succeeded} or {@code failed}
   * @param reason the failure reason; for a running Job, why its newest pod cannot start; else null
   * @param activePods pods running now
   * @param failedPods attempts that failed so far
   * @param elapsed since the Job started, to its end or to now
   */
  public record JobSummary(String name, String state, String reason, int activePods, int failedPods, Duration elapsed) {}

  /** True when there is a run to show: the namespace exists and holds a run. */
  public boolean showsRun() {
    return namespaceExists && holdsRun;
  }

  /** Jobs in the given state ({@code running}, {@code succeeded} or {@code failed}). */
  public long count(String state) {
    return jobs.stream().filter(j -> j.state().equals(state)).count();
  }

  /** The snapshot as lines for a terminal. */
  public List<String> lines() {
    if (!namespaceExists) {
      return List.of("Namespace " + namespace + " does not exist: no run to show.");
    }
    if (!holdsRun) {
      return List.of("Namespace " + namespace + " holds no run (it lacks the label " + RunLabels.PART_OF + "="
          + RunLabels.PART_OF_VALUE + " every run puts on its namespace): no run to show; check --namespace.");
    }
    List<String> lines = new ArrayList<>();
    lines.add("Namespace " + namespace + ": " + jobs.size() + " Jobs | Active: " + count("running")
        + " | Succeeded: " + count("succeeded") + " | Failed: " + count("failed"));
    if (claim != null) {
      lines.add("  Claimed by " + claim);
    }
    for (DeploymentState d : deployments) {
      lines.add("  Deployment " + d.name() + ": ready " + d.ready() + "/" + d.desired()
          + (d.rolledOut() ? "" : " (rolling out)"));
    }
    for (JobSummary j : jobs) {
      lines.add(String.format("  %-16s %-10s %7s%s%s", j.name(), j.state(), Cluster.human(j.elapsed()),
          j.activePods() + j.failedPods() == 0 ? "" : "  pods: " + j.activePods() + " active, " + j.failedPods() + " failed",
          j.reason() == null ? "" : "  " + j.reason()));
    }
    return lines;
  }
}
