package dev.honest.launcher.attest;

import dev.honest.common.attest.TaskPredicate;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.hash.Hashes;
import dev.honest.common.io.IoProblems;
import dev.honest.common.json.Json;
import dev.honest.common.proof.Dsse;
import dev.honest.common.proof.HashChain;
import dev.honest.common.proof.Keys;
import dev.honest.common.result.InputFile;
import dev.honest.common.result.TaskRecord;
import dev.honest.common.task.TaskSpec;
import dev.honest.common.task.WorkspacePaths;
import dev.honest.common.text.Escaped;
import dev.honest.launcher.attest.RunAttestation.PublicKeyEntry;
import dev.honest.launcher.attest.RunAttestation.WorkerChain;
import dev.honest.worker.prompt.Prompts;
import dev.honest.worker.run.TaskRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code --resume}: which tasks of an earlier run can be carried over instead of run again. A task
 * is carried when it completed there and everything that produced its answer is unchanged: the task
 * itself, the model and the digest Ollama lists for it now, the generation options, the prompt
 * templates' version, and the SHA-256 of every input file, hashed again now. The earlier results must
 * verify (against the key given with {@code --resume-public-key}, else the one they name); what is
 * carried keeps the statements, chains and keys it was signed with.
 */
public final class Resume {
  private Resume() {}

  /**
   * The outcome.
   *
   * @param fromRun the earlier run
   * @param carried what is carried over
   * @param rerun each task that runs again, with why
   */
  public record Selection(String fromRun, Carried carried, Map<String, String> rerun) {}

  /**
   * Earlier results that verify, ready to be resumed from.
   *
   * @param file where they were read from
   * @param results their JSON
   * @param verified what {@link Verifier} found: nothing wrong
   * @param keyInside checked against the public key the results name, no key having been given
   */
  public record Previous(Path file, JsonNode results, Verifier.Verification verified, boolean keyInside) {}

  /**
   * Reads and verifies the results file {@code file}.
   *
   * @param trusted the earlier run's public key as got elsewhere, or null to trust the one the file names
   * @param trustedFrom the file {@code trusted} was read from (null without it), named in messages
   * @throws IllegalArgumentException when it is not JSON, is signed with another key than
   *     {@code trusted}, or does not verify (nothing is carried from results that do not hold)
   */
  public static Previous read(Path file, PublicKey trusted, Path trustedFrom) throws IOException {
    JsonNode results;
    try {
      results = Json.mapper().readTree(Files.readAllBytes(file));
    } catch (JacksonException e) {
      throw new IllegalArgumentException("--resume " + file + " is not JSON: " + e.getOriginalMessage());
    }
    String keyId = results.path("attestation").path("key_id").asString("");
    if (trusted != null && !keyId.isEmpty() && !keyId.equals(Keys.keyId(trusted))) {
      // key_id is a member nothing signs, and the first problem may quote another: each shown on one line.
      throw new IllegalArgumentException("--resume " + file + " is signed with key " + Escaped.oneLine(keyId)
          + ", not with the key"
          + " of --resume-public-key " + trustedFrom + " (" + Keys.keyId(trusted) + "), so nothing can be carried"
          + " over from it");
    }
    Verifier.Verification verified = Verifier.verify(results, trusted, null);
    if (!verified.holds()) {
      throw new IllegalArgumentException("--resume " + file + " does not verify, so nothing can be carried"
          + " over from it (" + verified.problems().size() + " problem(s), the first: " + Escaped.oneLine(verified.problems().get(0))
          + "); see `launcher verify --results " + file + (trusted == null ? "" : " --public-key " + trustedFrom)
          + "`");
    }
    return new Previous(file, results, verified, trusted == null);
  }

