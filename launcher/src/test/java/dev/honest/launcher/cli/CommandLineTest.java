package dev.honest.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.json.Json;
import dev.honest.launcher.results.CostSettings;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {
  static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  static final Path EXAMPLE_TASKS = EXAMPLES.resolve("excel-tasks-extracted.json");
  static final Path EXAMPLE_WORKSPACE = EXAMPLES.resolve("shop-app");

  @TempDir Path out;

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    LauncherCommand cmd = new LauncherCommand();
    new CommandLine(cmd).parseArgs();

    assertThat(cmd.task.tasks).isEqualTo(Path.of("excel-tasks-extracted.json"));
    assertThat(cmd.task.workspace).isEqualTo(Path.of("."));
    assertThat(cmd.task.workers).isEqualTo(12);
    assertThat(cmd.deploy.namespace).isEqualTo("honest-orchestration");
    assertThat(cmd.deploy.llmReplicas).isEqualTo(3);
    assertThat(cmd.task.codeModel).isEqualTo("codellama:7b");
    assertThat(cmd.task.generalModel).isEqualTo("llama3.1:8b");
    assertThat(cmd.task.timeout).isEqualTo(Duration.ofHours(4));
    assertThat(cmd.task.prices.settings()).isEqualTo(CostSettings.defaults());
  }

  @Test
  void helpNamesEveryCommandAndTheExitCodes() {
    Cli cli = Cli.run("--help");

    assertThat(cli.exitCode).isZero();
    assertThat(cli.out()).contains("run", "render", "local", "status", "collect", "cleanup", "apply", "verify",
        "--tasks", "--workspace", "--workers", "--namespace", "--llm-replicas", "--image", "--timeout",
        "3   the cluster or Ollama is unavailable");
  }

  @Test
  void theCommandListGivesEachCommandAWholeSentence() {
    String help = Cli.run("--help").out();
    String list = help.substring(help.indexOf("Commands:"), help.indexOf("Exit codes:")).replaceAll("\\s+", " ");

    assertThat(list).startsWith("Commands: run ").endsWith(". ");
    for (String name : List.of("render", "local", "status", "collect", "cleanup", "apply", "verify")) {
      assertThat(list).as(name).contains(". " + name + " ");
    }
  }

  @Test
  void aSubcommandNamedFirstIsTheOnlyOneSetUpAndReadsAsInTheFullCommandLine() {
    CommandLine full = LauncherCommand.commandLine();
    List<String> names = List.of("run", "render", "local", "status", "collect", "cleanup", "apply", "verify");

    assertThat(full.getSubcommands().keySet()).containsExactlyElementsOf(names);
    for (String name : names) {
      CommandLine one = LauncherCommand.commandLine(name, "--help");
      assertThat(one.getSubcommands().keySet()).containsExactly(name);
      assertThat(one.getSubcommands().get(name).getUsageMessage())
          .isEqualTo(full.getSubcommands().get(name).getUsageMessage());
    }
    assertThat(LauncherCommand.commandLine("--workers", "3").getSubcommands().keySet()).containsExactlyElementsOf(names);
    assertThat(LauncherCommand.commandLine("lcoal").getSubcommands().keySet()).containsExactlyElementsOf(names);
  }

  /** The help of --output of each command names what that command writes there, and nothing it does not. */
  @Test
  void eachCommandsHelpSaysWhatItWritesToOutput() {
    String render = outputHelp("render");
    String local = outputHelp("local");
    String run = outputHelp("run");

    assertThat(render).contains("plan.json", "manifests")
        .doesNotContain("log", "k8s-cluster-results.json", "SARIF", "patches");
    assertThat(local).contains("config/", "plan.json", "worker logs", "k8s-cluster-results.json", "SARIF",
        "public key", "patches").doesNotContain("manifests go", "the manifests,");
    assertThat(run).contains("manifests", "plan.json", "worker logs", "k8s-cluster-results.json", "SARIF",
        "public key", "patches");
    assertThat(outputHelp(null)).isEqualTo(run);
    assertThat(outputHelp("collect")).contains("worker logs", "k8s-cluster-results.json", "SARIF", "public key",
        "patches").doesNotContain("manifests", "plan.json");
  }

  /** The description of --output in {@code command}'s help (the launcher's own without a command). */
  private static String outputHelp(String command) {
    CommandLine cli = command == null ? LauncherCommand.commandLine() : LauncherCommand.commandLine(command)
        .getSubcommands().get(command);
    return String.join(" ", cli.getCommandSpec().findOption("--output").description());
  }

  @Test
  void everyCommandsVersionOptionPrintsTheLaunchersVersion() {
    String version = Cli.run("--version").out();
    assertThat(version).isEqualTo("honest-orchestration launcher " + System.getProperty("project.version")
        + System.lineSeparator());

    for (String command : List.of("run", "render", "local", "status", "collect", "cleanup", "apply", "verify")) {
      for (String option : List.of("--version", "-V")) {
        Cli cli = Cli.run(command, option);

        assertThat(cli.exitCode).as(command).isZero();
        assertThat(cli.out()).as(command + " " + option).isEqualTo(version);
      }
    }
  }

  /** The default --image is the name `mvn jib:build` gives the worker image of this version. */
  @Test
  void theDefaultImageIsTheWorkerImageOfThisVersion() {
    assertThat(DeployOptions.DEFAULT_IMAGE).isEqualTo("honest-orchestration/worker:" + System.getProperty("project.version"));
  }

  /** Each default the README's Configuration table gives in one backticked value is the one --help shows. */
  @Test
  void theDefaultsInTheHelpAreTheReadmesConfigurationTable() throws Exception {
    java.util.regex.Pattern row = java.util.regex.Pattern.compile("^\\| `(--[a-z0-9-]+)[^`]*` \\| (.*?) \\|");
    Map<String, String> readme = new java.util.LinkedHashMap<>();
    Files.readString(Path.of("..", "README.md")).lines().map(row::matcher).filter(java.util.regex.Matcher::find)
        .forEach(m -> readme.put(m.group(1), m.group(2)));
    assertThat(readme).containsKeys("--tasks", "--workers", "--paid-model", "--ollama-parallel");
    List<CommandLine> commands = List.of(LauncherCommand.commandLine(),
        LauncherCommand.commandLine("local").getSubcommands().get("local"));

    readme.forEach((option, value) -> {
      java.util.regex.Matcher simple = java.util.regex.Pattern.compile("^`([^`]+)`( \\(.*\\))?$").matcher(value);
      if (!simple.find() || option.equals("--temperature")) {
        return; // none, a range of two, or a sentence
      }
      String shown = simple.group(1).replaceFirst("^\\./", "");
      CommandLine.Model.OptionSpec spec = commands.stream().map(c -> c.getCommandSpec().findOption(option))
          .filter(java.util.Objects::nonNull).findFirst().orElseThrow(() -> new AssertionError(option));
      String description = String.join(" ", spec.description())
          .replace("${DEFAULT-VALUE}", String.valueOf(spec.defaultValueString()));
      assertThat(description).as(option).containsPattern("Default: (\\./)?" + java.util.regex.Pattern.quote(shown));
    });
  }

  @Test
  void aMistypedOptionIsAUsageErrorWithASuggestion() {
    Cli cli = Cli.run("render", "--worker", "3");

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).contains("error: Unknown options: '--worker'", "--workers", "launcher render --help");
  }

  @Test
  void aBadDurationNamesTheValue() {
    Cli cli = Cli.run("render", "--timeout", "soon");

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).contains("'soon' is not a duration");
  }

  @Test
  void aDurationTooLongIsRefusedNamingTheValueNotAJavaException() {
    for (String[] command : new String[][] {{"render"}, {"run", "--ollama-timeout"}, {"cleanup"}}) {
      for (String value : List.of("9999999999999999999h", "3000000h", "PT3000000H", "200000000000000s")) {
        List<String> args = new ArrayList<>(List.of(command[0], command.length > 1 ? command[1] : "--timeout", value));
        Cli cli = Cli.run(args.toArray(String[]::new));

        assertThat(cli.exitCode).as(args.toString()).isEqualTo(2);
        assertThat(cli.err()).as(args.toString()).contains("'" + value + "' is longer than")
            .doesNotContain("Exception");
      }
    }
  }

  @Test
  void anIsoDurationTooLongToCountIsRefusedAsTooLongNotAsNoDuration() {
    Cli cli = Cli.run("render", "--timeout", "PT9999999999999999H");

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).contains("'PT9999999999999999H' is longer than 8760h").doesNotContain("is not a duration");
  }

  @Test
  void durationsReadAsPeopleWriteThem() {
    DurationConverter c = new DurationConverter();
    assertThat(c.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(c.convert("PT2H")).isEqualTo(Duration.ofHours(2));
    assertThat(c.convert("8760h")).isEqualTo(Duration.ofDays(365));
    assertThat(Cli.run("render", "--timeout", "PT0S").err()).contains("'PT0S' must be longer than zero");
  }

  @Test
  void anInvalidTaskFileListsEveryProblemAndExits2BeforeAnythingRuns() throws Exception {
    Path tasks = out.resolve("tasks.json");
    Files.writeString(tasks, "[{\"Task ID\": \"T-1\", \"Priority\": \"urgent\"}, {\"id\": \"T-1\", \"title\": \"x\","
        + " \"files\": \"../etc/passwd\"}]");

    Cli cli = Cli.run("render", "--tasks", tasks.toString(), "--workspace", out.toString(),
        "--output", out.resolve("o").toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).contains("title", "priority", "urgent", "T-1", "..").doesNotContain("Exception", "\tat ");
    assertThat(out.resolve("o")).doesNotExist();
  }

  @Test
  void aTaskFileColumnThatNamesNoFieldIsNotedOnceAndTheRunGoesOn() throws Exception {
    Path tasks = out.resolve("tasks.json");
    Files.writeString(tasks, "[{\"id\": \"T-1\", \"title\": \"x\", \"Affected Files\": \"a.js\"}]");

    Cli cli = Cli.run("render", "--tasks", tasks.toString(), "--workspace", out.toString(),
        "--output", out.resolve("o").toString());

    assertThat(cli.exitCode).as(cli.err()).isZero();
    assertThat(cli.out().lines().filter(l -> l.contains("no task field"))).containsExactly("note: " + tasks
        + ": 1 key names no task field and was not read: 'Affected Files' (1 task). A task's files are read only from"
        + " files, file, file path(s) or path(s); README.md lists every field and its names");
  }

  @Test
  void aBadPriceTableIsOneLineNamingTheFileAndExits2BeforeAnythingRuns() throws Exception {
    Path prices = out.resolve("prices.json");
    Files.writeString(prices, "{\"default_model\": \"x\", \"models\": []}");

    Cli cli = Cli.run("local", "--ollama-url", "http://127.0.0.1:1", "--tasks", EXAMPLE_TASKS.toString(),
        "--workspace", EXAMPLE_WORKSPACE.toString(), "--output", out.resolve("o").toString(),
        "--price-table", prices.toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err().strip().lines()).hasSize(1);
    assertThat(cli.err()).contains(prices.toString(), "no models");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void aPriceTableHoldingJsonNullIsOneLineNamingTheFileAndExits2() throws Exception {
    Path prices = Files.writeString(out.resolve("prices.json"), "null");

    Cli cli = Cli.run("local", "--ollama-url", "http://127.0.0.1:1", "--tasks", EXAMPLE_TASKS.toString(),
        "--workspace", EXAMPLE_WORKSPACE.toString(), "--output", out.resolve("o").toString(),
        "--price-table", prices.toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).isEqualTo("error: price table " + prices + " holds JSON null, not a price table"
        + System.lineSeparator());
  }

  @Test
  void anInvalidPriceNamesTheOptionAndTheValueAsTyped() {
    for (String[] option : new String[][] {{"--paid-price-per-1k", "-1"}, {"--local-price-per-1k", "NaN"},
        {"--cluster-cost-per-hour", "-2.50"}, {"--paid-price-per-1k", "cheap"}}) {
      Cli cli = Cli.run("local", "--ollama-url", "http://127.0.0.1:1", "--tasks", EXAMPLE_TASKS.toString(),
          "--workspace", EXAMPLE_WORKSPACE.toString(), "--output", out.resolve("o").toString(), option[0], option[1]);

      assertThat(cli.exitCode).isEqualTo(2);
      assertThat(cli.err()).contains("error: Invalid value for option '" + option[0] + "': '" + option[1]
          + "' is not an amount of USD (a number, 0 or more)");
    }
  }

  /**
   * A model name with whitespace can never be pulled: every Ollama replica's init container would
   * fail until --ollama-timeout. Task models are refused at once for that reason; the run's own two
   * models are refused the same way, naming the option.
   */
  @Test
  void aCodeOrGeneralModelOllamaCannotNameIsRefusedNamingTheOptionAndNothingIsWritten() {
    for (String[] option : new String[][] {
        {"--code-model", "codellama 7b"}, {"--general-model", "llama3.1:8b\n"}}) {
      Cli cli = Cli.run("render", "--tasks", EXAMPLE_TASKS.toString(), "--workspace", EXAMPLE_WORKSPACE.toString(),
          "--output", out.toString(), option[0], option[1]);

      assertThat(cli.exitCode).as(option[0] + ": " + cli.err()).isEqualTo(2);
      assertThat(cli.err()).as(option[0]).startsWith("error: " + option[0] + " must be an Ollama model name")
          .hasLineCount(1);
    }
    assertThat(out).isEmptyDirectory();
  }

  @Test
  void anInvalidDeployOrTaskOptionIsNamedAsTyped() {
    for (String[] option : new String[][] {
        {"--llm-replicas", "0", "--llm-replicas must be within 1..100, got 0"},
        {"--gpus", "17", "--gpus must be within 0..16, got 17"},
        {"--ollama-cpu", "0", "--ollama-cpu must be positive, got '0'"},
        {"--ollama-memory", "lots", "--ollama-memory is not a Kubernetes quantity: 'lots'"},
        {"--image", "worker:latest", "--image must be pinned to a tag or digest (not latest), got 'worker:latest'"},
        {"--code-model", " ", "--code-model must not be blank"},
        {"--temperature", "NaN", "--temperature must be within 0..2, got NaN"},
        {"--num-ctx", "100", "--num-ctx must be at least 512, got 100"}}) {
      Cli cli = Cli.run("render", "--tasks", EXAMPLE_TASKS.toString(), "--workspace", EXAMPLE_WORKSPACE.toString(),
          "--output", out.toString(), option[0], option[1]);

      assertThat(cli.exitCode).as(option[0]).isEqualTo(2);
      assertThat(cli.err()).isEqualTo("error: " + option[2] + System.lineSeparator());
    }
    assertThat(out).isEmptyDirectory();
  }

  @Test
  void statusCollectAndCleanupRefuseAnInvalidNamespaceAsRunDoes() {
    Cli render = Cli.run("render", "--tasks", EXAMPLE_TASKS.toString(), "--workspace", EXAMPLE_WORKSPACE.toString(),
        "--output", out.toString(), "--namespace", "Bad_NS");
    assertThat(render.exitCode).isEqualTo(2);
    assertThat(render.err()).isEqualTo("error: --namespace must be a DNS label (lower-case letters, digits, '-',"
        + " at most 63), got 'Bad_NS'" + System.lineSeparator());

    for (String command : List.of("status", "collect", "cleanup")) {
      Cli cli = Cli.run(command, "--namespace", "Bad_NS", "--kubeconfig", out.resolve("none").toString());

      assertThat(cli.exitCode).as(command + ": " + cli.err()).isEqualTo(2);
      assertThat(cli.err()).as(command).isEqualTo(render.err());
    }
  }

  @Test
  void statusCollectAndCleanupReportAnUnreachableClusterInOneLineAndExit3() throws Exception {
    Path kubeconfig = kubeconfigOfAnUnreachableCluster();

    for (String command : List.of("status", "collect", "cleanup")) {
      Cli cli = command.equals("collect")
          ? Cli.run(command, "--kubeconfig", kubeconfig.toString(), "--output", out.resolve("o").toString())
          : Cli.run(command, "--kubeconfig", kubeconfig.toString());

      assertThat(cli.exitCode).as(command + ": " + cli.err()).isEqualTo(3);
      assertThat(cli.err()).as(command).isEqualTo("error: cannot reach the cluster at https://127.0.0.1:1/: connection refused — check `kubectl config current-context` or pass --context/--kubeconfig"
          + System.lineSeparator());
    }
  }

  @Test
  void aKubeconfigThatIsADirectoryOrMissingIsOneLineNamingTheOptionInEveryClusterCommand() throws Exception {
    Path dir = Files.createDirectories(out.resolve("kube"));
    Path missing = out.resolve("none");
    for (String command : List.of("run", "status", "collect", "cleanup")) {
      List<String> args = new ArrayList<>(List.of(command));
      if (command.equals("run")) {
        args.addAll(List.of("--tasks", EXAMPLE_TASKS.toString(), "--workspace", EXAMPLE_WORKSPACE.toString(),
            "--output", out.resolve("o").toString()));
      }
      args.add("--kubeconfig");
      for (Path kubeconfig : List.of(dir, missing)) {
        args.add(kubeconfig.toString());
        Cli cli = Cli.run(args.toArray(String[]::new));
        args.remove(args.size() - 1);

        assertThat(cli.exitCode).as(command).isEqualTo(2);
        assertThat(cli.err()).as(command).isEqualTo("error: --kubeconfig " + kubeconfig + ": "
            + (kubeconfig == dir ? "is a directory, not a kubeconfig file" : "no such file") + System.lineSeparator());
      }
    }
  }

  @Test
  void anInvalidOllamaUrlIsNamedAsTyped() {
    Cli cli = Cli.run("local", "--ollama-url", "ftp://127.0.0.1:1", "--tasks", EXAMPLE_TASKS.toString(),
        "--workspace", EXAMPLE_WORKSPACE.toString(), "--output", out.resolve("o").toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).isEqualTo("error: --ollama-url: expected http(s)://host:port, got ftp://127.0.0.1:1"
        + System.lineSeparator());
  }

  /**
   * `run --dry-run` is documented as the same as `render`, and it refuses bad price options: so
   * must `render`, rather than exit 0 and let the later `run` fail on what render took for fine.
   */
  @Test
  void renderRefusesBadPriceOptionsAsRunWithDryRunDoesAndWritesNothing() {
    for (String[] option : new String[][] {
        {"--price-table", out.resolve("missing-prices.json").toString()},
        {"--paid-model", "no-such-model"},
        {"--local-price-per-1k", "0.001", "--cluster-cost-per-hour", "2"}}) {
      List<String> args = new ArrayList<>(List.of("--tasks", EXAMPLE_TASKS.toString(), "--workspace",
          EXAMPLE_WORKSPACE.toString(), "--output", out.resolve("o").toString()));
      args.addAll(List.of(option));
      List<String> dryRun = new ArrayList<>(List.of("run", "--dry-run"));
      dryRun.addAll(args);
      List<String> render = new ArrayList<>(List.of("render"));
      render.addAll(args);

      Cli run = Cli.run(dryRun.toArray(String[]::new));
      Cli cli = Cli.run(render.toArray(String[]::new));

      assertThat(run.exitCode).as(option[0]).isEqualTo(2);
      assertThat(cli.exitCode).as(option[0] + ": " + cli.out()).isEqualTo(2);
      assertThat(cli.err()).as(option[0]).isEqualTo(run.err()).hasLineCount(1);
    }
    assertThat(out.resolve("o")).doesNotExist();
  }

  @Test
  void anUnknownPaidModelOrAMissingPriceTableIsOneLineNamingTheOptionOrFile() {
    Path missing = out.resolve("missing-prices.json");
    Cli model = Cli.run("run", "--dry-run", "--tasks", EXAMPLE_TASKS.toString(), "--workspace",
        EXAMPLE_WORKSPACE.toString(), "--output", out.resolve("o").toString(), "--paid-model", "no-such-model");
    Cli table = Cli.run("run", "--dry-run", "--tasks", EXAMPLE_TASKS.toString(), "--workspace",
        EXAMPLE_WORKSPACE.toString(), "--output", out.resolve("o").toString(), "--price-table", missing.toString());

    assertThat(model.exitCode).isEqualTo(2);
    assertThat(model.err()).startsWith("error: --paid-model no-such-model is not in the price table (it has flat-rate,")
        .hasLineCount(1);
    assertThat(table.exitCode).isEqualTo(2);
    assertThat(table.err()).isEqualTo("error: cannot read price table " + missing + ": no such file"
        + System.lineSeparator());
  }

  /** A bad option is the user's to fix whatever the cluster: it is reported before the cluster is looked for. */
  @Test
  void collectWithABadPriceOptionSaysSoBeforeLookingForTheCluster() throws Exception {
    Path missing = out.resolve("missing-prices.json");
    Path noContext = Files.writeString(out.resolve("kubeconfig-without-context"), "apiVersion: v1\nkind: Config\n");

    Cli cli = Cli.run("collect", "--kubeconfig", noContext.toString(), "--price-table", missing.toString(),
        "--output", out.resolve("o").toString());

    assertThat(cli.exitCode).as(cli.err()).isEqualTo(2);
    assertThat(cli.err()).isEqualTo("error: cannot read price table " + missing + ": no such file"
        + System.lineSeparator());
  }

  @Test
  void anOutputThatIsAFileIsOneLineNamingTheOptionAndWhy() throws Exception {
    Path file = Files.writeString(out.resolve("results"), "not a directory");

    Cli cli = Cli.run("render", "--tasks", EXAMPLE_TASKS.toString(), "--workspace", EXAMPLE_WORKSPACE.toString(),
        "--output", file.toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).isEqualTo("error: --output " + file + ": cannot create the directory: a file of that name"
        + " is in the way" + System.lineSeparator());
  }

  /** render, run, local, verify and apply name --workspace alike when it is not a directory (a file, or nothing). */
  @Test
  void aWorkspaceThatIsNotADirectoryIsTheSameLineNamingTheOptionInEveryCommand() throws Exception {
    Path results = Files.writeString(out.resolve("results.json"), "{}");
    for (Path workspace : List.of(results, out.resolve("nowhere"))) {
      String expected = "error: --workspace " + workspace + " does not exist or is not a directory"
          + System.lineSeparator();
      String[] tasks = {"--tasks", EXAMPLE_TASKS.toString(), "--workspace", workspace.toString(),
          "--output", out.resolve("o").toString()};
      List<Cli> clis = List.of(
          Cli.run(concat(new String[] {"render"}, tasks)),
          Cli.run(concat(new String[] {"run", "--dry-run"}, tasks)),
          Cli.run(concat(new String[] {"local", "--ollama-url", "http://127.0.0.1:1"}, tasks)),
          Cli.run("verify", "--results", results.toString(), "--workspace", workspace.toString()),
          Cli.run("apply", "--results", results.toString(), "--workspace", workspace.toString()));

      for (Cli cli : clis) {
        assertThat(cli.exitCode).as(cli.err()).isEqualTo(2);
        assertThat(cli.err()).isEqualTo(expected);
      }
    }
    assertThat(out.resolve("o")).doesNotExist();
  }

  /** The tasks file's problems still come with that of the workspace, each on its line. */
  @Test
  void aWorkspaceThatIsNotADirectoryIsReportedWithTheTaskFilesProblems() throws Exception {
    Path tasks = Files.writeString(out.resolve("tasks.json"), "[{\"id\": \"T-1\", \"title\": \"a\", \"priority\": \"urgent\"}]");
    Path nowhere = out.resolve("nowhere");

    Cli cli = Cli.run("render", "--tasks", tasks.toString(), "--workspace", nowhere.toString(), "--output",
        out.resolve("o").toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err().lines()).hasSize(2);
    assertThat(cli.err()).startsWith("error: --workspace " + nowhere + " does not exist or is not a directory")
        .contains("T-1", "urgent");
  }

  private static String[] concat(String[] a, String[] b) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
        .toArray(String[]::new);
  }

  /** A file of the output that cannot be written is named, not only the directory it is in. */
  @Test
  void renderThatCannotWriteOneFileOfTheOutputNamesThatFile() throws Exception {
    Path dir = Files.createDirectories(out.resolve("rendered"));
    Path plan = Files.createDirectories(dir.resolve("plan.json"));

    Cli cli = Cli.run("render", "--tasks", EXAMPLE_TASKS.toString(), "--workspace", EXAMPLE_WORKSPACE.toString(),
        "--output", dir.toString());

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).contains(plan.toString()).doesNotContain("Exception", "\tat ");
  }

  @Test
  void theLocalCostIsPricedOneWayOnly() {
    Cli cli = Cli.run("local", "--ollama-url", "http://127.0.0.1:1", "--local-price-per-1k", "0.001",
        "--cluster-cost-per-hour", "2");

    assertThat(cli.exitCode).isEqualTo(2);
    assertThat(cli.err()).contains("--local-price-per-1k and --cluster-cost-per-hour");
  }

  @Test
  void renderPlansEveryExampleTaskExactlyOnceAndWritesEveryManifest() throws Exception {
    Cli cli = Cli.run("render", "--tasks", EXAMPLE_TASKS.toString(), "--workspace", EXAMPLE_WORKSPACE.toString(),
        "--output", out.toString());

    assertThat(cli.exitCode).as(cli.err()).isZero();
    List<String> expected = new ArrayList<>(List.of("k8s-namespace.yaml", "ollama-deployment.yaml",
        "ollama-service.yaml", "ollama-pods-service.yaml", "orchestrator-configmap.yaml", "k8s-networkpolicy.yaml",
        "k8s-rbac.yaml", "plan.json"));
    IntStream.rangeClosed(1, 12).forEach(i -> expected.add("k8s-worker-" + i + "-job.yaml"));
    for (String name : expected) {
      assertThat(out.resolve(name)).isNotEmptyFile();
    }
    try (var files = Files.list(out)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrderElementsOf(expected);
    }
    assertThat(cli.out()).contains("Wrote plan.json and " + (expected.size() - 1) + " manifest files to " + out);
    Plan plan = Json.mapper().readValue(Files.readString(out.resolve("plan.json")), Plan.class);
    List<String> planned = plan.workers().stream().flatMap(w -> w.tasks().stream()).sorted().toList();
    List<String> ids = IntStream.rangeClosed(1, 71).mapToObj(i -> String.format("T-%03d", i)).toList();
    assertThat(planned).containsExactlyElementsOf(ids);
    assertThat(plan.workers()).hasSize(12);
    assertThat(cli.out()).contains("k8s-worker-12", "71 tasks",
        "Not written: the Secret honest-signing-key with the run's private signing key");
    assertThat(ConfigLayout.toJson(plan)).isEqualTo(Files.readString(out.resolve("plan.json")));
    try (var files = Files.list(out)) {
      for (Path f : files.toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain("kind: Secret", "PRIVATE KEY");
      }
    }
  }

  /**
   * manifests/README: `kubectl apply -f manifests/` creates the static objects "as they are", and the
   * launcher renders a run from the same files: with the defaults, `render` writes exactly those
   * objects (the worker Job is a template, filled in per worker, and not compared).
   */
  @Test
  void renderWithTheDefaultsWritesTheStaticManifestsOfTheRepositoryUnchanged() throws Exception {
    Cli cli = Cli.run("render", "--tasks", EXAMPLE_TASKS.toString(), "--workspace", EXAMPLE_WORKSPACE.toString(),
        "--output", out.toString());
    assertThat(cli.exitCode).as(cli.err()).isZero();

    KubernetesSerialization yaml = new KubernetesSerialization();
    Path manifests = Path.of("..", "manifests");
    Map<String, String> renderedAs = Map.of(
        "namespace.yaml", "k8s-namespace.yaml",
        "networkpolicy.yaml", "k8s-networkpolicy.yaml",
        "worker-rbac.yaml", "k8s-rbac.yaml",
        "ollama-deployment.yaml", "ollama-deployment.yaml",
        "ollama-service.yaml", "ollama-service.yaml",
        "ollama-pods-service.yaml", "ollama-pods-service.yaml");
    for (Map.Entry<String, String> file : renderedAs.entrySet()) {
      Object inRepository = yaml.unmarshal(Files.readString(manifests.resolve(file.getKey())));
      Object rendered = yaml.unmarshal(Files.readString(out.resolve(file.getValue())));
      assertThat(yaml.asJson(rendered)).as(file.getValue() + " against manifests/" + file.getKey())
          .isEqualTo(yaml.asJson(inRepository));
    }
  }

  @Test
  void theReadmeListsEveryFileRenderWritesAndNoOther() throws Exception {
    String ls = Files.readString(Path.of("..", "README.md")).lines().filter(l -> l.startsWith("ls out"))
        .findFirst().orElseThrow();
    Cli cli = Cli.run("render", "--tasks", EXAMPLE_TASKS.toString(), "--workspace", EXAMPLE_WORKSPACE.toString(),
        "--output", out.toString());
    assertThat(cli.exitCode).as(cli.err()).isZero();

    List<String> written;
    try (var files = Files.list(out)) {
      written = files.map(f -> f.getFileName().toString().replaceFirst("^k8s-worker-\\d+-job", "k8s-worker-1..12-job"))
          .distinct().sorted().toList();
    }
    List<String> listed = List.of(ls.substring(ls.indexOf('#') + 1).strip().split(", "));
    assertThat(listed).containsExactlyInAnyOrderElementsOf(written);
  }

  @Test
  void runWithDryRunTouchesNoCluster() {
    Cli cli = Cli.run("run", "--dry-run", "--tasks", EXAMPLE_TASKS.toString(), "--workspace",
        EXAMPLE_WORKSPACE.toString(), "--output", out.toString(), "--kubeconfig", out.resolve("none").toString());

    assertThat(cli.exitCode).as(cli.err()).isZero();
    assertThat(cli.out()).contains("Dry run: nothing was applied.");
  }

  @Test
  void anUnreachableClusterIsOneLineWithTheFixAndExitCode3() throws Exception {
    Path kubeconfig = kubeconfigOfAnUnreachableCluster();

    Cli cli = Cli.run("run", "--tasks", EXAMPLE_TASKS.toString(), "--workspace", EXAMPLE_WORKSPACE.toString(),
        "--output", out.toString(), "--kubeconfig", kubeconfig.toString());

    assertThat(cli.exitCode).as(cli.out() + cli.err()).isEqualTo(3);
    assertThat(cli.err().strip().lines()).hasSize(1);
    assertThat(cli.err()).contains("127.0.0.1:1").doesNotContain("\tat ");
  }

  /** A kubeconfig whose current context names a server nothing listens on. */
  private Path kubeconfigOfAnUnreachableCluster() throws Exception {
    Path kubeconfig = out.resolve("kubeconfig");
    Files.createDirectories(out);
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: gone
          cluster:
            server: https://127.0.0.1:1
        contexts:
        - name: gone
          context:
            cluster: gone
            user: u
        current-context: gone
        users:
        - name: u
          user:
            token: not-a-secret
        """);
    return kubeconfig;
  }
}
