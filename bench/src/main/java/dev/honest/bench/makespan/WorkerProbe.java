package dev.honest.bench.makespan;

import dev.honest.bench.standin.LatencyModel;
import dev.honest.bench.standin.Replica;
import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.task.TaskFileReader;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.local.LocalRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cost of one worker process as {@code local} starts it, against a replica that answers at
 * once: how long until its first chat, and how much CPU a slice of one task and a slice of every
 * task take. The difference between the two is the worker's own cost per task.
 */
final class WorkerProbe {
  private WorkerProbe() {}

  /**
   * One probe run.
   *
   * @param tasks tasks in the slice
   * @param chats chats they made
   * @param toFirstChat seconds from starting the process to its first chat reaching the replica
   * @param wall seconds the process ran
   * @param cpu CPU seconds it used
   */
  record Sample(int tasks, int chats, double toFirstChat, double wall, double cpu) {
    String line() {
      return String.format(Locale.ROOT, "  %4d task(s), %4d chats: first chat after %.2f s, wall %.2f s, CPU %.2f s",
          tasks, chats, toFirstChat, wall, cpu);
    }
  }

  /** Runs a worker on a 1-task slice and on a slice of all of {@code set}'s tasks, {@code rounds} times each. */
  static List<Sample> run(Path launcherJar, TaskSets.TaskSet set, Path dir, int rounds) throws Exception {
    List<TaskSpec> tasks = TaskFileReader.read(set.tasksFile(), set.workspace());
    List<String> ids = tasks.stream().map(TaskSpec::id).toList();
    List<Sample> samples = new ArrayList<>();
    // A worker refuses to run without the run's signing key; a throw-away one serves here.
    Path key = Files.createDirectories(dir).resolve("signing-key.pem");
    Files.deleteIfExists(key);
    SigningKey.generate().write(key);
    try (Replica replica = new Replica(1, 64, new LatencyModel(0, 0), Replica.Service.SLEEP)) {
      WorkerConfig config = WorkerConfig.defaults("probe", List.of(replica.url()));
      for (int round = 1; round <= rounds; round++) {
        for (List<String> slice : List.of(ids.subList(0, 1), ids)) {
          // One plan per slice: a plan gives every task to one worker only.
          Path configDir = dir.resolve("config-" + slice.size());
          ConfigLayout.write(configDir, config, tasks,
              new Plan("probe", List.of(new WorkerSlice(1, "probe", "k8s-worker-1", slice, 0))));
          List<String> command = new ArrayList<>(List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString()));
          command.addAll(LocalRunner.WORKER_JVM_OPTIONS);
          command.addAll(List.of("-cp", launcherJar.toString(), LocalRunner.WORKER_MAIN, "--config-dir",
              configDir.toString(), "--workspace", set.workspace().toString(), "--worker", "1",
              "--signing-key", key.toString()));
          Path log = dir.resolve("worker-" + slice.size() + ".log");
          int before = replica.chats().size();
          ChildProcess.Measured m = ChildProcess.run(command, log, Duration.ofMinutes(10));
          if (m.exitCode() != 0) {
            throw new IllegalStateException("probe worker exited " + m.exitCode() + "; see " + log);
          }
          List<Replica.Chat> chats = replica.chats().subList(before, replica.chats().size());
          long first = chats.stream().mapToLong(Replica.Chat::arrivedAt).min().orElseThrow();
          samples.add(new Sample(slice.size(), chats.size(), (first - m.startedAt()) / 1e9,
              m.wallNanos() / 1e9, m.cpuNanos() / 1e9));
        }
      }
    }
    return samples;
  }
}
