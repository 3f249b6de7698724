package dev.honest.launcher.cli;

import dev.honest.common.config.Plan;
import dev.honest.common.task.TaskSpec;
import dev.honest.launcher.results.Aggregator;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.ResultsFiles;
import dev.honest.launcher.results.SummaryTable;
import dev.honest.launcher.results.WorkerOutcome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The end of every run, local or on a cluster: results file, summary, exit code. */
final class Outputs {
  private Outputs() {}

  static int finish(PrintWriter out, Plan plan, List<TaskSpec> tasks, List<WorkerOutcome> outcomes,
      Instant start, Instant end, TaskOptions task) throws IOException {
    return finish(out, plan, tasks, outcomes, start, end, task.output, task.prices.settings());
  }

  static int finish(PrintWriter out, Plan plan, List<TaskSpec> tasks, List<WorkerOutcome> outcomes,
      Instant start, Instant end, Path output, dev.honest.launcher.results.CostSettings prices) throws IOException {
    ClusterResults results = new Aggregator(prices).aggregate(plan, tasks, outcomes, start, end);
    Path file = ResultsFiles.writeResults(output, results);
    out.println();
    out.print(SummaryTable.render(results));
    out.println("Results: " + file + " (worker logs: " + output.resolve("k8s-worker-N-log.txt") + ")");
    out.flush();
    return results.allCompleted() ? 0 : 1;
  }
}
