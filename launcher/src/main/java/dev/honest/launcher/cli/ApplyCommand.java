package dev.honest.launcher.cli;

import dev.honest.launcher.apply.FixApplier;
import dev.honest.launcher.results.ClusterResults;
import dev.honest.launcher.results.ResultsFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;

/** {@code apply}: put the changes of completed fix tasks into a workspace, where the proof still holds. */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = {"Apply the changes of the completed fix tasks in a results file to a workspace.",
        "A file is written only if it still has the recorded sha256_before and the",
        "patched content has the recorded sha256_after; every other file is refused",
        "with the reason, one line each, and the rest is still applied."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every change applied (or there was none)", "1:some changes refused",
        "2:invalid input: results file or workspace"})
public final class ApplyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--results", paramLabel = "FILE", required = true,
      description = "The run's k8s-cluster-results.json.")
  Path results;

  @Option(names = "--workspace", paramLabel = "DIR", required = true,
      description = "The directory the tasks' file paths are relative to.")
  Path workspace;

  @Option(names = "--dry-run", description = "Check and patch in memory only; write nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ClusterResults run = read(results);
    if (!Files.isDirectory(workspace)) {
      throw LauncherException.invalidInput("workspace " + workspace + " does not exist or is not a directory");
    }
    List<FixApplier.Outcome> outcomes = new FixApplier(workspace, dryRun).apply(run.tasks());
    outcomes.forEach(o -> out.println(o.describe(dryRun)));
    long applied = outcomes.stream().filter(FixApplier.Outcome::applied).count();
    long refused = outcomes.size() - applied;
    if (outcomes.isEmpty()) {
      out.println("No completed fix task with changes in " + results + "; nothing to apply.");
    } else {
      out.println((dryRun ? "Dry run: would apply " : "Applied ") + applied + " of " + outcomes.size()
          + " changes; refused " + refused + "." + (dryRun ? " Nothing was written." : ""));
    }
    out.flush();
    return refused == 0 ? 0 : 1;
  }

  private static ClusterResults read(Path file) {
    try {
      return ResultsFiles.readResults(file);
    } catch (IOException e) {
      throw LauncherException.invalidInput("cannot read results file " + file + ": " + e.getMessage());
    } catch (JacksonException e) {
      throw LauncherException.invalidInput("results file " + file + " is not a valid k8s-cluster-results.json: "
          + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw LauncherException.invalidInput(e.getMessage());
    }
  }
}
