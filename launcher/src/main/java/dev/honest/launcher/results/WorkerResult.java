package dev.honest.launcher.results;

import java.util.List;

/**
 * One worker's line in {@code k8s-cluster-results.json}.
 *
 * @param pods every attempt (pod or process), oldest first, described for people
 * @param tasks the task ids it ran (or that were lost with it), in plan order: its slice, less what
 *     other workers took over, plus what it took over from them
 */
public record WorkerResult(
    int index,
    String name,
    String job,
    List<String> pods,
    String status,
    String reason,
    List<String> tasks,
    int completed,
    int failed,
    double duration) {}
