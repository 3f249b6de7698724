package dev.honest.launcher.cluster;

import dev.honest.launcher.results.PodOutcome;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** What the launcher reads from pods: the worker container, how an attempt ended, why a pod is not ready. */
final class Pods {
  /** Retries in the order they were created; the name breaks ties of the second-resolution timestamps. */
  static final Comparator<Pod> OLDEST_FIRST = Comparator
      .comparing((Pod p) -> JobState.instant(p.getMetadata().getCreationTimestamp()),
          Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparing(p -> p.getMetadata().getName());

  private Pods() {}

  /** The worker container: the pod's first container. */
  static String workerContainer(Pod pod) {
    return pod.getSpec().getContainers().get(0).getName();
  }

  /** True when the pod has more than one container, so log requests must name the worker's. */
  static boolean hasSidecars(Pod pod) {
    return pod.getSpec().getContainers().size() > 1;
  }

  /** The worker container's status, if the kubelet reported one yet. */
  static Optional<ContainerStatus> workerStatus(Pod pod) {
    String name = workerContainer(pod);
    return statuses(pod.getStatus(), false).stream().filter(s -> name.equals(s.getName())).findFirst();
  }

  /** True when the worker container has run (or runs), so it may have printed results: not a pod that never started it. */
  static boolean workerStarted(Pod pod) {
    return workerStatus(pod).map(s -> s.getState() != null
        && (s.getState().getRunning() != null || s.getState().getTerminated() != null)
        || s.getRestartCount() != null && s.getRestartCount() > 0).orElse(false);
  }

  /** True when the pod has ended (phase Succeeded or Failed): its logs will not grow any more. */
  static boolean ended(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  /** The name of the Job that controls the pod, or null. */
  static String controllerName(Pod pod) {
    return controller(pod).filter(o -> "Job".equals(o.getKind())).map(OwnerReference::getName).orElse(null);
  }

  /** The UID of the controller (the Job) that owns the pod, or null. */
  static String controllerUid(Pod pod) {
    return controller(pod).map(OwnerReference::getUid).orElse(null);
  }

  private static Optional<OwnerReference> controller(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    return owners == null ? Optional.empty()
        : owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst();
  }

  /**
   * How one attempt ended. A pod-level reason ({@code DeadlineExceeded}, {@code Evicted}) says more
   * than the container's {@code Error} and wins; otherwise the container's terminated or waiting
   * reason, else the pod phase.
   */
  static PodOutcome outcome(Pod pod) {
    PodStatus status = pod.getStatus();
    ContainerState state = workerStatus(pod).map(ContainerStatus::getState).orElse(null);
    ContainerStateTerminated terminated = state == null ? null : state.getTerminated();
    ContainerStateWaiting waiting = state == null ? null : state.getWaiting();
    String reason = status == null ? null : status.getReason();
    String message = status == null ? null : status.getMessage();
    if (terminated != null) {
      reason = reason == null ? terminated.getReason() : reason;
      message = message == null ? terminated.getMessage() : message;
    } else if (waiting != null) {
      reason = reason == null ? waiting.getReason() : reason;
      message = message == null ? waiting.getMessage() : message;
    } else if (reason == null && status != null) {
      reason = status.getPhase();
    }
    return new PodOutcome(
        pod.getMetadata().getName(),
        pod.getSpec() == null ? null : pod.getSpec().getNodeName(),
        terminated == null ? null : terminated.getExitCode(),
        reason,
        message);
  }

  /**
   * Why the pod is not Ready, in one line starting with its name, or null when it is Ready. For
   * instance {@code ollama-xyz: init container pull-models: CrashLoopBackOff (back-off 40s ...)} or
   * {@code ollama-xyz: Pending: Unschedulable: 0/3 nodes are available: 3 Insufficient memory.}
   *
   * @param events the namespace's events; the pod's latest warning explains what its status does not
   */
  static String whyNotReady(Pod pod, List<Event> events) {
    String name = pod.getMetadata().getName();
    PodStatus status = pod.getStatus();
    if (status == null) {
      return name + ": no status yet";
    }
    Optional<PodCondition> scheduled = condition(status, "PodScheduled");
    if (scheduled.isPresent() && "False".equals(scheduled.get().getStatus())) {
      return name + ": Pending: " + join(scheduled.get().getReason(), scheduled.get().getMessage());
    }
    for (ContainerStatus init : statuses(status, true)) {
      String problem = problem(init, true, null);
      if (problem != null) {
        return name + ": init container " + init.getName() + ": " + problem;
      }
    }
    String warning = latestWarning(name, events);
    for (ContainerStatus container : statuses(status, false)) {
      if (!Boolean.TRUE.equals(container.getReady())) {
        return name + ": container " + container.getName() + ": " + problem(container, false, warning);
      }
    }
    if (condition(status, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false)) {
      return null;
    }
    return name + ": " + join(status.getPhase(), warning == null ? status.getMessage() : warning);
  }

  /** What is wrong with one container, or null when an init container finished fine. */
  private static String problem(ContainerStatus status, boolean init, String warning) {
    ContainerState state = status.getState();
    if (state != null && state.getWaiting() != null) {
      ContainerStateWaiting w = state.getWaiting();
      String text = w.getReason() + (blank(w.getMessage()) ? "" : " (" + w.getMessage() + ")");
      ContainerStateTerminated last = status.getLastState() == null ? null : status.getLastState().getTerminated();
      return last == null ? text
          : text + "; last exit: " + last.getReason() + " (exit " + last.getExitCode() + ")" + why(last);
    }
    if (state != null && state.getTerminated() != null) {
      ContainerStateTerminated t = state.getTerminated();
      if (init && Objects.equals(t.getExitCode(), 0)) {
        return null;
      }
      return "terminated: " + t.getReason() + " (exit " + t.getExitCode() + ")" + why(t);
    }
    if (state != null && state.getRunning() != null) {
      if (init) {
        return "still running since " + state.getRunning().getStartedAt();
      }
      return "running, not ready" + (warning == null ? "" : ": " + warning);
    }
    return "not started" + (warning == null ? "" : ": " + warning);
  }

  /**
   * {@code ": "} and the last line of what a container said when it ended, or nothing. Its termination
   * message is what it wrote to its termination log, or, with {@code FallbackToLogsOnError}, the
   * end of its log: the last line says why.
   */
  private static String why(ContainerStateTerminated t) {
    if (blank(t.getMessage())) {
      return "";
    }
    List<String> lines = t.getMessage().lines().filter(l -> !l.isBlank()).toList();
    return ": " + lines.get(lines.size() - 1).strip();
  }

  /**
   * A container of the pod that exited with a failure and has not run fine since: it is ended, or
   * waits to be started again ({@code CrashLoopBackOff}).
   *
   * @param container its name
   * @param init true for an init container
   * @param run the failed run of it, its container ID (or, without one, when it ended): the same
   *     failure reads the same from one poll to the next, a new one differs
   * @param detail {@code init container pull-models failed (Error, exit 1): <its last line>}
   */
  record Failure(String container, boolean init, String run, String detail) {}

  /**
   * The pod's first failed container (init containers first), or null; none of a pod being deleted
   * or ended: one that Kubernetes stopped (evicted) had its containers killed, which says nothing of them.
   */
  static Failure failure(Pod pod) {
    if (pod.getStatus() == null || pod.getMetadata().getDeletionTimestamp() != null || ended(pod)) {
      return null;
    }
    for (boolean init : new boolean[] {true, false}) {
      for (ContainerStatus container : statuses(pod.getStatus(), init)) {
        ContainerState state = container.getState();
        ContainerStateTerminated t = state == null ? null : state.getTerminated();
        // Only a back-off follows a failure: a container waiting to be created again after its node
        // restarted also shows its last run ended (Unknown, exit 255), which it did not end itself.
        if (t == null && state != null && state.getWaiting() != null
            && "CrashLoopBackOff".equals(state.getWaiting().getReason()) && container.getLastState() != null) {
          t = container.getLastState().getTerminated();
        }
        if (t != null && t.getExitCode() != null && t.getExitCode() != 0) {
          return new Failure(container.getName(), init,
              t.getContainerID() != null ? t.getContainerID() : pod.getMetadata().getUid() + "/" + container.getName() + "/" + t.getFinishedAt(),
              (init ? "init container " : "container ") + container.getName() + " failed (" + t.getReason()
                  + ", exit " + t.getExitCode() + ")" + why(t));
        }
      }
    }
    return null;
  }

  /**
   * Why a pod cannot start, keyed by its reason: not scheduled ({@code Unschedulable}), or a container
   * waiting for something other than its creation ({@code ImagePullBackOff},
   * {@code CreateContainerConfigError}, ...).
   *
   * @param reason what it waits for; {@code ErrImagePull} and {@code ImagePullBackOff}, which a pod
   *     that cannot pull its image goes back and forth between, are both {@code ImagePullBackOff}
   * @param detail one line: {@code container worker: ImagePullBackOff (Back-off pulling image "x")}
   */
  record Stuck(String reason, String detail) {}

  /** The waiting reasons of a container on its way to running. */
  private static final Set<String> ON_ITS_WAY = Set.of("ContainerCreating", "PodInitializing");

  /** Why the pod cannot start, or null while it is on its way, runs or has ended (or is being deleted). */
  static Stuck stuck(Pod pod) {
    PodStatus status = pod.getStatus();
    if (status == null || pod.getMetadata().getDeletionTimestamp() != null || ended(pod)) {
      return null;
    }
    Optional<PodCondition> scheduled = condition(status, "PodScheduled");
    if (scheduled.isPresent() && "False".equals(scheduled.get().getStatus())) {
      String reason = scheduled.get().getReason() == null ? "Unschedulable" : scheduled.get().getReason();
      return new Stuck(reason, "Pending: " + join(reason, scheduled.get().getMessage()));
    }
    for (boolean init : new boolean[] {true, false}) {
      for (ContainerStatus container : statuses(status, init)) {
        ContainerStateWaiting waiting = container.getState() == null ? null : container.getState().getWaiting();
        if (waiting != null && waiting.getReason() != null && !ON_ITS_WAY.contains(waiting.getReason())) {
          String reason = "ErrImagePull".equals(waiting.getReason()) ? "ImagePullBackOff" : waiting.getReason();
          return new Stuck(reason, (init ? "init container " : "container ") + container.getName() + ": "
              + problem(container, init, null));
        }
      }
    }
    return null;
  }

  private static String latestWarning(String pod, List<Event> events) {
    return events.stream()
        .filter(e -> "Warning".equals(e.getType()) && e.getInvolvedObject() != null
            && "Pod".equals(e.getInvolvedObject().getKind()) && pod.equals(e.getInvolvedObject().getName()))
        .max(Comparator.comparing(Pods::when, Comparator.nullsFirst(Comparator.naturalOrder())))
        .map(e -> join(e.getReason(), e.getMessage()))
        .orElse(null);
  }

  private static String when(Event e) {
    return e.getLastTimestamp() != null ? e.getLastTimestamp() : e.getMetadata().getCreationTimestamp();
  }

  private static List<ContainerStatus> statuses(PodStatus status, boolean init) {
    List<ContainerStatus> list = status == null ? null
        : init ? status.getInitContainerStatuses() : status.getContainerStatuses();
    return list == null ? List.of() : list;
  }

  /** Ready (its Ready condition is True) and not being deleted. */
  static boolean isReady(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
        && condition(pod.getStatus(), "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static Optional<PodCondition> condition(PodStatus status, String type) {
    return status.getConditions() == null ? Optional.empty()
        : status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  private static String join(String reason, String message) {
    if (blank(message)) {
      return reason == null ? "unknown" : reason;
    }
    return reason == null ? message : reason + ": " + message;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
