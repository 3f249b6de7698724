package dev.honest.bench.scale;

import dev.honest.bench.makespan.TaskSets;
import dev.honest.common.attest.RecordDigest;
import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.hash.FileDigest;
import dev.honest.common.hash.Hashes;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.Finding;
import dev.honest.common.result.InputFile;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.result.WorkerSummary;
import dev.honest.common.task.TaskFileReader;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.attest.Carried;
import dev.honest.launcher.attest.RunSigner;
import dev.honest.launcher.cluster.ClusterOperations;
import dev.honest.launcher.plan.Planner;
import dev.honest.launcher.render.RenderedRun;
import dev.honest.launcher.render.Renderer;
import dev.honest.launcher.render.RunSettings;
import dev.honest.launcher.results.Aggregator;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.CostSettings;
import dev.honest.launcher.results.LogReader;
import dev.honest.launcher.results.PodOutcome;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.WorkerOutcome;
import dev.honest.worker.run.Attestor;
import dev.honest.worker.run.WorkerIdentity;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The launcher's and worker's own costs at scale, each timed in this JVM after a warm-up: hashing
 * (against {@code sha256sum} and {@code md5sum} on the same file), and reading, planning, rendering
 * and aggregating a run of many tasks (10,000 over 200 workers by default, from {@code examples/}).
 * Each figure is printed beside its target (issue 6) with {@code ok} or {@code MISSED}.
 *
 * <p>The worker logs aggregated are what real workers print: a record and its statement signed by
 * the worker's own {@link Attestor} for every task, then the worker summary and its statement, so
 * the aggregation authenticates every statement as it does after a real run. The case where no
 * worker reported anything (every record lost, the launcher signs a statement for each) is timed too.
 *
 * <p>Aggregation is timed three ways: all logs at once (what {@code run} does when every worker
 * ends at the same moment); as {@code run} does it, each log read as its worker ends
 * ({@link LogReader#readAhead}), so that after the last one only its log and the aggregation
 * itself are left; and as {@code collect} does it, each log read on every core as soon as it is
 * fetched, at an assumed pace ({@code --fetch-ms}: no API server here). The last two are timed in a
 * JVM of their own, started for them, so that the JIT has compiled only what it would have
 * compiled in a real run by then.
 *
 * <p>Last, the whole {@code collect} ({@link ClusterOperations#collect}) against fabric8's mock API
 * server holding the run's Jobs, pods and logs, each answer held {@code --api-ms} as a round trip to a
 * real server: with the logs of {@value ClusterOperations#DEFAULT_LOG_REQUESTS} Jobs fetched at a
 * time, then one at a time (as before session 9), each in a JVM of its own, and the ratio of the two.
 */
@Command(name = "bench-scale", mixinStandardHelpOptions = true,
    description = "Times hashing and the plan, render and aggregate steps of a large run.")
public final class ScaleBench implements Callable<Integer> {
  private static final long MIB = 1024 * 1024;
  /** The API server's limit on a ConfigMap (data and binaryData; the whole object is counted here). */
  private static final long CONFIG_MAP_LIMIT = MIB;
  private static final double PLAN_RENDER_SECONDS = 5;
  private static final double AGGREGATE_SECONDS = 2;
  private static final double WRITE_SECONDS = 2;
  private static final long HEAP_LIMIT = 512 * MIB;
  private static final int AGGREGATE_ROUNDS = 3;

  @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".", description = "Repository root. Default: .")
  Path repo;

  @Option(names = "--tasks", defaultValue = "10000", description = "Tasks in the run. Default: ${DEFAULT-VALUE}")
  int tasks;

  @Option(names = "--workers", defaultValue = "200", description = "Workers. Default: ${DEFAULT-VALUE}")
  int workers;

  @Option(names = "--hash-mib", defaultValue = "512", description = "Size of the hashed file (e.g. 256). Default: ${DEFAULT-VALUE}")
  int hashMib;

  @Option(names = "--fetch-ms", defaultValue = "20", description = "For the `collect` case: milliseconds to fetch one"
      + " worker's log from the API server (not measured here: no cluster). Default: ${DEFAULT-VALUE}")
  int fetchMs;

  /** Set on the JVM this bench starts for the read-ahead case: only that case is run and timed. */
  @Option(names = "--read-ahead-only", hidden = true)
  boolean readAheadOnly;

  @Option(names = "--api-ms", defaultValue = "20", description = "For `collect` from a mock API server: milliseconds"
      + " the server holds each answer, as a round trip to a real one (assumed, not measured). Default: ${DEFAULT-VALUE}")
  int apiMs;

  /**
   * Set on the JVM this bench starts for {@code collect} from a mock API server: only that case is run
   * and timed, with this many Jobs' logs fetched at once.
   */
  @Option(names = "--api-collect-only", hidden = true)
  int apiCollectOnly;

  /** Set on the JVM this bench starts for the {@code collect} case: only that case is run and timed. */
  @Option(names = "--collect-only", hidden = true)
  boolean collectOnly;

  /**
   * For profiling: only the all-at-once aggregation, this many times in this JVM, each round's wall,
   * CPU, compile and GC time printed (no figures, no verdicts).
   */
  @Option(names = "--aggregate-only", hidden = true)
  int aggregateOnly;

  /** What a figure line starts with on the output of a child JVM (read-ahead or collect case), for this one to collect. */
  private static final String FIGURE_MARK = "FIGURE|";
  /** What the line of a child JVM's {@code collect} from the mock API server starts with: {@code Jobs at once|seconds}. */
  private static final String API_MARK = "API-COLLECT|";

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
  private final List<String> figures = new ArrayList<>();
  /** The whole {@code collect} from the mock API server, in seconds, by how many Jobs' logs were fetched at once. */
  private final Map<Integer, Double> apiCollect = new TreeMap<>();
  private boolean missed;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScaleBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path work = Files.createTempDirectory("bench-scale-");
    out.println("Work directory: " + work);
    out.printf(Locale.ROOT, "JVM: Java %s, max heap %d MB, %d CPUs%n", Runtime.version(),
        Runtime.getRuntime().maxMemory() / MIB, Runtime.getRuntime().availableProcessors());
    try {
      if (readAheadOnly || collectOnly || apiCollectOnly > 0) {
        if (readAheadOnly) {
          readAhead(work);
        } else if (collectOnly) {
          collectAsFetched(work);
        } else {
          collectFromApi(work, apiCollectOnly);
        }
        figures.forEach(f -> out.println(FIGURE_MARK + f));
        return missed ? 1 : 0;
      }
      if (aggregateOnly > 0) {
        aggregateRounds(work);
        return 0;
      }
      hashing(work);
      run(work);
      inItsOwnJvm("--read-ahead-only", "aggregation as `run` does it, each log read as its worker ends");
      inItsOwnJvm("--collect-only", "aggregation as `collect` does it, each log read on every core as soon as it is"
          + " fetched");
      int jobsAtOnce = ClusterOperations.DEFAULT_LOG_REQUESTS;
      for (int n : new int[] {jobsAtOnce, 1}) {
        inItsOwnJvm("--api-collect-only=" + n, "`collect` from a mock API server, the logs of " + n + " Job(s) at a time");
      }
      out.printf(Locale.ROOT, "  `collect` from the mock API server, %d Jobs at a time against one: %.2f s / %.2f s ="
          + " %.2f%n", jobsAtOnce, apiCollect.get(jobsAtOnce), apiCollect.get(1),
          apiCollect.get(jobsAtOnce) / apiCollect.get(1));
    } finally {
      deleteTree(work); // some 300 MB
    }
    out.printf(Locale.ROOT, "%nFigures (issue 6 targets):%n");
    figures.forEach(out::println);
    return missed ? 1 : 0;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(f);
      }
    }
  }

  /** Runs one case ({@link #readAhead} or {@link #collectAsFetched}) in a new JVM with this one's heap limit, and takes its figures. */
  private void inItsOwnJvm(String only, String what) throws IOException, InterruptedException {
    out.printf(Locale.ROOT, "%nIn a new JVM (-Xmx%dm), %s:%n", Runtime.getRuntime().maxMemory() / MIB, what);
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + Runtime.getRuntime().maxMemory() / MIB + "m", "-cp", System.getProperty("java.class.path"),
        ScaleBench.class.getName(), "--repo", repo.toString(), "--tasks", String.valueOf(tasks),
        "--workers", String.valueOf(workers), "--fetch-ms", String.valueOf(fetchMs), "--api-ms", String.valueOf(apiMs),
        only)
        .redirectErrorStream(true).start();
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith(FIGURE_MARK)) {
          figures.add(line.substring(FIGURE_MARK.length()));
        } else if (line.startsWith(API_MARK)) {
          String[] parts = line.substring(API_MARK.length()).split("\\|");
          apiCollect.put(Integer.parseInt(parts[0]), Double.parseDouble(parts[1]));
        } else {
          out.println(line);
        }
      }
    }
    missed |= child.waitFor() != 0;
  }

  /**
   * Runs the {@code render} command in a new JVM with this one's heap limit: the launcher's main
   * class from this JVM's class path (the classes of {@code launcher.jar}, not that jar itself). It
   * pays what {@code java -jar launcher.jar render} pays: JVM start, reading the task file, planning,
   * rendering and writing every manifest, and printing the plan table.
   *
   * @return seconds from starting the process to its exit
   */
  private double renderCommand(TaskSets.TaskSet set, Path output) throws IOException, InterruptedException {
    long t = System.nanoTime();
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + Runtime.getRuntime().maxMemory() / MIB + "m", "-cp", System.getProperty("java.class.path"),
        "dev.honest.launcher.LauncherMain", "render", "--tasks", set.tasksFile().toString(), "--workspace",
        set.workspace().toString(), "--workers", String.valueOf(workers), "--output", output.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    int exit = child.waitFor();
    double seconds = seconds(t);
    if (exit != 0) {
      throw new IllegalStateException("the render command exited " + exit);
    }
    return seconds;
  }

  /** A run of {@code --tasks} over {@code --workers}, planned, with every worker's log as its worker signs it. */
  private record SignedRun(List<TaskSpec> specs, Plan plan, List<WorkerOutcome> logs, RunSigner signer) {}

  private SignedRun signedRun(Path work) throws Exception {
    TaskSets.TaskSet set = TaskSets.replicate(repo.resolve("examples/excel-tasks-extracted.json"),
        repo.resolve("examples/shop-app"), tasks, work.resolve("input"));
    RunSettings settings = RunSettings.builder("bench", "registry.example/worker:1").workers(workers).build();
    List<TaskSpec> specs = TaskFileReader.read(set.tasksFile(), set.workspace());
    RenderedRun run = new Renderer().render(settings, specs, set.workspace());
    SigningKey key = SigningKey.generate();
    return new SignedRun(specs, run.plan(), logs(specs, run.plan(), set.workspace(), run.workerConfig(), key, true),
        new RunSigner(key, run.plan().runId(), run.workerConfig().options()));
  }

  /** Aggregates the run's logs with {@code reader}, which must find every task completed and nothing wrong. */
  private static void aggregateAll(SignedRun r, LogReader reader) {
    aggregateAll(r, r.logs(), reader);
  }

  /** Aggregates {@code logs}, the run's logs as collected, which must hold every task completed and nothing wrong. */
  private static void aggregateAll(SignedRun r, List<WorkerOutcome> logs, LogReader reader) {
    ClusterResults results = new Aggregator(CostSettings.defaults(), r.signer()).aggregate(r.plan(), r.specs(),
        logs, Map.of(), Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), Carried.NONE, reader);
    if (!results.problems().isEmpty() || results.completedTasks() != r.specs().size()) {
      throw new IllegalStateException("aggregation of the bench logs found problems: " + results.problems());
    }
  }

  /** {@code --aggregate-only}: the all-at-once aggregation round after round, what each cost. */
  private void aggregateRounds(Path work) throws Exception {
    SignedRun r = signedRun(work);
    for (int i = 0; i < aggregateOnly; i++) {
      long cpu = cpuNanos();
      long jit = jitMillis();
      long gc = gcMillis();
      long t = System.nanoTime();
      try (LogReader reader = new LogReader(r.plan(), r.signer().publicKey())) {
        aggregateAll(r, reader);
      }
      out.printf(Locale.ROOT, "round %d: %.2f s, %.2f s of CPU, the JIT compilers busy %.2f s, %.2f s in GC pauses%n",
          i + 1, seconds(t), (cpuNanos() - cpu) / 1e9, (jitMillis() - jit) / 1e3, (gcMillis() - gc) / 1e3);
    }
  }

  /**
   * The aggregation as {@code run} does it: the logs of all workers but the last read one after the
   * other on the reader's background thread (as their workers end, during the run), then the last
   * worker's log and the aggregation, timed from the moment that worker ends.
   */
  private void readAhead(Path work) throws Exception {
    SignedRun r = signedRun(work);
    List<WorkerOutcome> signed = r.logs();
    try (LogReader reader = new LogReader(r.plan(), r.signer().publicKey())) {
      long cpu = cpuNanos();
      long t = System.nanoTime();
      signed.subList(0, signed.size() - 1).stream().map(reader::readAhead).toList()
          .forEach(CompletableFuture::join);
      double ahead = seconds(t);
      double aheadCpu = (cpuNanos() - cpu) / 1e9;
      t = System.nanoTime();
      reader.readAhead(signed.get(signed.size() - 1));
      aggregateAll(r, reader);
      double after = seconds(t);
      out.printf(Locale.ROOT, "  %d logs read ahead on one background thread, one after the other: %.2f s (%.0f ms a"
              + " log; %.2f s of CPU), spread over the run in a real one; after the last worker ends, its log and the"
              + " aggregation of all %d results: %.2f s%n", signed.size() - 1, ahead, ahead * 1000 / (signed.size() - 1),
          aheadCpu, r.specs().size(), after);
      figure("aggregate " + r.specs().size() + " after the last worker ends", secondsText(after) + " (run)",
          "≤ " + AGGREGATE_SECONDS + " s", after <= AGGREGATE_SECONDS);
    }
  }

  /**
   * The aggregation as {@code collect} does it: the logs handed to a reader on every core one after
   * the other, one every {@code --fetch-ms} (the collector hands them over in the workers' order as
   * it fetches them from the API server, which this machine has not got; the pace is that of all its
   * fetches together), then the aggregation, timed from the moment the last log is fetched.
   */
  private void collectAsFetched(Path work) throws Exception {
    SignedRun r = signedRun(work);
    List<WorkerOutcome> signed = r.logs();
    int cores = Runtime.getRuntime().availableProcessors();
    try (LogReader reader = new LogReader(r.plan(), r.signer().publicKey(), cores)) {
      List<CompletableFuture<Void>> reads = new ArrayList<>();
      long t = System.nanoTime();
      for (int i = 0; i < signed.size(); i++) {
        long due = t + (i + 1) * fetchMs * 1_000_000L; // the log of worker i + 1 is fetched by then
        for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
          Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
        reads.add(reader.readAhead(signed.get(i)));
      }
      long lastFetched = System.nanoTime();
      int readByThen = (int) reads.stream().filter(CompletableFuture::isDone).count();
      aggregateAll(r, reader);
      double after = seconds(lastFetched);
      out.printf(Locale.ROOT, "  %d logs fetched one every %d ms (%.1f s; the pace is assumed, not measured), read on %d"
              + " threads as they came: %d of them read when the last was fetched; then the rest and the aggregation"
              + " of all %d results: %.2f s%n", signed.size(), fetchMs, (lastFetched - t) / 1e9, cores, readByThen,
          r.specs().size(), after);
      figure("aggregate " + r.specs().size() + " after the last log fetched", String.format(Locale.ROOT,
          "%.2f s (collect, a log every %d ms)", after, fetchMs), "≤ " + AGGREGATE_SECONDS + " s",
          after <= AGGREGATE_SECONDS);
    }
  }

  /**
   * {@code collect} as the command does it, from a mock API server that holds the run's Jobs, their
   * pods and logs and answers each request {@code --api-ms} after it came: the logs of
   * {@code jobsAtOnce} Jobs fetched at a time, each read on every core as soon as it is handed over,
   * then the aggregation; timed from the first request to the aggregated results.
   */
  private void collectFromApi(Path work, int jobsAtOnce) throws Exception {
    SignedRun signed = signedRun(work);
    try (MockApiServer api = new MockApiServer()) {
      api.succeeded(signed.plan().runId(), signed.logs());
      SignedRun r = new SignedRun(signed.specs(), signed.plan(), List.of(), signed.signer()); // the server has the logs
      signed = null;
      api.roundTrip(Duration.ofMillis(apiMs));
      ClusterOperations ops = new ClusterOperations(api.client(), MockApiServer.NAMESPACE, r.plan().runId(),
          ClusterOperations.FIELD_MANAGER, new PrintWriter(Writer.nullWriter())).logRequests(jobsAtOnce);
      int cores = Runtime.getRuntime().availableProcessors();
      try (LogReader reader = new LogReader(r.plan(), r.signer().publicKey(), cores)) {
        long t = System.nanoTime();
        List<WorkerOutcome> collected = ops.collect(work.resolve("collected"), reader::readAhead);
        double fetched = seconds(t);
        aggregateAll(r, collected, reader);
        double total = seconds(t);
        out.printf(Locale.ROOT, "  %d logs (%.0f MB) from a mock API server answering each request after %d ms, %d"
                + " Job(s) at a time, read on %d threads as they came: all fetched after %.2f s, aggregated after %.2f s"
                + "%n", collected.size(), logBytes(collected) / 1e6, apiMs, jobsAtOnce, cores, fetched, total);
        out.println(API_MARK + jobsAtOnce + "|" + total);
      }
    }
  }

  private void hashing(Path work) throws Exception {
    Path file = work.resolve("hash-input.bin");
    byte[] block = new byte[1 << 20];
    new Random(1).nextBytes(block);
    try (var stream = Files.newOutputStream(file)) {
      for (int i = 0; i < hashMib; i++) {
        stream.write(block);
      }
    }
    Hashes.digest(file); // warm-up, and the file into the page cache
    long t = System.nanoTime();
    FileDigest d = Hashes.digest(file);
    double ours = seconds(t);
    double sha = tool(work, "sha256sum", file);
    double md5 = tool(work, "md5sum", file);
    out.printf(Locale.ROOT, "%nHashing %d MiB (cached): Hashes.digest (MD5 + SHA-256 + binary check, one pass) %.2f s"
            + " = %.0f MiB/s; sha256sum %.2f s; md5sum %.2f s; both tools %.2f s = %.0f MiB/s%n",
        hashMib, ours, hashMib / ours, sha, md5, sha + md5, hashMib / (sha + md5));
    if (d.bytes() != (long) hashMib << 20) {
      throw new IllegalStateException("hashed " + d.bytes() + " bytes");
    }
    Files.delete(file);
  }

  private static double tool(Path work, String tool, Path file) throws IOException, InterruptedException {
    long t = System.nanoTime();
    Process p = new ProcessBuilder(tool, file.toString()).redirectErrorStream(true)
        .redirectOutput(work.resolve(tool + ".out").toFile()).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(tool + " failed");
    }
    return seconds(t);
  }

  private void run(Path work) throws Exception {
    TaskSets.TaskSet set = TaskSets.replicate(repo.resolve("examples/excel-tasks-extracted.json"),
        repo.resolve("examples/shop-app"), tasks, work.resolve("input"));
    out.printf(Locale.ROOT, "%n%d tasks, %d workers (each step run two or three times: the first time in a JVM is what a"
        + " command does, later ones run compiled code):%n", tasks, workers);
    RunSettings settings = RunSettings.builder("bench", "registry.example/worker:1").workers(workers).build();
    List<TaskSpec> specs = null;
    RenderedRun run = null;
    // [0] the first time in this JVM, as a `render` or `run` command does it; [1] the second
    double[] read = new double[2];
    double[] planned = new double[2];
    double[] rendered = new double[2];
    double[] written = new double[2];
    for (int round = 0; round < 2; round++) {
      run = null; // the first round's objects are garbage before the second starts
      long t = System.nanoTime();
      specs = TaskFileReader.read(set.tasksFile(), set.workspace());
      read[round] = seconds(t);
      t = System.nanoTime();
      run = new Renderer().render(settings, specs, set.workspace());
      rendered[round] = seconds(t);
      t = System.nanoTime();
      run.writeTo(work.resolve("manifests"));
      written[round] = seconds(t);
      // The plan alone after the render, so that the render's first time has not had the planner run before it.
      t = System.nanoTime();
      new Planner().plan(settings.runId(), specs, set.workspace(), workers, GenerationOptions.DEFAULTS);
      planned[round] = seconds(t);
    }
    Plan plan = run.plan();
    System.gc();
    long live = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    out.printf(Locale.ROOT, "  first / second time in this JVM: read and validate the task file %.2f / %.2f s;"
            + " render (plan included) %.2f / %.2f s; write the manifests %.2f / %.2f s; the plan alone, after"
            + " each render: %.2f / %.2f s%n",
        read[0], read[1], rendered[0], rendered[1], written[0], written[1], planned[0], planned[1]);
    out.printf(Locale.ROOT, "  the `render` command's whole work (read, plan, render, write), first time: %.2f s%n",
        read[0] + rendered[0] + written[0]);
    out.printf(Locale.ROOT, "  the `render` command itself in a new JVM (-Xmx%dm, the launcher's main class), from its start to its"
            + " exit: %.2f s%n",
        Runtime.getRuntime().maxMemory() / MIB, renderCommand(set, work.resolve("render-command")));
    figure("plan + render, first time in the JVM", secondsText(rendered[0]), "≤ " + PLAN_RENDER_SECONDS + " s",
        rendered[0] <= PLAN_RENDER_SECONDS);
    figure("plan + render, second time", secondsText(rendered[1]), "≤ " + PLAN_RENDER_SECONDS + " s",
        rendered[1] <= PLAN_RENDER_SECONDS);

    KubernetesSerialization serialization = new KubernetesSerialization();
    ToIntFunction<HasMetadata> bytes = o -> serialization.asJson(o).getBytes(StandardCharsets.UTF_8).length;
    HasMetadata largestConfigMap = run.configMaps().stream().max((a, b) -> bytes.applyAsInt(a) - bytes.applyAsInt(b))
        .orElseThrow();
    long shards = run.configMaps().stream()
        .filter(c -> c.getMetadata().getName().startsWith(Renderer.TASK_SHARDS)).count();
    int configMapBytes = bytes.applyAsInt(largestConfigMap);
    figure("largest ConfigMap of " + run.configMaps().size() + " (" + shards + " of task shards)",
        String.format(Locale.ROOT, "%,d B (%s)", configMapBytes, largestConfigMap.getMetadata().getName()),
        String.format(Locale.ROOT, "< %,d B", CONFIG_MAP_LIMIT), configMapBytes < CONFIG_MAP_LIMIT);
    ConfigMap orchestrator = run.configMaps().get(0);
    int planChars = orchestrator.getData().get(ConfigLayout.PLAN_FILE).length();
    out.printf(Locale.ROOT, "  %s: %,d B, %s (plan.json %,d characters: the plan of some %,d tasks would fit)%n",
        Renderer.CONFIG_MAP, bytes.applyAsInt(orchestrator), String.join(", ", orchestrator.getData().keySet()),
        planChars, (long) specs.size() * CONFIG_MAP_LIMIT / planChars);
    HasMetadata largestJob = run.jobs().stream().max((a, b) -> bytes.applyAsInt(a) - bytes.applyAsInt(b)).orElseThrow();
    int jobBytes = bytes.applyAsInt(largestJob);
    figure("largest Job of " + run.jobs().size(),
        String.format(Locale.ROOT, "%,d B (%s)", jobBytes, largestJob.getMetadata().getName()),
        String.format(Locale.ROOT, "< %,d B", CONFIG_MAP_LIMIT), jobBytes < CONFIG_MAP_LIMIT);

    SigningKey key = SigningKey.generate();
    long t = System.nanoTime();
    List<WorkerOutcome> signed = logs(specs, plan, set.workspace(), run.workerConfig(), key, true);
    out.printf(Locale.ROOT, "  (worker logs signed by each worker's Attestor, %d statements: %.1f s, not counted)%n",
        specs.size() + plan.workers().size(), seconds(t));
    RunSigner signer = new RunSigner(key, plan.runId(), run.workerConfig().options());
    Aggregated aggregated = aggregate(work, specs, plan, signed, signer, "signed");
    out.printf(Locale.ROOT, "  aggregate %d records from %d logs (%.0f MB) at once (as no command does now: the worst"
            + " case, when all logs arrive at the same moment), authenticating every statement: first in this"
            + " JVM %.2f s (%.2f s of CPU; the JIT compilers busy %.2f s meanwhile), third %.2f s (%.2f s of CPU, %.2f s"
            + " of GC); write %s (%.0f MB): %.2f s%n", specs.size(), signed.size(), logBytes(signed) / 1e6,
        aggregated.first(), aggregated.firstCpu(), aggregated.firstJit(), aggregated.seconds(), aggregated.cpu(),
        aggregated.gc(), ResultsFiles.RESULTS_FILE, aggregated.bytes() / 1e6, aggregated.write());
    figure("aggregate " + specs.size() + ", all logs at once", secondsText(aggregated.first()),
        "≤ " + AGGREGATE_SECONDS + " s", aggregated.first() <= AGGREGATE_SECONDS);
    figure("write " + ResultsFiles.RESULTS_FILE, String.format(Locale.ROOT, "%.2f s (%.0f MB)", aggregated.write(),
        aggregated.bytes() / 1e6), "≤ " + WRITE_SECONDS + " s", aggregated.write() <= WRITE_SECONDS);
    signed = null;
    System.gc();
    long liveAggregated = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();

    List<WorkerOutcome> unsigned = logs(specs, plan, set.workspace(), run.workerConfig(), key, false);
    Aggregated lost = aggregate(work, specs, plan, unsigned, signer, "lost");
    out.printf(Locale.ROOT, "  aggregate the same logs without statements (every record lost: the launcher signs"
        + " %d statements): first %.2f s, third %.2f s (%.2f s of CPU)%n", specs.size(), lost.first(), lost.seconds(),
        lost.cpu());
    unsigned = null;

    long max = Runtime.getRuntime().maxMemory();
    figure("heap: all of the above in a heap of " + max / MIB + " MB", String.format(Locale.ROOT,
        "live after render %d MB, after aggregate %d MB", live / MIB, liveAggregated / MIB),
        "≤ " + HEAP_LIMIT / MIB + " MB heap", max <= HEAP_LIMIT);
    if (max > HEAP_LIMIT) {
      out.println("  MISSED: run with -Xmx512m (scripts/bench-scale does) for the heap figure to mean anything");
    }
  }

  /**
   * Seconds to aggregate the first time in this JVM, with the process's CPU seconds then and the
   * time the JIT compilers spent meanwhile (on the same cores); the same for the third time (by
   * then the JIT has compiled most of it: CPU seconds of all threads, a figure that other load on
   * the machine skews less) and seconds the collectors took then; seconds to write the results,
   * their size.
   */
  private record Aggregated(double first, double firstCpu, double firstJit, double seconds, double cpu, double gc,
      double write, long bytes) {}

  private static Aggregated aggregate(Path work, List<TaskSpec> specs, Plan plan, List<WorkerOutcome> outcomes,
      RunSigner signer, String name) throws IOException {
    double[] wall = new double[AGGREGATE_ROUNDS];
    double firstCpu = 0;
    double firstJit = 0;
    double cpu = 0;
    double gc = 0;
    double write = 0;
    long bytes = 0;
    for (int round = 0; round < AGGREGATE_ROUNDS; round++) {
      long gcStart = gcMillis();
      long cpuStart = cpuNanos();
      long jitStart = jitMillis();
      long t = System.nanoTime();
      ClusterResults results = new Aggregator(CostSettings.defaults(), signer)
          .aggregate(plan, specs, outcomes, Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), Carried.NONE);
      wall[round] = seconds(t);
      cpu = (cpuNanos() - cpuStart) / 1e9;
      gc = (gcMillis() - gcStart) / 1e3;
      if (round == 0) {
        firstCpu = cpu;
        firstJit = (jitMillis() - jitStart) / 1e3;
      }
      if (!results.problems().isEmpty() || results.tasks().size() != specs.size()
          || "signed".equals(name) && results.completedTasks() != specs.size()) {
        throw new IllegalStateException("aggregation of the bench logs found problems: " + results.problems());
      }
      t = System.nanoTime();
      Path file = ResultsFiles.writeResults(work.resolve("results-" + name), results);
      write = seconds(t);
      bytes = Files.size(file);
    }
    return new Aggregated(wall[0], firstCpu, firstJit, wall[AGGREGATE_ROUNDS - 1], cpu, gc, write, bytes);
  }

  /**
   * Worker logs with a completed record for every task, as real as the stand-in's: inputs hashed, a
   * call per file; with {@code sign}, each record followed by its statement from the worker's
   * {@link Attestor} and the log ended by the signed worker summary, as {@code SliceRunner} prints
   * them. The workers' logs are made in parallel, as the workers would.
   */
  private static List<WorkerOutcome> logs(List<TaskSpec> specs, Plan plan, Path workspace, WorkerConfig config,
      SigningKey key, boolean sign) {
    Map<String, TaskSpec> byId = new HashMap<>();
    specs.forEach(s -> byId.put(s.id(), s));
    // The copies of the workspace hold the same files: each is hashed once.
    Map<String, FileDigest> digests = new ConcurrentHashMap<>();
    return plan.workers().parallelStream()
        .map(slice -> log(slice, byId, workspace, digests, config, key, sign)).toList();
  }

  private static WorkerOutcome log(WorkerSlice slice, Map<String, TaskSpec> byId, Path workspace,
      Map<String, FileDigest> digests, WorkerConfig config, SigningKey key, boolean sign) {
    Instant now = Instant.EPOCH.plusSeconds(60);
    String pod = "pod-" + slice.index();
    Attestor attestor = new Attestor(key, config, new WorkerIdentity(slice.index(), pod, "node-1"));
    StringBuilder log = new StringBuilder();
    for (String id : slice.tasks()) {
      TaskSpec t = byId.get(id);
      List<InputFile> inputs = new ArrayList<>();
      List<CallRecord> calls = new ArrayList<>();
      List<Finding> findings = new ArrayList<>();
      for (String path : t.files().isEmpty() ? List.of("") : t.files()) {
        if (!path.isEmpty()) {
          FileDigest d = digests.computeIfAbsent(path.substring(path.indexOf('/') + 1), p -> {
            try {
              return Hashes.digest(workspace.resolve(path));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
          inputs.add(new InputFile(path, d.bytes(), d.md5(), d.sha256(), d.binary()));
        }
        String hash = Hashes.sha256Hex((id + path).getBytes(StandardCharsets.UTF_8));
        calls.add(new CallRecord("codellama:7b", "http://ollama-llm-service:11434", path + "#1/1", 200, 1500, 400,
            40_000_000_000L, 41_000, "stop", hash, hash.substring(0, 32), hash, null));
        findings.add(new Finding(path, 12, "high", "A finding in " + path,
            "What is wrong, in two or three sentences of detail as a model writes them.", "What to do about it."));
      }
      TaskRecord record = new TaskRecord(t.id(), t.title(), t.priority(), t.category(), t.area(), t.action(),
          slice.index(), pod, "node-1", TaskStatus.COMPLETED, null, "codellama:7b", Hashes.sha256Hex(new byte[0]),
          calls.size(), now, now, inputs, calls, findings, List.of());
      // Printed as the worker prints it: the record's canonical form, whose digest the statement signs.
      RecordDigest.Printed printed = RecordDigest.Printed.of(record);
      log.append("[worker-").append(slice.index()).append("] ✅ ").append(id).append(" completed\n")
          .append(ResultLines.formatRecord(printed.canonical())).append('\n');
      if (sign) {
        log.append(ResultLines.format(attestor.task(t, record, printed))).append('\n');
      }
    }
    WorkerSummary summary = new WorkerSummary(slice.index(), slice.tasks().size(), slice.tasks().size(), 0, 0, 1000);
    log.append(ResultLines.format(summary)).append('\n');
    if (sign) {
      log.append(ResultLines.format(attestor.summary(summary))).append('\n');
    }
    return new WorkerOutcome(slice.index(), slice.job(), "succeeded", null,
        List.of(new PodOutcome(pod, "node-1", 0, "Completed", null)), log.toString(), 1000);
  }

  private void figure(String what, String measured, String target, boolean ok) {
    figures.add(String.format(Locale.ROOT, "  %-44s %-40s %-16s %s", what, measured, target, ok ? "ok" : "MISSED"));
    missed |= !ok;
  }

  private static String secondsText(double s) {
    return String.format(Locale.ROOT, "%.2f s", s);
  }

  private static long logBytes(List<WorkerOutcome> outcomes) {
    return outcomes.stream().mapToLong(o -> o.log().getBytes(StandardCharsets.UTF_8).length).sum();
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> g.getCollectionTime()).sum();
  }

  /** How long the JIT compilers have compiled, summed over their threads. */
  private static long jitMillis() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
