package dev.honest.launcher.cli;

import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.proof.Keys;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.export.Patches;
import dev.honest.launcher.export.Sarif;
import dev.honest.launcher.attest.Carried;
import dev.honest.launcher.attest.RunSigner;
import dev.honest.launcher.results.Aggregator;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.CostSettings;
import dev.honest.launcher.results.LogReader;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.SummaryTable;
import dev.honest.launcher.results.WorkerOutcome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The end of every run, local or on a cluster: signed results, SARIF and patch files, public key,
 * summary, exit code; worker logs an earlier run left for workers this run does not have are removed.
 */
final class Outputs {
  private Outputs() {}

  /**
   * @param claimedBy which worker claimed each task, when the workers shared claims (else empty)
   * @param reader reads the workers' logs, some of them perhaps already read as their workers ended
   *     or as they were fetched
   */
  static int finish(PrintWriter out, Plan plan, List<TaskSpec> tasks, List<WorkerOutcome> outcomes,
      Map<String, Integer> claimedBy, Instant start, Instant end, Path output, CostSettings prices, RunSigner signer,
      Carried carried, LogReader reader) throws IOException {
    ClusterResults results = new Aggregator(prices, signer)
        .aggregate(plan, tasks, outcomes, claimedBy, start, end, carried, reader);
    Path file = ResultsFiles.writeResults(output, results);
    ResultsFiles.removeOtherLogs(output, plan.workers().stream().map(WorkerSlice::index).collect(Collectors.toSet()));
    Path publicKey = output.resolve(ResultsFiles.PUBLIC_KEY_FILE);
    Keys.writePublicKey(signer.publicKey(), publicKey);
    Path sarif = Sarif.write(output, results);
    List<Path> patches = Patches.write(output, results);
    out.println();
    out.print(SummaryTable.render(results));
    out.println("Results: " + file + " (worker logs: " + output.resolve("k8s-worker-N-log.txt") + ")");
    out.println("SARIF: " + sarif + (patches.isEmpty() ? "" : "; patches of " + patches.size() + " fix task(s) in "
        + output.resolve(Patches.DIRECTORY)));
    int omitted = Sarif.omitted(results);
    if (omitted > 0) {
      out.println("⚠ The SARIF file holds the " + Sarif.MAX_RESULTS + " most severe findings and leaves out " + omitted
          + ": GitHub code scanning refuses a run of more. Every finding is in " + file);
    }
    out.println("🔏 Signed with the run's Ed25519 key " + signer.keyId() + " (public key: " + publicKey + ")");
    out.println("   Check offline: java -jar launcher/target/launcher.jar verify --results " + file
        + " --public-key " + publicKey + " --workspace DIR");
    out.flush();
    return results.allCompleted() ? 0 : 1;
  }
}
