package dev.honest.bench.makespan;

import dev.honest.bench.standin.LatencyModel;
import dev.honest.bench.standin.LatencyOptions;
import dev.honest.bench.standin.Replica;
import dev.honest.bench.standin.StandIn;
import dev.honest.common.json.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * The makespan benchmark: runs the real {@code local} command ({@code java -jar
 * launcher/target/launcher.jar local}) against a {@link StandIn} and compares its wall time with
 * the capacity lower bound, for each {@link Mode} in the same run. Exits 1 when a run did not
 * complete every task or the judged mode ({@code inproc}) missed the target in a run. Run
 * it with {@code scripts/bench-makespan}; it is never part of {@code mvn verify}.
 */
@Command(name = "bench-makespan", mixinStandardHelpOptions = true,
    description = "Measures the local command's makespan against a timed Ollama stand-in (see README, Performance).")
public final class MakespanBench implements Callable<Integer> {
  /** Benchmark sizes; with the default latency a small run takes about a minute, a large one a few. */
  enum Size {
    SMALL(71, 12, 3, 3),
    LARGE(1000, 50, 10, 1);

    final int tasks;
    final int workers;
    final int replicas;
    /** Runs of each mode: the sticky proxy's draw of replicas decides much, so the small size runs it thrice. */
    final int repeats;

    Size(int tasks, int workers, int replicas, int repeats) {
      this.tasks = tasks;
      this.workers = workers;
      this.replicas = replicas;
      this.repeats = repeats;
    }
  }

  /** How the workers run and reach the replicas. */
  enum Mode {
    /** The baseline, what a cluster run did before its workers shared claims: fixed slices, one Service address, each keep-alive connection pinned to one replica. */
    STICKY("fixed slices, a process per worker, one Service URL (connection-sticky)", false, true, false),
    /** Fixed slices with every replica's own URL: each worker takes them in turn, request by request. */
    SPREAD("fixed slices, a process per worker, the replicas' URLs (round-robin per request)", false, true, false),
    /**
     * Shared claims: a worker whose slice is done takes over unclaimed tasks of the others. For
     * comparison only: its workers are JVMs all starting on this machine's cores, where a cluster
     * gives each pod its own (see docs/performance.md).
     */
    CLAIMS("shared claims, a process per worker, the replicas' URLs (round-robin per request)", false, false, false),
    /** Workers as threads of the launcher sharing one client: one JVM, each request to the least busy replica. */
    INPROC("shared claims, workers as threads in one JVM (--in-process), the replicas' URLs (least busy first,"
        + " at most --parallel in service on each and one more in its queue while others wait)", true, false, true);

    final String description;
    final boolean inProcess;
    final boolean fixedSlices;
    /** Whether the target judges this mode; the others are printed beside it for comparison. */
    final boolean judged;

    Mode(String description, boolean inProcess, boolean fixedSlices, boolean judged) {
      this.description = description;
      this.inProcess = inProcess;
      this.fixedSlices = fixedSlices;
      this.judged = judged;
    }

    List<String> arguments(StandIn standIn, int parallel) {
      List<String> args = new ArrayList<>(List.of("--ollama-url",
          String.join(",", this == STICKY ? List.of(standIn.proxyUrl()) : standIn.replicaUrls())));
      if (inProcess) {
        args.addAll(List.of("--in-process", "--ollama-parallel", Integer.toString(parallel)));
      }
      if (fixedSlices) {
        args.add("--fixed-slices");
      }
      return args;
    }
  }

