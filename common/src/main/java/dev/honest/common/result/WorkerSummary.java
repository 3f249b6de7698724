package dev.honest.common.result;

/**
 * The last line a worker prints: what it was given and how it ended.
 *
 * @param worker 1-based worker index
 * @param assigned tasks the worker took: its slice, less what others took over, plus what it took over
 * @param completed tasks completed
 * @param failed tasks failed
 * @param exitCode the worker's exit code (see {@code ExitCode})
 * @param durationMs wall time of the worker
 */
public record WorkerSummary(int worker, int assigned, int completed, int failed, int exitCode, long durationMs) {}
