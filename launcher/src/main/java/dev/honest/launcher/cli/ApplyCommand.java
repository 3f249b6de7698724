package dev.honest.launcher.cli;

import dev.honest.common.json.Json;
import dev.honest.common.text.Escaped;
import dev.honest.launcher.apply.FixApplier;
import dev.honest.launcher.attest.Verifier;
import dev.honest.launcher.results.ClusterResults;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code apply}: put the changes of completed fix tasks into a workspace, only from results that
 * verify and only where the proof still holds.
 */
@Command(name = "apply", mixinStandardHelpOptions = true, versionProvider = LauncherCommand.Version.class,
    description = {"Apply the changes of the completed fix tasks in a results file to a workspace.",
        "First the results file is checked as verify checks it (without --workspace): if",
        "it does not verify, nothing is applied. A file is then written only if it still",
        "has the recorded sha256_before and the patched content has the recorded",
        "sha256_after; every other file is refused with the reason, one line each, and",
        "the rest is still applied."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every change applied (or there was none)", "1:some changes refused",
        "2:invalid input: the results do not verify (nothing applied), or the results file, the key or the"
            + " workspace cannot be read"})
public final class ApplyCommand implements Callable<Integer> {
  /** How many of the problems of results that do not verify are printed; {@code verify} prints them all. */
  static final int PROBLEMS_SHOWN = 5;

  @Spec CommandSpec spec;

  @Option(names = "--results", paramLabel = "FILE", required = true,
      description = "The run's k8s-cluster-results.json.")
  Path results;

  @Option(names = "--workspace", paramLabel = "DIR", required = true,
      description = "The directory the tasks' file paths are relative to.")
  Path workspace;

  @Mixin PublicKeyOption publicKey;

  @Option(names = "--dry-run", description = "Check and patch in memory only; write nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    JsonNode json = ResultsInput.read(results);
    PublicKey trusted = publicKey.read();
    if (!Files.isDirectory(workspace)) {
      throw LauncherException.invalidInput(TaskOptions.notADirectory("--workspace", workspace));
    }
    // No input-hash check: FixApplier checks each file's sha256_before itself.
    verified(Verifier.verify(json, trusted, null), out);
    ClusterResults run = toResults(json);
    List<FixApplier.Outcome> outcomes = new FixApplier(workspace, dryRun).apply(run.tasks());
    // A task id comes from the task file, a refusal may quote the diff: each outcome is shown on its line.
    outcomes.forEach(o -> out.println(Escaped.oneLine(o.describe(dryRun))));
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

  /**
   * Prints the notes of the check; when the results do not verify, prints the first problems on
   * stderr and fails with invalid input, before anything is applied.
   */
  private void verified(Verifier.Verification v, PrintWriter out) {
    v.notes().forEach(n -> out.println("note: " + Escaped.oneLine(n)));
    out.flush();
    if (v.holds()) {
      return;
    }
    PrintWriter err = spec.commandLine().getErr();
    List<String> problems = v.problems();
    problems.stream().limit(PROBLEMS_SHOWN).forEach(p -> err.println("❌ " + Escaped.oneLine(p)));
    if (problems.size() > PROBLEMS_SHOWN) {
      err.println("❌ ... and " + (problems.size() - PROBLEMS_SHOWN) + " more problem(s)");
    }
    err.flush();
    throw LauncherException.invalidInput("the results in " + results + " do not verify (" + problems.size()
        + (problems.size() == 1 ? " problem" : " problems") + "), so nothing was applied; `verify --results "
        + results + (publicKey.file == null ? "" : " --public-key " + publicKey.file) + "` lists every problem");
  }

  /** The verified JSON as results; members nothing signs (costs, problems) may still be of the wrong kind. */
  private ClusterResults toResults(JsonNode json) {
    try {
      return Json.mapper().treeToValue(json, ClusterResults.class);
    } catch (JacksonException e) {
      throw LauncherException.invalidInput("results file " + results + " is not a valid k8s-cluster-results.json: "
          + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw LauncherException.invalidInput("results file " + results + " is not a valid k8s-cluster-results.json: "
          + e.getMessage());
    }
  }
}
