package dev.honest.launcher.cli;

import dev.honest.common.config.WorkerConfig;
import dev.honest.common.io.IoProblems;
import dev.honest.common.task.TaskSpec;
import dev.honest.common.text.Escaped;
import dev.honest.launcher.attest.Carried;
import dev.honest.launcher.attest.Resume;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --resume PREVIOUS_RESULTS} and {@code --resume-public-key FILE} of {@code run} and {@code local}. */
final class ResumeOption {
  @Option(names = "--resume", paramLabel = "PREVIOUS_RESULTS",
      description = "Results file of an earlier run: its completed tasks whose task, input files, model and model"
          + " digest (as the run's Ollama lists it now), generation options and prompt templates are unchanged"
          + " are carried over with their signed proof (marked carried_from); only the rest run. The file must"
          + " verify.")
  Path previous;

  @Option(names = "--resume-public-key", paramLabel = "FILE",
      description = "With --resume: the earlier run's public key (PEM), got independently of its results file;"
          + " results signed with another key are refused. Without it the key inside that file is used.")
  Path publicKey;

  /**
   * Reads and verifies the earlier results at once, before anything is deployed or run; null
   * without {@code --resume}. With {@code --resume-public-key} they must be signed with that key.
   */
  Resume.Previous read() {
    if (previous == null) {
      if (publicKey != null) {
        throw LauncherException.invalidInput("--resume-public-key " + publicKey + " is only meaningful with --resume");
      }
      return null;
    }
    PublicKey trusted = publicKey == null ? null : PublicKeyOption.read("--resume-public-key", publicKey);
    try {
      return Resume.read(previous, trusted, publicKey);
    } catch (NoSuchFileException e) {
      throw LauncherException.invalidInput("--resume " + previous + ": no such file");
    } catch (IOException e) {
      throw LauncherException.invalidInput("--resume " + previous + ": cannot read it: " + IoProblems.why(e));
    } catch (IllegalArgumentException e) {
      throw LauncherException.invalidInput(e.getMessage());
    }
  }

  /** What to carry over from {@code earlier} ({@link Carried#NONE} when null), printing what it decided. */
  static Carried select(Resume.Previous earlier, List<TaskSpec> tasks, Path workspace, WorkerConfig config,
      Map<String, String> modelDigests, PrintWriter out) throws IOException {
    if (earlier == null) {
      return Carried.NONE;
    }
    Resume.Selection selection = Resume.select(earlier, tasks, workspace, config, modelDigests);
    if (selection.fromRun().equals(config.runId())) {
      // Run ids have a resolution of one second; two runs with one id could not be told apart.
      throw LauncherException.invalidInput("--resume " + earlier.file() + " is of run " + config.runId()
          + ", the id this run got too (it started within the same second): start it again");
    }
    out.println("↩️ Resuming run " + selection.fromRun() + ": " + selection.carried().records().size()
        + " task(s) carried over, " + selection.rerun().size() + " to run");
    if (earlier.keyInside()) {
      // As verify notes it without --public-key; key_id is a member nothing signs.
      out.println("note: --resume " + earlier.file() + " was checked against the public key inside it ("
          + Escaped.oneLine(earlier.results().path("attestation").path("key_id").asString("")) + "); pass"
          + " --resume-public-key with the earlier run's key to rule out results signed again with another key");
    }
    // The id, and the model or path a reason names, are text of the task file: each shown on one line.
    selection.rerun().forEach((id, why) -> out.println("   " + Escaped.oneLine(id) + ": " + Escaped.oneLine(why)));
    out.flush();
    return selection.carried();
  }

  /** The tasks that still have to run. */
  static List<TaskSpec> toRun(List<TaskSpec> tasks, Carried carried) {
    List<String> done = carried.taskIds();
    return tasks.stream().filter(t -> !done.contains(t.id())).toList();
  }
}
