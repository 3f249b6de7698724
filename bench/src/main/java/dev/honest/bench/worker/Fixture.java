package dev.honest.bench.worker;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.task.TaskFileException;
import dev.honest.common.task.TaskFileReader;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * What a worker process needs, written under one directory: a configuration directory per slice
 * (config, tasks, a plan giving the slice to worker 1) and a fresh signing key; the workspace is the
 * examples' own.
 *
 * @param tasks the tasks whose files are all at most {@code maxFileBytes}, in file order
 * @param skipped tasks left out for a larger file
 * @param key the throw-away signing key, {@code signing/key.pem}, readable by all (a container runs
 *     as another user and reads it at the path a pod mounts it)
 */
record Fixture(Path workspace, Path key, List<TaskSpec> tasks, int skipped, Path dir, String ollamaUrl) {

  static Fixture write(Path tasksFile, Path workspace, long maxFileBytes, Path dir, String ollamaUrl)
      throws IOException, TaskFileException {
    List<TaskSpec> all = TaskFileReader.read(tasksFile, workspace);
    List<TaskSpec> small = all.stream().filter(t -> t.files().stream().allMatch(f -> size(workspace, f) <= maxFileBytes))
        .toList();
    Files.createDirectories(dir);
    Path key = Files.createDirectories(dir.resolve("signing")).resolve("key.pem");
    Files.deleteIfExists(key);
    SigningKey.generate().write(key);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--r--r--"));
    return new Fixture(workspace.toAbsolutePath(), key, small, all.size() - small.size(), dir, ollamaUrl);
  }

  /** A configuration directory whose plan gives {@code slice} to worker 1. */
  Path configDir(String name, List<TaskSpec> slice) throws IOException {
    Path configDir = dir.resolve("config-" + name);
    WorkerConfig config = WorkerConfig.defaults("bench-worker", List.of(ollamaUrl));
    ConfigLayout.write(configDir, config, slice, new Plan("bench-worker",
        List.of(new WorkerSlice(1, "bench", "k8s-worker-1", slice.stream().map(TaskSpec::id).toList(), 0))));
    return configDir;
  }

  /** The worker's arguments for a slice. */
  List<String> workerArguments(Path configDir) {
    return List.of("--config-dir", configDir.toString(), "--workspace", workspace.toString(), "--worker", "1",
        "--signing-key", key.toString());
  }

  private static long size(Path workspace, String file) {
    try {
      return Files.size(workspace.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
