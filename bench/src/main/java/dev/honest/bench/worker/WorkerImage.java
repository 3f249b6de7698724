package dev.honest.bench.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker image run under podman as a Job runs it (the hardening of scripts/smoke-test-image and
 * the default worker limits of 1 CPU and 512 MiB), on the host's network to reach the stand-in, with
 * a fixture's configuration, workspace and key mounted read-only where a pod mounts them.
 *
 * @param image the image's name in podman's storage
 * @param runArguments {@code podman run} and its options before the mounts
 */
record WorkerImage(String image, List<String> runArguments) {

  /** The image, run with this machine's hard limits for open files and processes (as scripts/lib.sh sets them). */
  static WorkerImage of(String image) throws IOException, InterruptedException {
    String[] limits = TimedProcess.output(List.of("bash", "-c", "ulimit -Hn; ulimit -Hu; cat /proc/sys/kernel/pid_max")).split("\n");
    String nproc = limits[1].equals("unlimited") || Long.parseLong(limits[2]) < Long.parseLong(limits[1])
        ? limits[2] : limits[1];
    return new WorkerImage(image, List.of("podman", "run", "--network=host", "--read-only",
        "--tmpfs", "/tmp:rw,nosuid,nodev,mode=1777", "--user", "10001:10001", "--cap-drop=ALL",
        "--security-opt", "no-new-privileges", "--ulimit", "nofile=" + limits[0] + ":" + limits[0],
        "--ulimit", "nproc=" + nproc + ":" + nproc, "--cpus", "1", "--memory", "512m"));
  }

  /**
   * The command that runs worker 1 of {@code configDir}'s plan in a container named {@code container}.
   * The mounts' sources are absolute: podman takes a relative one (from a relative --work-dir) for
   * the name of a volume and refuses it.
   */
  List<String> command(Fixture fixture, Path configDir, String container) {
    List<String> command = new ArrayList<>(runArguments);
    command.addAll(List.of("--name", container,
        "-v", configDir.toAbsolutePath() + ":/etc/honest/config:ro",
        "-v", fixture.workspace().toAbsolutePath() + ":/workspace:ro",
        "-v", fixture.key().toAbsolutePath().getParent() + ":/etc/honest/signing:ro",
        "-e", "HONEST_WORKER_INDEX=1", image));
    return command;
  }

  /** A container name of this benchmark process. */
  static String containerName(String name) {
    return "honest-bench-worker-" + ProcessHandle.current().pid() + "-" + name;
  }

  /** Runs podman and returns its output, stripped. */
  static String podman(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("podman"));
    command.addAll(List.of(args));
    return TimedProcess.output(command).strip();
  }
}