  @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".",
      description = "Repository root: launcher/target/launcher.jar and examples/. Default: ${DEFAULT-VALUE}")
  Path repo;

  @Option(names = "--size", split = ",", paramLabel = "SIZE", defaultValue = "SMALL,LARGE",
      description = "Sizes to run: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}")
  List<Size> sizes;

  @Option(names = "--tasks", paramLabel = "FILE", description = "Task file the sets are made of (repeated to"
      + " each size). Default: examples/excel-tasks-extracted.json")
  Path tasksFile;

  @Option(names = "--workspace", paramLabel = "DIR", description = "Workspace of --tasks. Default: examples/shop-app")
  Path workspace;

  @Option(names = "--mode", split = ",", paramLabel = "MODE", defaultValue = "STICKY,CLAIMS,INPROC",
      description = "Modes to run, each on a fresh stand-in: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}")
  List<Mode> modes;

  @Option(names = "--parallel", paramLabel = "P", defaultValue = "1",
      description = "Chats each replica serves at once (OLLAMA_NUM_PARALLEL). Default: ${DEFAULT-VALUE}")
  int parallel;

  @Mixin LatencyOptions latencyOptions;

  @Option(names = "--repeat", paramLabel = "N",
      description = "Runs of each mode, with seeds --seed, --seed+1, ... Default: 3 for SMALL, 1 for LARGE")
  Integer repeat;

  @Option(names = "--probe-rounds", paramLabel = "N", defaultValue = "3",
      description = "Rounds of the worker process probe; 0 skips it. Default: ${DEFAULT-VALUE}")
  int probeRounds;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where task sets, launcher outputs and logs go. Default: a new temporary directory")
  Path workDir;

  @Option(names = "--warm-up", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "First one run that is not reported: `local --in-process` on the task file's tasks against a"
          + " stand-in ten times faster, so that the stand-in (a JVM here, not a native server as Ollama is)"
          + " has compiled its code and the files are cached before the first measured run. Default: on")
  boolean warmUp;

  @Option(names = "--seed", defaultValue = "1",
      description = "Seeds the proxy's choice of replica (the first run). Default: ${DEFAULT-VALUE}")
  long seed;

  /** Issue 6's target for wall time over the capacity lower bound. */
  static final double TARGET_RATIO = 1.10;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  public static void main(String[] args) {
    System.exit(new CommandLine(new MakespanBench()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path jar = repo.resolve("launcher/target/launcher.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(jar + " not found: build it with mvn -B package -DskipTests");
    }
    Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("bench-makespan-");
    out.println("Work directory: " + work);
    // A copy, so that rebuilding the repository during a long benchmark does not change what it runs.
    jar = Files.copy(jar, work.resolve("launcher.jar"), StandardCopyOption.REPLACE_EXISTING);
    out.printf(Locale.ROOT, "Machine: %d CPUs, Java %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    LatencyModel latency = latencyOptions.model();
    if (warmUp) {
      warmUp(jar, work.resolve("warm-up"), latency);
    }
    boolean allCompleted = true;
    boolean allMet = true;
    List<String> verdicts = new ArrayList<>();
    for (Size size : sizes) {
      Path sizeDir = work.resolve(size.name().toLowerCase(Locale.ROOT));
      TaskSets.TaskSet set = TaskSets.replicate(
          tasksFile != null ? tasksFile : repo.resolve("examples/excel-tasks-extracted.json"),
          workspace != null ? workspace : repo.resolve("examples/shop-app"), size.tasks, sizeDir.resolve("input"));
      if (probeRounds > 0 && size == sizes.get(0)) {
        out.printf(Locale.ROOT, "%n== One worker process against a replica that answers at once (%d rounds) ==%n",
            probeRounds);
        WorkerProbe.run(jar, set, work.resolve("probe"), probeRounds).forEach(s -> out.println(s.line()));
      }
      out.printf(Locale.ROOT, "%n== %d tasks, %d workers, %d replicas x %d slot(s); %.0f µs per prompt token, "
              + "%.0f µs per completion token ==%n", size.tasks, size.workers, size.replicas, parallel,
          latency.promptMicrosPerToken(), latency.completionMicrosPerToken());
      out.println(Report.HEADER);
      int runs = repeat != null ? repeat : size.repeats;
      Map<Mode, List<Report.Row>> rows = new EnumMap<>(Mode.class);
      for (Mode mode : modes) {
        for (int run = 0; run < runs; run++) {
          String name = mode.name().toLowerCase(Locale.ROOT) + (runs > 1 ? "#" + (run + 1) : "");
          Report.Row row = runOnce(jar, set, size, mode, latency, seed + run, name, sizeDir.resolve(name));
          out.println(row.line());
          allCompleted &= row.allCompleted();
          rows.computeIfAbsent(mode, m -> new ArrayList<>()).add(row);
        }
      }
      out.println(Report.legend(modes.stream().map(m -> m.name().toLowerCase(Locale.ROOT) + ": " + m.description)
          .collect(Collectors.toList())));
      String verdict = Report.verdict(size.tasks + " tasks, " + size.workers + " workers, " + size.replicas
          + " replicas", rows, TARGET_RATIO);
      out.println();
      out.println(verdict);
      verdicts.add(verdict);
      allMet &= Report.met(rows, TARGET_RATIO);
    }
    out.println();
    out.println("== Makespan against the target (wall / bound <= " + TARGET_RATIO + ", every run of a mode) ==");
    verdicts.forEach(out::println);
    return allCompleted && allMet ? 0 : 1;
  }

  private Report.Row runOnce(Path jar, TaskSets.TaskSet set, Size size, Mode mode, LatencyModel latency,
      long runSeed, String name, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path output = dir.resolve("out");
    try (StandIn standIn = StandIn.start(size.replicas, parallel, latency, runSeed, Duration.ofHours(2))) {
      List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", jar.toString(), "local",
          "--tasks", set.tasksFile().toString(), "--workspace", set.workspace().toString(),
          "--output", output.toString(), "--workers", Integer.toString(size.workers), "--timeout", "90m"));
      command.addAll(mode.arguments(standIn, parallel));
      long cpuBefore = ownCpuNanos();
      ChildProcess.Measured run = ChildProcess.run(command, dir.resolve("launcher.log"), Duration.ofMinutes(100));
      double standInCpu = (ownCpuNanos() - cpuBefore) / 1e9;
      writeChats(dir.resolve("chats.csv"), standIn, run.startedAt());
      int completed = -1;
      Map<String, Long> recordedCalls = null;
      Path results = output.resolve("k8s-cluster-results.json");
      if (Files.isRegularFile(results)) {
        JsonNode json = Json.mapper().readTree(results.toFile());
        completed = json.path("completed_tasks").asInt(-1);
        recordedCalls = new HashMap<>();
        for (JsonNode task : json.path("tasks")) {
          for (JsonNode call : task.path("calls")) {
            recordedCalls.merge(call.path("request_sha256").asString(), 1L, Long::sum);
          }
        }
      }
      Figures figures = Figures.of(run, standIn.replicas(), parallel, standIn.proxy().connectionsPerBackend(),
          recordedCalls);
      return new Report.Row(name, run.exitCode(), completed, set.tasks(), figures, standInCpu);
    }
  }

  /**
   * One run that is not measured. The stand-in runs in this JVM, so in the first measured run it would
   * interpret and compile its HTTP server, JSON and answers on the same two cores as the launcher
   * starting (about 2 s of CPU more than in later runs): a cost no Ollama server has.
   */
  private void warmUp(Path jar, Path dir, LatencyModel latency) throws Exception {
    TaskSets.TaskSet set = TaskSets.replicate(
        tasksFile != null ? tasksFile : repo.resolve("examples/excel-tasks-extracted.json"),
        workspace != null ? workspace : repo.resolve("examples/shop-app"), Size.SMALL.tasks, dir.resolve("input"));
    long started = System.nanoTime();
    // A tenth of the latency: the stand-in runs the same code as in the measured runs, in a few seconds.
    LatencyModel faster = new LatencyModel(latency.promptMicrosPerToken() / 10, latency.completionMicrosPerToken() / 10);
    Report.Row row = runOnce(jar, set, Size.SMALL, Mode.INPROC, faster, seed, "warm-up", dir);
    out.printf(Locale.ROOT, "Warm-up (not reported): %s of %d tasks in %.1f s against a stand-in ten times faster%n",
        row.allCompleted() ? "all" : "NOT all", set.tasks(), (System.nanoTime() - started) / 1e9);
  }

  /** Every chat, times in seconds from the launcher's start, for a closer look at a run. */
  private static void writeChats(Path file, StandIn standIn, long origin) throws IOException {
    StringBuilder csv = new StringBuilder("replica,arrival,arrived_s,started_s,ended_s,prompt_tokens,completion_tokens\n");
    for (Replica r : standIn.replicas()) {
      for (Replica.Chat c : r.chats()) {
        csv.append(String.format(Locale.ROOT, "%d,%d,%.4f,%.4f,%.4f,%d,%d%n", r.index(), c.arrival(),
            (c.arrivedAt() - origin) / 1e9, (c.startedAt() - origin) / 1e9, (c.endedAt() - origin) / 1e9,
            c.promptTokens(), c.completionTokens()));
      }
    }
    Files.writeString(file, csv);
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** CPU of this JVM: the stand-in's replicas and proxy. */
  private static long ownCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
