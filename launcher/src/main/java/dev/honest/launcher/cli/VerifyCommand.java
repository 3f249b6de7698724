package dev.honest.launcher.cli;

import dev.honest.common.json.Json;
import dev.honest.common.proof.Keys;
import dev.honest.launcher.attest.Verifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** {@code verify}: check a results file offline, with no cluster and no Ollama. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Check k8s-cluster-results.json offline, with no cluster and no Ollama.",
        "Checks every signature, every worker's chain, the Merkle root, that each task",
        "record is the one its statement signed, the counts, and (with --workspace) that",
        "every input file still has its recorded SHA-256. Prints each problem on its own",
        "line."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:everything holds", "1:a problem was found (each is printed)",
        "2:the file or the key cannot be read, or the file holds no JSON object"})
public final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--results", paramLabel = "FILE", required = true,
      description = "The results file, e.g. results/k8s-cluster-results.json.")
  Path results;

  @Option(names = "--workspace", paramLabel = "DIR",
      description = "Also hash every input file again in DIR and compare with the signed digests.")
  Path workspace;

  @Option(names = "--public-key", paramLabel = "FILE",
      description = {"The run's public key (PEM), got independently of the results file (its fingerprint is",
          "printed at the end of the run). Without it the key inside the results file is used."})
  Path publicKey;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    JsonNode json = readResults();
    PublicKey trusted = publicKey == null ? null : readKey();
    if (workspace != null && !Files.isDirectory(workspace)) {
      throw LauncherException.invalidInput("--workspace " + workspace + " is not a directory");
    }
    Verifier.Verification v = Verifier.verify(json, trusted, workspace);
    v.notes().forEach(n -> out.println("note: " + n));
    v.problems().forEach(p -> out.println("❌ " + p));
    if (v.holds()) {
      out.println("✅ " + results + " holds: run " + v.runId() + ", " + json.path("tasks").size() + " task(s), "
          + json.path("attestation").path("chains").size() + " chain(s), Merkle root "
          + json.path("attestation").path("merkle_root").asString() + ", signed by "
          + json.path("attestation").path("key_id").asString()
          + (workspace == null ? "; input files not checked (no --workspace)" : "; every input file unchanged"));
    } else {
      out.println("❌ " + v.problems().size() + " problem(s) in " + results);
    }
    out.flush();
    return v.holds() ? 0 : 1;
  }

  /** The results file as a JSON object; anything else (empty, null, an array, ...) cannot be read as results. */
  private JsonNode readResults() {
    JsonNode json;
    try {
      json = Json.mapper().readTree(Files.readAllBytes(results));
    } catch (NoSuchFileException e) {
      throw LauncherException.invalidInput("--results " + results + ": no such file");
    } catch (IOException e) {
      throw LauncherException.invalidInput("--results " + results + ": cannot read it: " + e.getMessage());
    } catch (JacksonException e) {
      throw LauncherException.invalidInput("--results " + results + " is not JSON: " + e.getOriginalMessage());
    }
    if (json.isMissingNode()) {
      throw LauncherException.invalidInput("--results " + results + " is empty");
    }
    if (!json.isObject()) {
      String what = json.isNull() ? "JSON null" : "a JSON " + json.getNodeType().name().toLowerCase(Locale.ROOT);
      throw LauncherException.invalidInput("--results " + results + " holds " + what + ", not results");
    }
    return json;
  }

  private PublicKey readKey() {
    try {
      return Keys.readPublicKey(publicKey);
    } catch (NoSuchFileException e) {
      throw LauncherException.invalidInput("--public-key " + publicKey + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw LauncherException.invalidInput("--public-key " + publicKey + ": " + e.getMessage());
    }
  }
}
