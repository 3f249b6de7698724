package dev.honest.launcher.cluster;

import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ContainerResource;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Follows the logs of worker pods as they run and counts the distinct task ids of their
 * {@code HONEST-RESULT} lines, for the live progress line. {@code collect} reads the complete logs
 * afterwards and is the record; what was followed is kept ({@link #followed}) for a pod deleted
 * before then, as the Job controller deletes the pods still running at the Job's deadline.
 */
final class TaskLogFollower implements AutoCloseable {
  private final Cluster cluster;
  private final Runnable onNewTask;
  private final Set<String> taskIds = ConcurrentHashMap.newKeySet();
  private final Set<LogWatch> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "honest-log-follower");
    t.setDaemon(true);
    return t;
  });
  /** Pod name to the restart count of its worker container being (or done being) followed. */
  private final Map<String, Integer> followed = new HashMap<>();
  /** Pod name to the pod as last seen, and to the longest text read of its worker container. */
  private final Map<String, Pod> lastSeen = new ConcurrentHashMap<>();
  private final Map<String, String> texts = new ConcurrentHashMap<>();
  /** Pod name to the text of its log being read now, as far as it was read. */
  private final Map<String, StringBuffer> streaming = new ConcurrentHashMap<>();
  /** UIDs of the Jobs whose outcome, logs included, was collected as they ended: their texts are not kept. */
  private final Set<String> collectedJobs = new HashSet<>();
  private int reading;
  private boolean closed;

  TaskLogFollower(Cluster cluster, Runnable onNewTask) {
    this.cluster = cluster;
    this.onNewTask = onNewTask;
  }

  /**
   * Starts following the pod's worker container once it has started (a log request for a
   * container still being created fails), unless that run of the container is already followed. A
   * restarted container is followed again from its start; the ids are counted once.
   */
  synchronized void follow(Pod pod) {
    lastSeen.put(pod.getMetadata().getName(), pod);
    Optional<ContainerStatus> status = Pods.workerStatus(pod);
    if (closed || status.isEmpty() || status.get().getState() == null) {
      return;
    }
    boolean finished = status.get().getState().getTerminated() != null;
    if (!finished && status.get().getState().getRunning() == null) {
      return;
    }
    String name = pod.getMetadata().getName();
    int restarts = status.get().getRestartCount() == null ? 0 : status.get().getRestartCount();
    Integer done = followed.get(name);
    if (done != null && done >= restarts) {
      return;
    }
    followed.put(name, restarts);
    reading++;
    PodResource podResource = cluster.client.pods().inNamespace(cluster.namespace).withName(name);
    ContainerResource log = Pods.hasSidecars(pod) ? podResource.inContainer(Pods.workerContainer(pod)) : podResource;
    readers.execute(() -> read(name, restarts, log, finished));
  }

  /**
   * Lets go of what was read of the pods of the Job with {@code uid}, and of what will be: its
   * outcome was collected as it ended, logs included, so they need not be kept twice.
   */
  synchronized void forgetJob(String uid) {
    collectedJobs.add(uid);
    texts.keySet().removeIf(pod -> uid.equals(jobUid(pod)));
  }

  private String jobUid(String pod) {
    Pod seen = lastSeen.get(pod);
    return seen == null ? null : Pods.controllerUid(seen);
  }

  /** A pod's worker log as followed, and the pod as last seen. */
  record Followed(Pod pod, String log) {}

  /**
   * What was read of each pod followed, by pod name; of a log still being read (the end of the
   * watch waits only so long for the last lines), what was read of it so far.
   */
  synchronized Map<String, Followed> followed() {
    Map<String, String> longest = new HashMap<>(texts);
    streaming.forEach((name, reading) -> {
      String text = reading.toString();
      if (!text.isEmpty() && !collectedJobs.contains(jobUid(name))) {
        longest.merge(name, text, (before, now) -> now.length() >= before.length() ? now : before);
      }
    });
    Map<String, Followed> all = new HashMap<>();
    longest.forEach((name, text) -> all.put(name, new Followed(lastSeen.get(name), text)));
    return all;
  }

  int tasksSeen() {
    return taskIds.size();
  }

  /** Waits until every log being followed has ended, or {@code max} has passed. */
  synchronized void awaitIdle(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (reading > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    open.forEach(LogWatch::close);
    readers.shutdownNow();
  }

  /**
   * Reads one container run to its end. When the stream ends before the container did (the
   * connection dropped, or the request failed), the pod is forgotten so that its next update, or
   * the last look when all Jobs have ended, follows it again.
   */
  private void read(String pod, int restarts, ContainerResource log, boolean finishedBefore) {
    boolean complete = false;
    LogWatch watch = null;
    StringBuffer text = new StringBuffer();
    streaming.put(pod, text);
    try {
      watch = log.watchLog();
      open.add(watch);
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          count(line);
          synchronized (text) { // the line and its end together, for followed() to read whole lines
            text.append(line).append('\n');
          }
        }
      }
      complete = finishedBefore;
    } catch (KubernetesClientException | IOException e) {
      // Not an error of the run: the pod may be gone or not yet started; collect has the last word.
    } finally {
      if (watch != null) {
        open.remove(watch);
        watch.close();
      }
      synchronized (this) {
        streaming.remove(pod, text);
        // A read again from the start (after a dropped stream) has at least as much.
        if (text.length() > 0 && !collectedJobs.contains(jobUid(pod))) {
          texts.merge(pod, text.toString(), (before, now) -> now.length() >= before.length() ? now : before);
        }
        if (!complete) {
          followed.remove(pod, restarts);
        }
        reading--;
        notifyAll();
      }
    }
  }

  private void count(String line) {
    Optional<TaskRecord> record;
    try {
      record = ResultLines.parseRecord(line);
    } catch (IllegalArgumentException cutOff) {
      return;
    }
    if (record.isPresent() && taskIds.add(record.get().id())) {
      onNewTask.run();
    }
  }
}