  /**
   * Chooses the tasks to carry over from {@code previous}.
   *
   * @param tasks every task of the new run
   * @param config the new run's models and generation options
   * @param modelDigests each model's digest as the new run's Ollama lists it; a model its servers list
   *     with different digests is absent (its tasks run again)
   */
  public static Selection select(Previous previous, List<TaskSpec> tasks, Path workspace, WorkerConfig config,
      Map<String, String> modelDigests) throws IOException {
    JsonNode results = previous.results();
    Verifier.Verification verified = previous.verified();
    JsonNode records = results.path("tasks");
    JsonNode proofs = results.path("attestation").path("tasks");
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      index.put(records.get(i).path("id").asString(), i);
    }
    List<TaskRecord> carried = new ArrayList<>();
    List<Dsse.Envelope> statements = new ArrayList<>();
    Map<String, String> rerun = new LinkedHashMap<>();
    for (TaskSpec spec : tasks) {
      Integer i = index.get(spec.id());
      Optional<String> why = i == null ? Optional.of("not in run " + verified.runId())
          : !"completed".equals(records.get(i).path("status").asString())
              ? Optional.of("not completed in run " + verified.runId())
              : changed(spec, verified.predicates().get(spec.id()), workspace, config, modelDigests);
      if (why.isPresent()) {
        rerun.put(spec.id(), why.get());
        continue;
      }
      TaskPredicate signed = verified.predicates().get(spec.id());
      carried.add(Json.mapper().treeToValue(records.get(i), TaskRecord.class).carriedOver(signed.runId()));
      statements.add(Dsse.Envelope.fromJson(proofs.get(i).path("envelope")));
    }
    return new Selection(verified.runId(),
        new Carried(carried, statements, chainsHolding(results, statements), keysSigning(results, statements)),
        rerun);
  }

  /** What differs between the task now and what produced its signed record, if anything. */
  private static Optional<String> changed(TaskSpec spec, TaskPredicate signed, Path workspace, WorkerConfig config,
      Map<String, String> modelDigests) throws IOException {
    if (!signed.task().equals(spec)) {
      return Optional.of("the task changed");
    }
    String model = TaskRunner.modelFor(spec, config);
    if (!model.equals(signed.model())) {
      return Optional.of("model " + model + " instead of " + signed.model());
    }
    String digest = modelDigests.get(model);
    if (digest == null) {
      return Optional.of("model " + model + " has no single digest on this run's Ollama now (its servers list"
          + " different ones), was " + signed.modelDigest());
    }
    if (!digest.equals(signed.modelDigest())) {
      return Optional.of("model " + model + " is now " + digest + ", was " + signed.modelDigest());
    }
    if (!signed.options().equals(config.options())) {
      return Optional.of("generation options " + config.options() + ", were " + signed.options());
    }
    if (!signed.promptVersion().equals(Prompts.PROMPT_VERSION)) {
      return Optional.of("prompt templates version " + Prompts.PROMPT_VERSION + ", was " + signed.promptVersion());
    }
    for (InputFile in : signed.inputs()) {
      Optional<String> problem = WorkspacePaths.problem(workspace, in.path());
      if (problem.isPresent()) {
        return problem;
      }
      String now;
      try {
        now = Hashes.digest(workspace.resolve(in.path())).sha256();
      } catch (IOException e) {
        // The task runs again, and its worker reports it failed with why the file cannot be read.
        return Optional.of("input " + in.path() + " cannot be read: " + IoProblems.why(e));
      }
      if (!now.equals(in.sha256())) {
        return Optional.of("input " + in.path() + " changed");
      }
    }
    return Optional.empty();
  }

  /** The earlier chains that hold a carried statement. */
  private static List<WorkerChain> chainsHolding(JsonNode results, List<Dsse.Envelope> statements) {
    Set<String> carried = new HashSet<>();
    statements.forEach(s -> carried.add(HashChain.hash(s.payload())));
    List<WorkerChain> chains = new ArrayList<>();
    for (JsonNode chain : results.path("attestation").path("chains")) {
      for (JsonNode envelope : chain.path("envelopes")) {
        if (carried.contains(HashChain.hash(Dsse.Envelope.fromJson(envelope).payload()))) {
          chains.add(Json.mapper().treeToValue(chain, WorkerChain.class));
          break;
        }
      }
    }
    return chains;
  }

  /** The earlier keys that signed a carried statement. */
  private static List<PublicKeyEntry> keysSigning(JsonNode results, List<Dsse.Envelope> statements) {
    Set<String> signers = new HashSet<>();
    statements.forEach(s -> s.signatures().forEach(sig -> signers.add(sig.keyid())));
    List<PublicKeyEntry> keys = new ArrayList<>();
    for (JsonNode key : results.path("attestation").path("public_keys")) {
      PublicKeyEntry entry = Json.mapper().treeToValue(key, PublicKeyEntry.class);
      if (signers.contains(entry.keyId())) {
        keys.add(entry);
      }
    }
    return keys;
  }
}
