package dev.honest.bench.scale;

import dev.honest.bench.makespan.TaskSets;
import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.hash.FileDigest;
import dev.honest.common.hash.Hashes;
import dev.honest.common.result.CallRecord;
import dev.honest.common.result.Finding;
import dev.honest.common.result.InputFile;
import dev.honest.common.result.ResultLines;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.result.TaskStatus;
import dev.honest.common.task.TaskFileReader;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.plan.Planner;
import dev.honest.launcher.render.RenderException;
import dev.honest.launcher.render.Renderer;
import dev.honest.launcher.render.RunSettings;
import dev.honest.launcher.results.Aggregator;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.CostSettings;
import dev.honest.launcher.results.PodOutcome;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.WorkerOutcome;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The launcher's and worker's own costs at scale, each timed in this JVM after a warm-up: hashing
 * (against {@code sha256sum} and {@code md5sum} on the same file), and reading, planning, rendering
 * and aggregating a run of many tasks (10,000 by default, from {@code examples/}).
 */
@Command(name = "bench-scale", mixinStandardHelpOptions = true,
    description = "Times hashing and the plan, render and aggregate steps of a large run.")
public final class ScaleBench implements Callable<Integer> {
  @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".", description = "Repository root. Default: .")
  Path repo;

  @Option(names = "--tasks", defaultValue = "10000", description = "Tasks in the run. Default: ${DEFAULT-VALUE}")
  int tasks;

  @Option(names = "--workers", defaultValue = "50", description = "Workers. Default: ${DEFAULT-VALUE}")
  int workers;

  @Option(names = "--hash-mib", defaultValue = "512", description = "Size of the hashed file. Default: ${DEFAULT-VALUE}")
  int hashMib;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScaleBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path work = Files.createTempDirectory("bench-scale-");
    out.println("Work directory: " + work);
    hashing(work);
    run(work);
    return 0;
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
    out.printf(Locale.ROOT, "%n%d tasks, %d workers (each step run twice; the second is timed):%n", tasks, workers);
    List<TaskSpec> specs = null;
    Plan plan = null;
    for (int round = 1; round <= 2; round++) {
      long t = System.nanoTime();
      specs = TaskFileReader.read(set.tasksFile(), set.workspace());
      double read = seconds(t);
      t = System.nanoTime();
      plan = new Planner().plan("bench", specs, set.workspace(), workers, GenerationOptions.DEFAULTS);
      double planned = seconds(t);
      if (round == 2) {
        out.printf(Locale.ROOT, "  read and validate the task file: %.2f s; plan: %.2f s%n", read, planned);
      }
    }
    for (int round = 1; round <= 2; round++) {
      long t = System.nanoTime();
      String outcome;
      try {
        RunSettings settings = RunSettings.builder("bench", "registry.example/worker:1").workers(workers).build();
        outcome = new Renderer().render(settings, specs, set.workspace()).jobs().size() + " Jobs";
      } catch (RenderException e) {
        outcome = "refused: " + e.getMessage();
      }
      if (round == 2) {
        out.printf(Locale.ROOT, "  render: %.2f s, %s%n", seconds(t),
            outcome.length() > 160 ? outcome.substring(0, 160) + "…" : outcome);
      }
    }
    List<WorkerOutcome> outcomes = logs(specs, plan, set.workspace());
    for (int round = 1; round <= 2; round++) {
      long t = System.nanoTime();
      // The synthetic logs carry no signed statements: every record counts as lost and is signed by
      // the launcher, so this times the aggregation with its signing and sealing.
      ClusterResults results = new Aggregator(CostSettings.defaults(), new dev.honest.launcher.attest.RunSigner(
          dev.honest.common.proof.SigningKey.generate(), "bench", GenerationOptions.DEFAULTS))
          .aggregate(plan, specs, outcomes, Instant.EPOCH, Instant.EPOCH.plusSeconds(3600),
              dev.honest.launcher.attest.Carried.NONE);
      double aggregated = seconds(t);
      t = System.nanoTime();
      Path file = ResultsFiles.writeResults(work.resolve("results-" + round), results);
      if (round == 2) {
        out.printf(Locale.ROOT, "  aggregate %d records from %d logs (%.0f MB): %.2f s; write %s (%.0f MB): %.2f s%n",
            results.tasks().size(), outcomes.size(), outcomes.stream().mapToLong(o -> o.log().length()).sum() / 1e6,
            aggregated, ResultsFiles.RESULTS_FILE, Files.size(file) / 1e6, seconds(t));
      }
    }
  }

  /** Worker logs with a completed record for every task, as real as the stand-in's: inputs hashed, a call per file. */
  private static List<WorkerOutcome> logs(List<TaskSpec> specs, Plan plan, Path workspace) throws IOException {
    Map<String, TaskSpec> byId = new HashMap<>();
    specs.forEach(s -> byId.put(s.id(), s));
    Instant now = Instant.EPOCH.plusSeconds(60);
    List<WorkerOutcome> outcomes = new ArrayList<>();
    for (WorkerSlice slice : plan.workers()) {
      StringBuilder log = new StringBuilder();
      for (String id : slice.tasks()) {
        TaskSpec t = byId.get(id);
        List<InputFile> inputs = new ArrayList<>();
        List<CallRecord> calls = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (String path : t.files().isEmpty() ? List.of("") : t.files()) {
          if (!path.isEmpty()) {
            FileDigest d = Hashes.digest(workspace.resolve(path));
            inputs.add(new InputFile(path, d.bytes(), d.md5(), d.sha256(), d.binary()));
          }
          String hash = Hashes.sha256Hex((id + path).getBytes(StandardCharsets.UTF_8));
          calls.add(new CallRecord("codellama:7b", "http://ollama-llm-service:11434", path + "#1/1", 200, 1500, 400,
              40_000_000_000L, 41_000, "stop", hash, hash.substring(0, 32), hash, null));
          findings.add(new Finding(path, 12, "high", "A finding in " + path,
              "What is wrong, in two or three sentences of detail as a model writes them.", "What to do about it."));
        }
        log.append("[worker-").append(slice.index()).append("] ✅ ").append(id).append(" completed\n")
            .append(ResultLines.format(new TaskRecord(t.id(), t.title(), t.priority(), t.category(), t.area(),
                t.action(), slice.index(), "pod-" + slice.index(), "node-1", TaskStatus.COMPLETED, null,
                "codellama:7b", Hashes.sha256Hex(new byte[0]), calls.size(), now, now, inputs, calls, findings,
                List.of()))).append('\n');
      }
      outcomes.add(new WorkerOutcome(slice.index(), slice.job(), "succeeded", null,
          List.of(new PodOutcome("pod-" + slice.index(), "node-1", 0, "Completed", null)), log.toString(), 1000));
    }
    return outcomes;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
