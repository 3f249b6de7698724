package dev.honest.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.honest.common.json.Json;
import dev.honest.launcher.SmallProject;
import dev.honest.launcher.UnreadableFile;
import dev.honest.common.proof.Dsse;
import dev.honest.common.proof.Keys;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.proof.Statement;
import dev.honest.worker.testing.OllamaStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code verify} on the results of a real local run (worker processes against the Ollama stand-in),
 * untouched and tampered with in each way it must catch.
 */
class VerifyCommandTest {
  @TempDir static Path dir;
  static Path workspace;
  static Path output;
  static Path publicKey;
  static JsonNode results;
  private static OllamaStandIn ollama;

  @TempDir Path scratch;

  @BeforeAll
  static void runOnce() throws Exception {
    ollama = new OllamaStandIn();
    workspace = dir.resolve("project");
    output = dir.resolve("out");
    Cli cli = SmallRun.local(SmallProject.write(workspace), workspace, output, ollama.url());
    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    results = Json.mapper().readTree(Files.readAllBytes(output.resolve("k8s-cluster-results.json")));
    publicKey = output.resolve("run-signing-key.pub");
  }

  @AfterAll
  static void stop() {
    ollama.close();
  }

  private Cli verify(JsonNode tampered, String... extra) throws Exception {
    Path file = scratch.resolve("results.json");
    Files.write(file, Json.pretty().writeValueAsBytes(tampered));
    List<String> args = new ArrayList<>(List.of("verify", "--results", file.toString()));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  private static ObjectNode copy() {
    return (ObjectNode) results.deepCopy();
  }

  private static int indexOf(JsonNode tasks, String id) {
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i).path("id").asString().equals(id)) {
        return i;
      }
    }
    throw new IllegalArgumentException(id);
  }

  /** The task ids {@code workers[at]} lists. */
  private static ArrayNode listed(ObjectNode results, int at) {
    return (ArrayNode) results.path("workers").get(at).path("tasks");
  }

  /** {@code results} with each worker's completed and failed counts made again from the tasks it lists. */
  static ObjectNode recounted(ObjectNode results) {
    for (JsonNode worker : results.path("workers")) {
      int completed = 0;
      int failed = 0;
      for (JsonNode id : worker.path("tasks")) {
        for (JsonNode task : results.path("tasks")) {
          if (task.path("id").equals(id)) {
            completed += task.path("status").asString().equals("completed") ? 1 : 0;
            failed += task.path("status").asString().equals("failed") ? 1 : 0;
          }
        }
      }
      ((ObjectNode) worker).put("completed", completed).put("failed", failed);
    }
    return results;
  }

  private static List<String> problems(Cli cli) {
    return cli.out().lines().filter(l -> l.startsWith("❌ ") && !l.contains(" problem(s) in ")).toList();
  }

  @Test
  void theResultsOfARunHoldAgainstTheKeyPrintedAtTheEndAndTheWorkspace() throws Exception {
    Cli cli = verify(results, "--public-key", publicKey.toString(), "--workspace", workspace.toString());

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isZero();
    assertThat(cli.out()).contains("✅ ", "4 task(s)", results.path("attestation").path("merkle_root").asString(),
        "every input file unchanged").doesNotContain("note:");
    assertThat(results.path("tasks")).allSatisfy(t -> assertThat(t.path("calls")).allSatisfy(
        c -> assertThat(c.path("request_sha256").asString()).hasSize(64)));
  }

  @Test
  void withoutAPublicKeyTheKeyInTheFileIsUsedAndTheOutputSaysSo() throws Exception {
    Cli cli = verify(results);

    assertThat(cli.exitCode).isZero();
    assertThat(cli.out()).contains("note: checked against the public key inside the results",
        "input files not checked (no --workspace)");
  }

  @Test
  void anEditedFindingIsCaughtNamingItsTask() throws Exception {
    ObjectNode tampered = copy();
    JsonNode task = tampered.path("tasks").get(indexOf(tampered.path("tasks"), "A-1"));
    ((ObjectNode) task.path("findings").get(0)).put("severity", "info");

    Cli cli = verify(tampered, "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).singleElement().asString()
        .startsWith("❌ task A-1: the record differs from the one its statement signed");
  }

  @Test
  void aRecordWithNoCanonicalFormIsAProblemOfItsTaskAndTheOtherTasksAreStillChecked() throws Exception {
    // RFC 8785 has no form for 2^53 + 1 (it is no double) nor for a lone surrogate: such a record
    // cannot be the one its statement signed.
    ObjectNode tampered = copy();
    JsonNode tasks = tampered.path("tasks");
    ((ObjectNode) tasks.get(indexOf(tasks, "A-1"))).put("attempts", java.math.BigInteger.TWO.pow(53).add(java.math.BigInteger.ONE));
    ((ObjectNode) tasks.get(indexOf(tasks, "A-3")).path("findings").get(0)).put("title", "x\ud800");
    ((ObjectNode) tasks.get(indexOf(tasks, "A-4")).path("findings").get(0)).put("severity", "info");

    Cli cli = verify(tampered, "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).as(cli.out()).satisfiesExactlyInAnyOrder(
        p -> assertThat(p).startsWith("❌ task A-1: the record has no RFC 8785 canonical form")
            .contains("/attempts", "9007199254740993"),
        p -> assertThat(p).startsWith("❌ task A-3: the record has no RFC 8785 canonical form")
            .contains("/findings/0/title", "lone surrogate"),
        p -> assertThat(p).startsWith("❌ task A-4: the record differs from the one its statement signed"));
  }

  @Test
  void aCountWrittenAsTextOrWithAFractionIsCaughtThoughItReadsAsTheRightNumber() throws Exception {
    int completed = results.path("completed_tasks").intValue();
    ObjectNode asText = copy().put("completed_tasks", Integer.toString(completed));
    ObjectNode withFraction = copy().put("completed_tasks", completed + 0.9);
    ObjectNode workerAsText = copy();
    ((ObjectNode) workerAsText.path("workers").get(0)).put("completed",
        workerAsText.path("workers").get(0).path("completed").asString());

    for (ObjectNode tampered : List.of(asText, withFraction, workerAsText)) {
      Cli cli = verify(tampered, "--public-key", publicKey.toString());

      assertThat(cli.exitCode).as(cli.out()).isEqualTo(1);
      assertThat(problems(cli)).as(cli.out()).singleElement().asString().startsWith(tampered == workerAsText
          ? "❌ worker 1 says \"" : "❌ completed_tasks says " + tampered.path("completed_tasks"));
    }
  }

  @Test
  void anAddedTaskIsCaughtNamingItEvenWithTheCountsAdjusted() throws Exception {
    ObjectNode tampered = copy();
    int at = indexOf(tampered.path("tasks"), "A-3");
    ObjectNode added = ((ObjectNode) tampered.path("tasks").get(at)).deepCopy();
    added.put("id", "A-99");
    ((ArrayNode) tampered.path("tasks")).add(added);
    // With a statement of its own: A-3's, the only one a forger without the key has for it.
    ((ArrayNode) tampered.path("attestation").path("tasks")).add(tampered.path("attestation").path("tasks").get(at).deepCopy());
    tampered.put("total_tasks", 5).put("completed_tasks", 5);

    Cli cli = verify(tampered, "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).as(cli.out()).contains(
        "❌ task A-99: in the results but not in the signed run statement (added)");
  }

  @Test
  void aDroppedTaskIsCaughtNamingItEvenWithTheCountsAdjusted() throws Exception {
    ObjectNode tampered = copy();
    int at = indexOf(tampered.path("tasks"), "A-3");
    ((ArrayNode) tampered.path("tasks")).remove(at);
    ((ArrayNode) tampered.path("attestation").path("tasks")).remove(at);
    tampered.put("total_tasks", 3).put("completed_tasks", 3);

    Cli cli = verify(tampered, "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).contains(
        "❌ task A-3: in the signed run statement but missing from the results (dropped)");
    assertThat(cli.out()).contains("the signed run statement says");
  }

  @Test
  void aTaskDuplicatedInTheResultsIsCaughtNamingItNotAsAnotherOrderEvenWithTheCountsAdjusted() throws Exception {
    ObjectNode tampered = copy();
    int at = indexOf(tampered.path("tasks"), "A-2");
    ((ArrayNode) tampered.path("tasks")).add(tampered.path("tasks").get(at).deepCopy());
    ((ArrayNode) tampered.path("attestation").path("tasks")).add(tampered.path("attestation").path("tasks").get(at).deepCopy());
    tampered.put("total_tasks", 5).put("completed_tasks", 5);

    Cli cli = verify(tampered, "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).as(cli.out()).contains("❌ task A-2: in tasks[] 2 times (duplicated)")
        .noneMatch(p -> p.contains("not in the order"));
  }

  @Test
  void aTaskMovedToAnotherWorkerIsCaughtNamingBothWorkersEvenWithTheCountsAdjusted() throws Exception {
    ObjectNode tampered = copy();
    String moved = listed(tampered, 0).remove(0).asString();
    listed(tampered, 1).add(moved);

    Cli cli = verify(recounted(tampered), "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).as(cli.out()).containsExactly(
        "❌ task " + moved + ": listed under worker 2, but its signed statement names worker 1");
  }

  @Test
  void aTaskListedUnderTwoWorkersOrTwiceUnderOneIsCaughtEvenWithTheCountsAdjusted() throws Exception {
    ObjectNode underTwo = copy();
    String id = listed(underTwo, 0).get(0).asString();
    listed(underTwo, 1).add(id);
    ObjectNode twice = copy();
    listed(twice, 0).add(id);

    Cli two = verify(recounted(underTwo), "--public-key", publicKey.toString());
    Cli again = verify(recounted(twice), "--public-key", publicKey.toString());

    assertThat(two.exitCode).isEqualTo(1);
    assertThat(problems(two)).as(two.out()).containsExactly(
        "❌ task " + id + ": listed more than once in workers[]: under worker 1 and worker 2",
        "❌ task " + id + ": listed under worker 2, but its signed statement names worker 1");
    assertThat(again.exitCode).isEqualTo(1);
    assertThat(problems(again)).as(again.out()).containsExactly(
        "❌ task " + id + ": listed more than once in workers[]: under worker 1 and worker 1");
  }

  @Test
  void aTaskNoWorkerListsIsCaughtNamingTheWorkerItsStatementNamesEvenWithTheCountsAdjusted() throws Exception {
    ObjectNode tampered = copy();
    String dropped = listed(tampered, 1).remove(0).asString();

    Cli cli = verify(recounted(tampered), "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).as(cli.out()).containsExactly(
        "❌ task " + dropped + ": no worker in workers[] lists it; its signed statement names worker 2");
  }

  @Test
  void anIdListedUnderAWorkerThatIsNoTaskOfTheResultsIsCaught() throws Exception {
    ObjectNode tampered = copy();
    listed(tampered, 1).add("Z-9");

    Cli cli = verify(tampered, "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).as(cli.out()).containsExactly(
        "❌ task Z-9: listed under worker 2, but the results hold no such task");
  }

  @Test
  void aChangedInputFileIsCaughtNamingTheFileAndTheTasksThatRead() throws Exception {
    Path changed = scratch.resolve("project");
    try (Stream<Path> files = Files.walk(workspace)) {
      for (Path f : files.toList()) {
        Path target = changed.resolve(workspace.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    Files.writeString(changed.resolve(SmallProject.APP), "el.textContent = location.hash.slice(1);\n");

    Cli cli = verify(results, "--public-key", publicKey.toString(), "--workspace", changed.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).singleElement().asString()
        .startsWith("❌ input src/app.js changed: sha256 now ")
        .endsWith("by task A-1, A-4");
  }

  @Test
  void anInputFileThatCannotBeReadIsAProblemNamingItAndTheOtherInputsAreStillChecked() throws Exception {
    Path unreadable = UnreadableFile.orSkip();
    assumeTrue(Files.isRegularFile(unreadable.resolveSibling("swappiness")));
    Path copy = scratch.resolve("vm");
    Files.createDirectories(copy);
    Files.writeString(copy.resolve("drop_caches"), "0\n");
    Files.writeString(copy.resolve("swappiness"), "not the kernel's value\n");
    Path tasks = scratch.resolve("tasks.json");
    Files.writeString(tasks, """
        [{"Task ID": "V-1", "Title": "Check the setting", "Files": "drop_caches"},
         {"Task ID": "V-2", "Title": "Check the other setting", "Files": "swappiness"}]
        """);
    Cli run = SmallRun.local(tasks, copy, scratch.resolve("out"), ollama.url());
    assertThat(run.exitCode).as(run.out() + run.err()).isZero();

    Cli cli = Cli.run("verify", "--results", scratch.resolve("out").resolve("k8s-cluster-results.json").toString(),
        "--workspace", unreadable.getParent().toString());

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isEqualTo(1);
    // swappiness was hashed again too: readable, and not what the run read, so it changed.
    assertThat(problems(cli)).hasSize(2).first().isEqualTo("❌ input drop_caches (task V-1): cannot be read: permission denied");
    assertThat(problems(cli).get(1)).startsWith("❌ input swappiness changed: ").endsWith(" by task V-2");
  }

  @Test
  void twoStatementsOfAChainSwappedAreCaught() throws Exception {
    ObjectNode tampered = copy();
    ArrayNode envelopes = (ArrayNode) tampered.path("attestation").path("chains").get(0).path("envelopes");
    JsonNode first = envelopes.get(0);
    envelopes.set(0, envelopes.get(1));
    envelopes.set(1, first);

    Cli cli = verify(tampered, "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).anySatisfy(p -> assertThat(p).startsWith("❌ chain of worker 1 attempt 1")
        .contains("statement 0 (task ", "does not follow the start of the chain", "reordered"));
  }

  @Test
  void anotherKeySwappedInWithoutSigningAgainBreaksEveryStatement() throws Exception {
    SigningKey other = SigningKey.generate();
    ObjectNode tampered = copy();
    ObjectNode attestation = (ObjectNode) tampered.path("attestation");
    attestation.put("key_id", other.keyId());
    ((ObjectNode) attestation.path("public_keys").get(0)).put("key_id", other.keyId())
        .put("pem", Keys.toPem(other.publicKey()));

    Cli cli = verify(tampered);

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).contains("❌ task A-1: its statement: signed by key "
        + results.path("attestation").path("key_id").asString() + ", not by an accepted key (" + other.keyId() + ")");
    // No statement opened, so no Merkle root can be recomputed: not "a tree of 0 statements".
    int statements = results.path("attestation").path("tasks").size();
    assertThat(problems(cli)).contains("❌ the Merkle root is not checked: " + statements + " of " + statements
        + " task statement(s) did not open (above)")
        .noneMatch(p -> p.contains("Merkle tree holds") || p.contains("the Merkle root over"));
  }

  @Test
  void resultsSignedAgainWithAnotherKeyHoldOnTheirOwnButNotAgainstTheRunsKey() throws Exception {
    SigningKey forger = SigningKey.generate();
    ObjectNode forged = forged(forger, predicate -> { });

    assertThat(verify(forged).exitCode).isZero();
    Cli cli = verify(forged, "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).first().isEqualTo("❌ the results say they are signed with key " + forger.keyId()
        + ", not with the given key " + results.path("attestation").path("key_id").asString());
  }

  @Test
  void membersOfTheWrongKindAreProblemsNamingThemNotAnInternalError() throws Exception {
    ObjectNode chainWorkerText = copy();
    ((ObjectNode) chainWorkerText.path("attestation").path("chains").get(0)).put("worker", "one");
    ObjectNode statusObject = copy();
    ((ObjectNode) statusObject.path("tasks").get(0)).putObject("status");
    ObjectNode workerTaskObject = copy();
    ((ArrayNode) workerTaskObject.path("workers").get(0).path("tasks")).set(0, Json.mapper().createObjectNode());
    ObjectNode tasksObject = copy();
    tasksObject.putObject("tasks").setAll((ObjectNode) Json.mapper().createObjectNode()
        .set("0", results.path("tasks").get(0)));
    ObjectNode proofsObject = copy();
    ((ObjectNode) proofsObject.path("attestation")).putObject("tasks").set("0",
        results.path("attestation").path("tasks").get(0));
    ObjectNode chainsObject = copy();
    ((ObjectNode) chainsObject.path("attestation")).putObject("chains").set("0",
        results.path("attestation").path("chains").get(0));

    // Each edit with the problem it must give.
    Map<ObjectNode, String> expected = new java.util.LinkedHashMap<>();
    expected.put(chainWorkerText, "'worker'");
    expected.put(statusObject, "❌ task A-1: the record differs");
    expected.put(workerTaskObject, "workers[0].tasks[0]");
    expected.put(tasksObject, "❌ tasks must be an array");
    expected.put(proofsObject, "❌ attestation.tasks must be an array");
    expected.put(chainsObject, "❌ attestation.chains must be an array");
    expected.forEach((tampered, problem) -> {
      Cli cli;
      try {
        cli = verify(tampered, "--public-key", publicKey.toString());
      } catch (Exception e) {
        throw new AssertionError(e);
      }

      assertThat(cli.exitCode).as(cli.out() + cli.err()).isEqualTo(1);
      assertThat(cli.err()).isEmpty();
      assertThat(problems(cli)).as(cli.out()).anySatisfy(p -> assertThat(p).contains(problem));
    });
  }

  @Test
  void workersThatIsNoArrayIsOneProblemNotOnePerTask() throws Exception {
    ObjectNode tampered = copy();
    tampered.putObject("workers");

    Cli cli = verify(tampered, "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).containsExactly("❌ workers must be an array, got an object");
  }

  @Test
  void aRunStatementSignedWithoutSomeOfItsMembersIsAProblemNotAnInternalError() throws Exception {
    List<java.util.function.Consumer<ObjectNode>> edits = List.of(
        p -> p.remove("run_id"),
        p -> p.remove("key_id"),
        p -> ((ObjectNode) p.path("keys").get(0)).remove("run_id"),
        p -> ((ObjectNode) p.path("chains").get(0)).remove("head"));
    for (java.util.function.Consumer<ObjectNode> edit : edits) {
      Cli cli = verify(forged(SigningKey.generate(), edit));

      assertThat(cli.exitCode).as(cli.out() + cli.err()).isEqualTo(1);
      assertThat(cli.err()).isEmpty();
      assertThat(problems(cli)).anySatisfy(p -> assertThat(p).startsWith("❌ the run statement: "));
    }
  }

  @Test
  void aCarriedFromThatNamesNoRunIsCaughtThoughTheDigestLeavesTheMemberOut() throws Exception {
    for (JsonNode value : List.of(Json.mapper().createObjectNode().put("note", "reviewed by hand"),
        Json.mapper().getNodeFactory().numberNode(7), Json.mapper().getNodeFactory().booleanNode(true))) {
      ObjectNode tampered = copy();
      ((ObjectNode) tampered.path("tasks").get(indexOf(tampered.path("tasks"), "A-1"))).set("carried_from", value);

      Cli cli = verify(tampered, "--public-key", publicKey.toString());

      assertThat(cli.exitCode).as(cli.out()).isEqualTo(1);
      assertThat(problems(cli)).singleElement().asString()
          .startsWith("❌ task A-1: carried_from must be the id of the run it was carried over from, or null");
    }
  }

  @Test
  void aChainEmptiedOfItsStatementsIsCaughtNamingTheChain() throws Exception {
    for (boolean removed : new boolean[] {false, true}) {
      ObjectNode tampered = copy();
      ObjectNode chain = (ObjectNode) tampered.path("attestation").path("chains").get(1);
      if (removed) {
        chain.remove("envelopes");
      } else {
        chain.putArray("envelopes");
      }

      Cli cli = verify(tampered, "--public-key", publicKey.toString());

      assertThat(cli.exitCode).isEqualTo(1);
      assertThat(problems(cli)).as(cli.out()).anySatisfy(p -> assertThat(p).startsWith("❌ chain of worker 2 attempt 1")
          .contains("holds 0 statement(s)", "the signed run statement says 3"));
    }
  }

  @Test
  void aTreeSizeWrittenAsTextIsCaughtNamingTreeSize() throws Exception {
    ObjectNode tampered = copy();
    ((ObjectNode) tampered.path("attestation")).put("tree_size", "4");

    Cli cli = verify(tampered, "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).singleElement().asString().contains("attestation.tree_size says \"4\"");
  }

  @Test
  void aRunStatementSignedWithOtherCountsThanTheRecordsMakeIsCaught() throws Exception {
    ObjectNode forged = forged(SigningKey.generate(), p -> p.put("completed_tasks", p.path("completed_tasks").asInt() - 1)
        .put("failed_tasks", p.path("failed_tasks").asInt() + 1));

    Cli cli = verify(forged);

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).as(cli.out()).singleElement().asString()
        .startsWith("❌ the signed run statement counts [").contains("(total, completed, failed, carried) but the records make");
  }

  @Test
  void tasksReorderedTogetherWithTheirStatementsAreCaughtAsAnotherOrder() throws Exception {
    ObjectNode tampered = copy();
    for (JsonNode array : List.of(tampered.path("tasks"), tampered.path("attestation").path("tasks"))) {
      JsonNode first = array.get(0);
      ((ArrayNode) array).set(0, array.get(1));
      ((ArrayNode) array).set(1, first);
    }

    Cli cli = verify(tampered, "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).as(cli.out()).contains("❌ tasks[] is not in the order the run statement signed");
  }

  @Test
  void aRunStatementNamingAnotherKeyThanTheResultsIsCaught() throws Exception {
    SigningKey forger = SigningKey.generate();
    ObjectNode forged = forged(forger, p -> p.put("key_id", "other-key"));

    Cli cli = verify(forged);

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).as(cli.out())
        .containsExactly("❌ the run statement names key other-key, the results say " + forger.keyId());
  }

  @Test
  void aKeyAddedToThePublicKeysThatTheRunStatementDoesNotListIsCaught() throws Exception {
    SigningKey other = SigningKey.generate();
    ObjectNode tampered = copy();
    ((ArrayNode) tampered.path("attestation").path("public_keys")).addObject().put("key_id", other.keyId())
        .put("pem", Keys.toPem(other.publicKey())).put("run_id", results.path("run_id").asString());

    Cli cli = verify(tampered, "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(problems(cli)).as(cli.out()).containsExactly(
        "❌ key " + other.keyId() + " is listed in attestation.public_keys but not in the signed run statement");
  }

  @Test
  void aKeyTheRunStatementListsIsCaughtWhenThePublicKeysLackItOrGiveItAnotherRun() throws Exception {
    SigningKey earlier = SigningKey.generate();
    ObjectNode unlisted = forged(SigningKey.generate(), p -> ((ArrayNode) p.path("keys")).addObject()
        .put("key_id", earlier.keyId()).put("run_id", "run-earlier"));
    ObjectNode otherRun = forged(SigningKey.generate(), p -> ((ArrayNode) p.path("keys")).addObject()
        .put("key_id", earlier.keyId()).put("run_id", "run-earlier"));
    ((ArrayNode) otherRun.path("attestation").path("public_keys")).addObject().put("key_id", earlier.keyId())
        .put("pem", Keys.toPem(earlier.publicKey())).put("run_id", "run-other");

    Cli lacking = verify(unlisted);
    Cli another = verify(otherRun);

    assertThat(lacking.exitCode).isEqualTo(1);
    assertThat(problems(lacking)).as(lacking.out()).containsExactly("❌ key " + earlier.keyId()
        + " (run run-earlier) is in the signed run statement but not among attestation.public_keys");
    assertThat(another.exitCode).isEqualTo(1);
    // Not accepted, so also listed but not signed: the mismatch is named first.
    assertThat(problems(another)).as(another.out()).first().isEqualTo("❌ key " + earlier.keyId()
        + " is listed for run run-other, the signed run statement says run run-earlier");
  }

  @Test
  void aControlCharacterInAMemberNothingSignsIsShownEscapedSoThatEachProblemIsOneLineInVerifyAndApply()
      throws Exception {
    String runId = results.path("run_id").asString();
    ObjectNode tampered = copy().put("run_id", runId + "\n✅ results.json holds");
    ((ObjectNode) tampered.path("attestation").path("chains").get(0)).put("run_id", "x\r\n✅ fine")
        .put("pod", "p\u001b[2K\u0085\u2028");

    Cli cli = verify(tampered, "--public-key", publicKey.toString());
    Cli apply = Cli.run("apply", "--results", scratch.resolve("results.json").toString(), "--workspace",
        scratch.toString(), "--public-key", publicKey.toString());

    assertThat(cli.exitCode).isEqualTo(1);
    assertThat(cli.out().lines()).as(cli.out()).allSatisfy(l -> assertThat(l).startsWith("❌ "));
    assertThat(problems(cli)).contains("❌ the run statement is of run " + runId + ", the results say run " + runId
        + "\\n✅ results.json holds");
    assertThat(problems(cli)).anySatisfy(p -> assertThat(p)
        .startsWith("❌ chain of worker 1 attempt 1 (run x\\r\\n✅ fine, pod p\\u001b[2K\\u0085\\u2028): "));
    assertThat(apply.exitCode).isEqualTo(2);
    assertThat(apply.err().lines()).as(apply.err()).allSatisfy(l -> assertThat(l).matches("(❌ |error: ).*"));
    for (String out : List.of(cli.out(), apply.err())) {
      assertThat(out).doesNotContain("\r", "\u001b", "\u0085", "\u2028");
    }
  }

  @Test
  void aFileThatIsNotJsonIsInvalidInput() throws Exception {
    Path file = scratch.resolve("results.json");
    Files.writeString(file, "{\"tasks\": [");

    Cli cli = Cli.run("verify", "--results", file.toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).contains("is not JSON");
  }

  @Test
  void aFileThatIsEmptyOrHoldsNoJsonObjectIsInvalidInputSayingWhatItHolds() throws Exception {
    Path file = scratch.resolve("results.json");
    for (String[] content : new String[][] {{"", "is empty"}, {" \n", "is empty"},
        {"null", "holds JSON null, not results"}, {"[]", "holds a JSON array, not results"},
        {"\"ok\"", "holds a JSON string, not results"}, {"7", "holds a JSON number, not results"}}) {
      Files.writeString(file, content[0]);

      Cli cli = Cli.run("verify", "--results", file.toString());

      assertThat(cli.exitCode).as(content[0]).isEqualTo(2);
      assertThat(cli.err()).isEqualTo("error: --results " + file + " " + content[1] + System.lineSeparator());
    }
  }

  /** A key of another type (an X25519 key made for key exchange, say) is named by its type, once. */
  @Test
  void aPublicKeyOfAnotherTypeIsOneLineNamingTheOptionTheFileAndTheType() throws Exception {
    Path key = scratch.resolve("x25519.pub");
    Files.writeString(key, "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getEncoder().encodeToString(
        java.security.KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n");

    Cli cli = verify(results, "--public-key", key.toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).isEqualTo("error: --public-key " + key + ": the PUBLIC KEY is of type X25519, not Ed25519"
        + System.lineSeparator());
  }

  /** The one exit code a missing --workspace gives is the one the help and the README list for it. */
  @Test
  void aMissingWorkspaceExits2AsTheHelpAndTheReadmeSay() throws Exception {
    Cli cli = verify(results, "--workspace", scratch.resolve("no-such-dir").toString());
    String help = Cli.run("verify", "--help").out();
    String two = help.substring(help.indexOf("\n  2 ")).replaceAll("\\s+", " ");
    String readme = Files.readString(Path.of("..", "README.md")).replaceAll("\\s+", " ");

    assertThat(cli.exitCode).as(cli.err()).isEqualTo(2);
    assertThat(cli.err()).hasLineCount(1).contains("--workspace");
    assertThat(two).contains("--workspace");
    assertThat(readme).contains("`verify` exits 0 when everything holds, 1 when it found a problem, 2 when the file or"
        + " key cannot be read (an empty file, or one that holds no JSON object, included) or `--workspace` is not a"
        + " directory.");
  }

  /**
   * The results signed again with {@code forger}, every statement as it was, the run statement's
   * predicate edited by {@code edit} after its keys were made the forger's.
   */
  private static ObjectNode forged(SigningKey forger, java.util.function.Consumer<ObjectNode> edit) {
    ObjectNode forged = copy();
    ObjectNode attestation = (ObjectNode) forged.path("attestation");
    for (JsonNode proof : attestation.path("tasks")) {
      ((ObjectNode) proof).set("envelope", resign(proof.path("envelope"), forger));
    }
    for (JsonNode chain : attestation.path("chains")) {
      ArrayNode envelopes = (ArrayNode) chain.path("envelopes");
      for (int i = 0; i < envelopes.size(); i++) {
        envelopes.set(i, resign(envelopes.get(i), forger));
      }
    }
    Statement run = Statement.fromCanonicalBytes(Dsse.Envelope.fromJson(attestation.path("run_statement")).payload());
    ObjectNode predicate = (ObjectNode) run.predicate();
    predicate.put("key_id", forger.keyId());
    ((ObjectNode) predicate.path("keys").get(0)).put("key_id", forger.keyId());
    edit.accept(predicate);
    attestation.set("run_statement",
        Dsse.sign(new Statement(run.subject(), run.predicateType(), predicate), forger).toJson());
    attestation.put("key_id", forger.keyId());
    ((ObjectNode) attestation.path("public_keys").get(0)).put("key_id", forger.keyId())
        .put("pem", Keys.toPem(forger.publicKey()));
    return forged;
  }

  private static JsonNode resign(JsonNode envelope, SigningKey key) {
    Dsse.Envelope e = Dsse.Envelope.fromJson(envelope);
    return Dsse.sign(e.payloadType(), e.payload(), key).toJson();
  }
}
