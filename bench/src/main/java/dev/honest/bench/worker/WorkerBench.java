package dev.honest.bench.worker;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.honest.bench.worker.TaskCosts.Spread;
import dev.honest.bench.worker.TaskCosts.TaskCost;
import dev.honest.common.task.TaskSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The worker's own costs against issue 6's targets, each printed beside its target with {@code ok}
 * or {@code MISSED}: the time per task outside the LLM calls (the real worker over the examples'
 * tasks, against a stand-in that answers at once), hashing against {@code sha256sum}, and the time
 * from a worker's start to its first request, as a host process and as the container image. Run it
 * with {@code scripts/bench-worker}; it is never part of {@code mvn verify}.
 */
@Command(name = "bench-worker", mixinStandardHelpOptions = true,
    description = "Measures the worker's per-task overhead, hashing and start-up (see README, Performance).")
public final class WorkerBench implements Callable<Integer> {
  static final double OVERHEAD_TARGET_MS = 5;
  static final double HASH_TARGET_RATIO = 0.80;
  static final double START_TARGET_S = 1.0;

  enum Section { OVERHEAD, HASHING, START }

  @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".",
      description = "Repository root: worker/target/worker.jar, worker/pom.xml and examples/. Default: ${DEFAULT-VALUE}")
  Path repo;

  @Option(names = "--section", split = ",", paramLabel = "SECTION", defaultValue = "OVERHEAD,HASHING,START",
      description = "What to measure: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}")
  List<Section> sections;

  @Option(names = "--flags", paramLabel = "FLAGS",
      description = "The worker's JVM flags, space-separated. Default: the image's, from worker/pom.xml")
  String flags;

  @Option(names = "--also-flags", paramLabel = "FLAGS",
      description = "Another set of JVM flags to measure beside the worker's (repeatable), e.g. to compare options")
  List<String> alsoFlags = new ArrayList<>();

  @Option(names = "--max-file-kib", defaultValue = "64",
      description = "Only tasks whose files are all this small. Default: ${DEFAULT-VALUE}")
  int maxFileKib;

  @Option(names = "--cold-runs", defaultValue = "3", description = "Fresh worker processes. Default: ${DEFAULT-VALUE}")
  int coldRuns;

  @Option(names = "--warm-runs", defaultValue = "10",
      description = "Runs of the slice in one JVM; the last is measured (0: none). Default: ${DEFAULT-VALUE}")
  int warmRuns;

  @Option(names = "--hash-mib", defaultValue = "256", description = "Size of the hashed file. Default: ${DEFAULT-VALUE}")
  int hashMib;

  @Option(names = "--hash-passes", defaultValue = "4",
      description = "Passes of Hashes.digest in one fresh JVM (the first is cold). Default: ${DEFAULT-VALUE}")
  int hashPasses;

  @Option(names = "--starts", defaultValue = "5", description = "Worker starts per variant. Default: ${DEFAULT-VALUE}")
  int starts;

  @Option(names = "--image", paramLabel = "NAME",
      description = {"Also run this worker image (in podman's storage) under podman, for the per-task overhead and",
          "the start, e.g. localhost/honest-worker:ci (scripts/build-worker-image)"})
  String image;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where fixtures and logs go. Default: a new temporary directory")
  Path workDir;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
  private boolean allMet = true;

  public static void main(String[] args) {
    System.exit(new CommandLine(new WorkerBench()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path workerJar = repo.resolve("worker/target/worker.jar").toAbsolutePath();
    if (!Files.isRegularFile(workerJar)) {
      throw new IllegalArgumentException(workerJar + " not found: build it with mvn -B package -DskipTests");
    }
    Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("bench-worker-");
    List<List<String>> flagSets = new ArrayList<>();
    Path jibDir = repo.resolve("worker/src/main/jib");
    flagSets.add(hostFlags(flags != null ? split(flags) : imageFlags(repo.resolve("worker/pom.xml")), jibDir));
    alsoFlags.forEach(f -> flagSets.add(hostFlags(split(f), jibDir)));
    out.printf(Locale.ROOT, "bench-worker on %d CPUs (%s), Java %s, %s; work directory %s%n",
        Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"),
        Instant.now().truncatedTo(ChronoUnit.SECONDS), work);
    out.println("Worker JVM flags: " + String.join(" ", flagSets.get(0))
        + (flags == null ? " (the image's, from worker/pom.xml)" : ""));
    try (RecordingOllama ollama = new RecordingOllama()) {
      Fixture fixture = Fixture.write(repo.resolve("examples/excel-tasks-extracted.json"),
          repo.resolve("examples/shop-app"), maxFileKib * 1024L, work.resolve("fixture"), ollama.url());
      out.printf(Locale.ROOT, "Tasks: %d of the %d in examples/ have every file <= %d KiB (%d left out)%n",
          fixture.tasks().size(), fixture.tasks().size() + fixture.skipped(), maxFileKib, fixture.skipped());
      Path logs = Files.createDirectories(work.resolve("logs"));
      if (sections.contains(Section.OVERHEAD)) {
        overhead(new OverheadProbe(ollama, logs), fixture, flagSets, workerJar);
      }
      if (sections.contains(Section.HASHING)) {
        hashing(work, flagSets);
      }
      if (sections.contains(Section.START)) {
        start(new StartProbe(ollama, logs), fixture, flagSets, workerJar);
      }
    }
    out.println(allMet ? "All targets met." : "Some targets MISSED (see above).");
    return allMet ? 0 : 1;
  }

  private void overhead(OverheadProbe probe, Fixture fixture, List<List<String>> flagSets, Path workerJar)
      throws Exception {
    List<TaskSpec> tasks = fixture.tasks();
    Path configDir = fixture.configDir("all", tasks);
    out.printf(Locale.ROOT, "%n== Per-task overhead outside the LLM calls, %d tasks (target: median <= %.0f ms) ==%n",
        tasks.size(), OVERHEAD_TARGET_MS);
    out.println("  a task's window: from the previous task's signed statement (or Ollama's model list) to its own;"
        + " its overhead: the window minus the time the stand-in held its chats (so the worker's HTTP client counts"
        + " as overhead); CPU: all the worker's threads from one statement to the next");
    for (int i = 0; i < flagSets.size(); i++) {
      List<String> java = java(flagSets.get(i));
      out.println(" java -jar worker.jar " + String.join(" ", flagSets.get(i)) + "   load " + load());
      List<List<TaskCost>> runs = new ArrayList<>();
      for (int run = 1; run <= coldRuns; run++) {
        List<String> command = new ArrayList<>(java);
        command.addAll(List.of("-jar", workerJar.toString()));
        command.addAll(fixture.workerArguments(configDir));
        runs.add(probe.cold(command, tasks.size(), "overhead-" + i + "-cold-" + run));
      }
      cold(runs, "fresh processes", true);
      if (warmRuns < 1) {
        continue;
      }
      List<TaskCost> warm = probe.warm(java, benchJar(), fixture.workerArguments(configDir), warmRuns, tasks.size(),
          "overhead-" + i + "-warm");
      Spread w = Spread.ofNanos(warm.stream().map(TaskCost::overheadNanos).toList());
      out.printf(Locale.ROOT, "  warm, the last of %d runs in one JVM: median %.1f ms, p90 %.1f ms, max %.1f ms;"
              + " CPU per task: median %.1f ms  %s%n", warmRuns, w.medianMs(), w.p90Ms(), w.maxMs(),
          // The first task's CPU window would reach back into the run before it.
          Spread.ofNanos(warm.subList(1, warm.size()).stream().map(TaskCost::cpuNanos).toList()).medianMs(),
          verdict(w.medianMs() <= OVERHEAD_TARGET_MS));
      outsideCalls(List.of(warm));
    }
    if (image != null) {
      out.println(" image " + image + " under podman (its own JVM flags, 1 CPU, 512 MiB)   load " + load());
      WorkerImage worker = WorkerImage.of(image);
      List<List<TaskCost>> runs = new ArrayList<>();
      for (int run = 1; run <= coldRuns; run++) {
        String container = WorkerImage.containerName("overhead-" + run);
        try {
          runs.add(probe.cold(worker.command(fixture, configDir, container), tasks.size(), "overhead-image-" + run));
        } finally {
          WorkerImage.podman("rm", "-f", container);
        }
      }
      // The CPU read is podman's, not the container's: left out.
      cold(runs, "fresh containers of the image", false);
    }
  }

  /** Prints the figures of fresh processes, each of which ran the whole slice once. */
  private void cold(List<List<TaskCost>> runs, String what, boolean withCpu) {
    List<Long> overheads = new ArrayList<>();
    List<Long> cpu = new ArrayList<>();
    List<String> firsts = new ArrayList<>();
    for (List<TaskCost> costs : runs) {
      costs.forEach(c -> overheads.add(c.overheadNanos()));
      costs.stream().filter(c -> c.cpuNanos() >= 0).forEach(c -> cpu.add(c.cpuNanos()));
      firsts.add(String.format(Locale.ROOT, "%.0f", costs.get(0).overheadNanos() / 1e6));
    }
    Spread c = Spread.ofNanos(overheads);
    out.printf(Locale.ROOT, "  cold, %d %s: median %.1f ms, p90 %.1f ms, max %.0f ms (the first task of"
            + " each: %s ms)%s  %s%n", runs.size(), what, c.medianMs(), c.p90Ms(), c.maxMs(), String.join(", ", firsts),
        withCpu ? String.format(Locale.ROOT, "; CPU per task: median %.1f ms", Spread.ofNanos(cpu).medianMs()) : "",
        verdict(c.medianMs() <= OVERHEAD_TARGET_MS));
    outsideCalls(runs);
  }

  /**
   * Where the overhead goes: the part outside the calls as the worker timed them (its records'
   * {@code duration_ms}), so without its HTTP client's part of the exchanges, which the overhead
   * above counts. Printed for a closer look, not as the target's figure.
   */
  private void outsideCalls(List<List<TaskCost>> runs) {
    List<TaskCost> all = runs.stream().flatMap(List::stream).toList();
    Spread outside = Spread.ofNanos(all.stream().map(TaskCost::outsideCallsNanos).toList());
    Spread client = Spread.ofNanos(all.stream().map(c -> c.callsNanos() - c.llmNanos()).toList());
    out.printf(Locale.ROOT, "    of which outside the calls as the worker timed them (files, hashing, prompts,"
        + " parsing, diffs, the record and its statement): median %.1f ms; inside them but not held by the"
        + " stand-in (the HTTP client; whole ms, up to 1 ms short a call): median %.1f ms%n", outside.medianMs(),
        client.medianMs());
  }

  private void hashing(Path work, List<List<String>> flagSets) throws Exception {
    Path file = work.resolve("hash-input.bin");
    // Random bytes from the kernel, as binary as an input file can be.
    Process head = new ProcessBuilder("head", "-c", Long.toString((long) hashMib << 20), "/dev/urandom")
        .redirectOutput(file.toFile()).start();
    if (head.waitFor() != 0) {
      throw new IOException("could not write " + file);
    }
    out.printf(Locale.ROOT, "%n== Hashing a %d MiB file, page-cached (target: Hashes.digest >= %.2f x sha256sum's"
        + " throughput) ==%n", hashMib, HASH_TARGET_RATIO);
    out.printf(Locale.ROOT, "  CPU SHA extensions (sha_ni): %s; JVM UseSHA=%s (its SHA-256 intrinsic serves"
        + " C2-compiled code only)   load %s%n", cpuHasShaNi() ? "yes" : "no", vmOption("UseSHA"), load());
    List<Double> tool = new ArrayList<>();
    String toolSha = null;
    for (int i = 0; i < 3; i++) {
      long t = System.nanoTime();
      toolSha = TimedProcess.output(List.of("sha256sum", file.toString())).split(" ")[0];
      tool.add((System.nanoTime() - t) / 1e9);
    }
    double toolSeconds = median(tool);
    out.printf(Locale.ROOT, "  sha256sum: %s s, median %.0f MiB/s%n", seconds(tool), hashMib / toolSeconds);
    for (List<String> set : flagSets) {
      hashPasses(file, set, toolSha, toolSeconds, null);
    }
    // The same flags with C2 allowed, or with C1 only: what the worker's choice gives or costs.
    List<String> other = flagSets.get(0).stream().filter(f -> !f.startsWith("-XX:TieredStopAtLevel")).toList();
    boolean c1Only = other.equals(flagSets.get(0));
    if (c1Only) {
      other = new ArrayList<>(other);
      other.add("-XX:TieredStopAtLevel=1");
    }
    hashPasses(file, other, toolSha, toolSeconds, c1Only ? "C1 only" : "C2 allowed");
    Files.delete(file);
  }

  /**
   * Digests the file in a fresh JVM with {@code flags} and prints the first pass and the later ones.
   *
   * @param comparison null for flags measured against the target, else what they are shown for
   */
  private void hashPasses(Path file, List<String> flags, String toolSha, double toolSeconds, String comparison)
      throws Exception {
    boolean target = comparison == null;
    List<String> command = new ArrayList<>(java(flags));
    command.addAll(List.of("-cp", benchJar().toString(), HashTiming.class.getName(), file.toString(),
        Integer.toString(hashPasses)));
    List<Double> passes = new ArrayList<>();
    for (String line : TimedProcess.output(command).split("\n")) {
      String[] fields = line.split(" ");
      if (line.startsWith(HashTiming.PREFIX)) {
        if (!fields[3].equals(toolSha)) {
          throw new IllegalStateException("Hashes.digest gave SHA-256 " + fields[3] + ", sha256sum " + toolSha);
        }
        passes.add(Double.parseDouble(fields[2]));
      }
    }
    double first = passes.get(0);
    List<Double> later = passes.subList(1, passes.size());
    out.printf(Locale.ROOT, "  Hashes.digest (MD5 + SHA-256 + UTF-8 check, one pass), %s: later passes %s s, %.2f x;"
            + " first pass in a fresh JVM %.2f s = %.0f MiB/s, %.2f x sha256sum%s%n",
        (target ? "flags " : "for comparison, " + comparison + ": ") + String.join(" ", flags), seconds(later),
        toolSeconds / median(later), first, hashMib / first, toolSeconds / first,
        target ? "  " + verdict(toolSeconds / first >= HASH_TARGET_RATIO) : "");
  }

  private void start(StartProbe probe, Fixture fixture, List<List<String>> flagSets, Path workerJar)
      throws Exception {
    Path configDir = fixture.configDir("one", fixture.tasks().subList(0, 1));
    out.printf(Locale.ROOT, "%n== Worker start to its first request, GET /api/tags (target: <= %.0f s) ==%n",
        START_TARGET_S);
    for (int i = 0; i < flagSets.size(); i++) {
      List<String> java = java(flagSets.get(i));
      String label = "java -jar worker.jar " + String.join(" ", flagSets.get(i));
      hostStarts(probe, java, workerJar, fixture, configDir, label, "start-" + i);
      if (i == 0) {
        // What class-data sharing gives on the host: an archive dumped by one run of the same jar and flags.
        Path archive = configDir.resolveSibling("worker-host.jsa");
        Files.deleteIfExists(archive);
        List<String> training = new ArrayList<>(java);
        training.add("-XX:ArchiveClassesAtExit=" + archive);
        training.addAll(List.of("-jar", workerJar.toString()));
        training.addAll(fixture.workerArguments(configDir));
        probe.host(training, "start-archive-training");
        List<String> shared = new ArrayList<>(java);
        shared.add("-XX:SharedArchiveFile=" + archive);
        hostStarts(probe, shared, workerJar, fixture, configDir, label + " -XX:SharedArchiveFile=<archive of one run>",
            "start-archive");
      }
    }
    if (image != null) {
      List<Double> fromRun = new ArrayList<>();
      List<Double> fromStart = new ArrayList<>();
      String loadBefore = load();
      for (int n = 1; n <= starts; n++) {
        double[] t = probe.image(WorkerImage.of(image), fixture, configDir, "image-start-" + n);
        fromRun.add(t[0]);
        fromStart.add(t[1]);
      }
      out.printf(Locale.ROOT, "  image %s under podman (its own JVM flags, 1 CPU, 512 MiB), from podman run: %s s,"
              + " median %.2f s%n",
          image, seconds(fromRun), median(fromRun));
      out.printf(Locale.ROOT, "  image, from the container's start (podman's StartedAt; load %s): %s s, median %.2f s"
          + "  %s%n", loadBefore, seconds(fromStart), median(fromStart), verdict(median(fromStart) <= START_TARGET_S));
    }
  }

  private String verdict(boolean met) {
    allMet &= met;
    return met ? "ok" : "MISSED";
  }

  private void hostStarts(StartProbe probe, List<String> java, Path workerJar, Fixture fixture, Path configDir,
      String label, String name) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(java);
    command.addAll(List.of("-jar", workerJar.toString()));
    command.addAll(fixture.workerArguments(configDir));
    List<Double> times = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    String loadBefore = load();
    for (int n = 1; n <= starts; n++) {
      StartProbe.HostStart start = probe.host(command, name + "-" + n);
      times.add(start.seconds());
      cpu.add(start.cpuSeconds());
    }
    out.printf(Locale.ROOT, "  %s (load %s): %s s, median %.2f s (CPU used by then: median %.2f s)  %s%n", label,
        loadBefore, seconds(times), median(times), median(cpu), verdict(median(times) <= START_TARGET_S));
  }

  /** The {@code <jvmFlag>}s of the Jib configuration: what the image's entrypoint passes to java. */
  static List<String> imageFlags(Path pom) throws IOException {
    Matcher m = Pattern.compile("<jvmFlag>([^<]+)</jvmFlag>").matcher(Files.readString(pom));
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(1).strip());
    }
    if (found.isEmpty()) {
      throw new IllegalStateException(pom + " names no <jvmFlag>");
    }
    return found;
  }

  /**
   * The flags for a java run on this host: a flag whose value is a file the image gets from Jib's
   * extra directory ({@code worker/src/main/jib}, e.g. {@code -XX:CompilerDirectivesFile=/app/x})
   * names that file in the repository instead.
   */
  static List<String> hostFlags(List<String> flags, Path jibDir) {
    List<String> host = new ArrayList<>();
    for (String flag : flags) {
      int eq = flag.indexOf('=');
      String value = eq < 0 ? "" : flag.substring(eq + 1);
      Path inRepo = value.startsWith("/") ? jibDir.resolve(value.substring(1)) : null;
      host.add(inRepo != null && Files.isRegularFile(inRepo)
          ? flag.substring(0, eq + 1) + inRepo.toAbsolutePath().normalize() : flag);
    }
    return host;
  }

  private static List<String> java(List<String> flags) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(flags);
    return command;
  }

  private static Path benchJar() throws Exception {
    return Path.of(WorkerBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static List<String> split(String flags) {
    return Arrays.stream(flags.strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String seconds(List<Double> values) {
    return values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).collect(Collectors.joining(", "));
  }

  /** The 1, 5 and 15 minute load averages. */
  private static String load() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }

  private static String cpuModel() throws IOException {
    return cpuInfo("model name").orElse("unknown CPU");
  }

  private static boolean cpuHasShaNi() throws IOException {
    return cpuInfo("flags").map(f -> Arrays.asList(f.split(" ")).contains("sha_ni")).orElse(false);
  }

  private static Optional<String> cpuInfo(String field) throws IOException {
    return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith(field))
        .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst();
  }

  private static String vmOption(String name) {
    try {
      return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
    } catch (IllegalArgumentException e) {
      return "unknown";
    }
  }
}
