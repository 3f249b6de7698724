package dev.honest.launcher.cli;

import dev.honest.common.config.Plan;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.export.Patches;
import dev.honest.launcher.export.Sarif;
import dev.honest.launcher.results.Aggregator;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.CostSettings;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.SummaryTable;
import dev.honest.launcher.results.WorkerOutcome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The end of every run, local or on a cluster: results, SARIF and patch files, summary, exit code. */
final class Outputs {
  private Outputs() {}

  static int finish(PrintWriter out, Plan plan, List<TaskSpec> tasks, List<WorkerOutcome> outcomes,
      Instant start, Instant end, Path output, CostSettings prices) throws IOException {
    ClusterResults results = new Aggregator(prices).aggregate(plan, tasks, outcomes, start, end);
    Path file = ResultsFiles.writeResults(output, results);
    Path sarif = Sarif.write(output, results);
    List<Path> patches = Patches.write(output, results);
    out.println();
    out.print(SummaryTable.render(results));
    out.println("Results: " + file + " (worker logs: " + output.resolve("k8s-worker-N-log.txt") + ")");
    out.println("SARIF: " + sarif + (patches.isEmpty() ? "" : "; patches of " + patches.size() + " fix task(s) in "
        + output.resolve(Patches.DIRECTORY)));
    out.flush();
    return results.allCompleted() ? 0 : 1;
  }
}
