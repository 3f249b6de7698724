package dev.honest.launcher.cli;

import dev.honest.common.text.Escaped;
import dev.honest.launcher.attest.Verifier;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code verify}: check a results file offline, with no cluster and no Ollama. */
@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = LauncherCommand.Version.class,
    description = {"Check k8s-cluster-results.json offline, with no cluster and no Ollama.",
        "Checks every signature, every worker's chain, the Merkle root, that each task",
        "record is the one its statement signed, the counts, and (with --workspace) that",
        "every input file still has its recorded SHA-256. Prints each problem on its own",
        "line (control characters in it escaped, e.g. \\n)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:everything holds", "1:a problem was found (each is printed)",
        "2:the file or the key cannot be read, the file holds no JSON object, or --workspace is not a directory"})
public final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--results", paramLabel = "FILE", required = true,
      description = "The results file, e.g. results/k8s-cluster-results.json.")
  Path results;

  @Option(names = "--workspace", paramLabel = "DIR",
      description = "Also hash every input file again in DIR and compare with the signed digests.")
  Path workspace;

  @Mixin PublicKeyOption publicKey;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    JsonNode json = ResultsInput.read(results);
    PublicKey trusted = publicKey.read();
    if (workspace != null && !Files.isDirectory(workspace)) {
      throw LauncherException.invalidInput(TaskOptions.notADirectory("--workspace", workspace));
    }
    Verifier.Verification v = Verifier.verify(json, trusted, workspace);
    // One line each: a problem may quote members of the file that nothing signs.
    v.notes().forEach(n -> out.println("note: " + Escaped.oneLine(n)));
    v.problems().forEach(p -> out.println("❌ " + Escaped.oneLine(p)));
    if (v.holds()) {
      out.println("✅ " + results + " holds: run " + Escaped.oneLine(v.runId()) + ", "
          + json.path("tasks").size() + " task(s), " + json.path("attestation").path("chains").size()
          + " chain(s), Merkle root "
          + json.path("attestation").path("merkle_root").asString() + ", signed by "
          + json.path("attestation").path("key_id").asString()
          + (workspace == null ? "; input files not checked (no --workspace)" : "; every input file unchanged"));
    } else {
      out.println("❌ " + v.problems().size() + " problem(s) in " + results);
    }
    out.flush();
    return v.holds() ? 0 : 1;
  }
}
