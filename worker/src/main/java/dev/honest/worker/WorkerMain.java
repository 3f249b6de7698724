package dev.honest.worker;

import dev.honest.common.config.ConfigException;
import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.config.WorkerSlice;
import dev.honest.common.exit.ExitCode;
import dev.honest.common.exit.ProcessExit;
import dev.honest.common.io.IoProblems;
import dev.honest.common.proof.SigningKey;
import dev.honest.common.task.TaskSpec;
import dev.honest.common.task.WorkspacePaths;
import dev.honest.common.version.ProjectVersion;
import dev.honest.worker.claim.Claims;
import dev.honest.worker.claim.DirectoryClaims;
import dev.honest.worker.claim.LeaseClaims;
import dev.honest.worker.claim.TaskSource;
import dev.honest.worker.ollama.OllamaClient;
import dev.honest.worker.ollama.ServerAddresses;
import dev.honest.worker.run.SliceRunner;
import dev.honest.worker.run.WorkerIdentity;
import dev.honest.worker.run.WorkerOutput;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The worker program: reads its configuration directory and runs its slice of tasks.
 *
 * <p>Exit codes: 0 all tasks completed, 1 some failed, 2 invalid input or configuration,
 * 3 Ollama unavailable, 4 internal error ({@link ExitCode}).
 */
@Command(name = "worker", mixinStandardHelpOptions = true, versionProvider = WorkerMain.Version.class,
    description = {
        "Runs one slice of tasks against Ollama and prints a hash-proven, signed record per task.",
        "Each option falls back to its environment variable, which is how a pod configures it."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:all tasks completed", "1:some tasks failed (each failure is in its record)",
        "2:invalid input or configuration", "3:Ollama unavailable", "4:internal error"})
public final class WorkerMain implements Callable<Integer> {
  /** What {@code --version} prints: the project's version, as the launcher's does. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"honest-orchestration worker " + ProjectVersion.get()};
    }
  }

  @Option(names = "--config-dir", paramLabel = "DIR",
      defaultValue = "${env:HONEST_CONFIG_DIR:-/etc/honest/config}",
      description = "Directory with config.json, tasks.json and plan.json (env HONEST_CONFIG_DIR). Default: ${DEFAULT-VALUE}")
  Path configDir;

  @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "${env:HONEST_WORKSPACE:-/workspace}",
      description = "Directory holding the tasks' files (env HONEST_WORKSPACE). Default: ${DEFAULT-VALUE}")
  Path workspace;

  @Option(names = "--worker", paramLabel = "N", defaultValue = "${env:HONEST_WORKER_INDEX:-1}",
      description = "1-based worker index: which slice of plan.json to run (env HONEST_WORKER_INDEX). Default: ${DEFAULT-VALUE}")
  int worker;

  @Option(names = "--pod", paramLabel = "NAME", defaultValue = "${env:HONEST_POD_NAME:-${env:HOSTNAME}}",
      description = "Pod name recorded in results (env HONEST_POD_NAME, else HOSTNAME).")
  String pod;

  @Option(names = "--node", paramLabel = "NAME", defaultValue = "${env:HONEST_NODE_NAME}",
      description = "Node name recorded in results (env HONEST_NODE_NAME).")
  String node;

  @Option(names = "--claims-dir", paramLabel = "DIR", defaultValue = "${env:HONEST_CLAIMS_DIR}",
      description = {"A directory all workers of the run share (env HONEST_CLAIMS_DIR). With it, every task is claimed",
          "there before it starts, and a worker whose slice is done takes over unclaimed tasks of the others.",
          "Without it the worker runs exactly its slice."})
  Path claimsDir;

  @Option(names = "--lease-claims", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
      defaultValue = "${env:HONEST_LEASE_CLAIMS:-false}",
      description = {"In a pod: claim every task as a Lease in the run's namespace through the API server, with the",
          "pod's service account (env HONEST_LEASE_CLAIMS), and take over unclaimed tasks of the others once this",
          "worker's slice is done. When the API server cannot be used, the worker says why and runs its slice only."})
  boolean leaseClaims;

  /** Where a pod mounts the Secret {@code honest-signing-key}. */
  public static final String DEFAULT_SIGNING_KEY = "/etc/honest/signing/key.pem";

  @Option(names = "--signing-key", paramLabel = "FILE",
      defaultValue = "${env:HONEST_SIGNING_KEY:-" + DEFAULT_SIGNING_KEY + "}",
      description = {"The run's Ed25519 private key (PEM, PKCS#8), which signs every record (env HONEST_SIGNING_KEY).",
          "Without it the worker refuses to run. Default: ${DEFAULT-VALUE}"})
  Path signingKey;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  public static void main(String[] args) {
    ProcessExit.exit(execute(args));
  }

  /** Runs the worker as {@code main} would and returns the exit code. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new WorkerMain());
    // A bad option or value is invalid input, said as the launcher says it: one line, the suggestions,
    // where the options are listed. Only what escapes call() is a bug.
    cli.setParameterExceptionHandler((e, args1) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("error: " + e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
      err.println("Run '" + e.getCommandLine().getCommandName() + " --help' for the options.");
      err.flush();
      return ExitCode.INVALID_INPUT.code();
    });
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      System.err.println("[worker] internal error: " + e);
      e.printStackTrace();
      return ExitCode.INTERNAL.code();
    });
    return cli.execute(args);
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (worker < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--worker (env HONEST_WORKER_INDEX) must be 1 or more, got " + worker);
    }
    // Every line this worker prints goes through output, also those before its first task (its claims, its
    // Ollama addresses) and a claim failing midway. SIGTERM (a pod deleted, evicted or past its deadline) ends
    // the JVM once its shutdown hooks have run: this one lets a line being printed (a record with its statement)
    // end, and says where the worker stopped.
    WorkerOutput output = new WorkerOutput(out, worker);
    Thread stop = new Thread(() -> output.stop(STOP_WAIT), "worker-stop");
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      return run(output);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs
      }
    }
  }

  private int run(WorkerOutput output) {
    WorkerConfig config;
    TaskSource tasks;
    try {
      config = ConfigLayout.readConfig(configDir);
      if (leaseClaims && claimsDir != null) {
        throw new ConfigException("--lease-claims and --claims-dir exclude each other: claims are in one place");
      }
      String runId = config.runId();
      String holder = blankToNull(pod) == null ? "worker-" + worker : pod;
      Plan plan = ConfigLayout.readPlan(configDir);
      List<TaskSpec> all = ConfigLayout.readTasks(configDir);
      tasks = leaseClaims
          ? leaseSource(plan, all, worker, workspace, () -> LeaseClaims.inCluster(runId, worker, holder), output)
          : taskSource(plan, all, worker, claimsDir, System.err);
    } catch (ConfigException e) {
      System.err.println("[worker-" + worker + "] invalid configuration: " + e.getMessage());
      return ExitCode.INVALID_INPUT.code();
    }
    SigningKey key;
    try {
      key = SigningKey.read(signingKey);
    } catch (IOException | IllegalArgumentException e) {
      // SigningKey names the file it read first: "FILE: holds a PEM ...".
      String why = e instanceof IOException io ? signingKey + ": " + IoProblems.why(io) : e.getMessage();
      System.err.println("[worker-" + worker + "] no usable signing key at " + why + " — every record must be signed; the launcher provides the run's key (the Secret honest-signing-key"
          + " in a pod, env HONEST_SIGNING_KEY or --signing-key otherwise)");
      return ExitCode.INVALID_INPUT.code();
    }
    config = ServerAddresses.expand(config, ServerAddresses.DNS, output::say);
    OllamaClient ollama = OllamaClient.create(config);
    WorkerIdentity identity = new WorkerIdentity(worker, blankToNull(pod), blankToNull(node));
    return new SliceRunner(config, workspace, ollama, identity, key, output, Clock.systemUTC(), null)
        .run(tasks).code();
  }

  /**
   * How long a stopped worker waits for a record being printed: well within the 30 s the kubelet
   * gives a pod between SIGTERM and SIGKILL (terminationGracePeriodSeconds).
   */
  static final Duration STOP_WAIT = Duration.ofSeconds(20);

  /**
   * Where worker {@code worker} gets its tasks: its slice of {@code plan}, and with a claims
   * directory the unclaimed tasks of the other slices after it. When that directory fails later, the
   * worker says why on {@code err} and runs the rest of its slice only.
   *
   * @param claimsDir the run's shared claims directory, or null
   * @param err where the worker's own messages go (a thread worker's output, not this process's)
   * @throws ConfigException when the plan has no such slice or names a task that {@code all} lacks
   */
  public static TaskSource taskSource(Plan plan, List<TaskSpec> all, int worker, Path claimsDir, PrintStream err)
      throws ConfigException {
    List<TaskSpec> slice = sliceTasks(plan, all, worker);
    if (claimsDir == null) {
      return TaskSource.fixed(slice);
    }
    if (!Files.isDirectory(claimsDir)) {
      throw new ConfigException("--claims-dir " + claimsDir + ": not a directory");
    }
    return claiming(plan, all, worker, new DirectoryClaims(claimsDir, worker), reason -> err.println(
        "[worker-" + worker + "] cannot claim tasks in " + claimsDir + " any more, so this worker runs the rest of"
            + " its slice and nothing else: " + reason));
  }

  /**
   * Where worker {@code worker} of a cluster run gets its tasks: its slice of {@code plan}, then the
   * unclaimed tasks of the other slices that it can run, each claimed as a Lease. A pod's workspace
   * holds the files of its own slice only (and its config directory may hold only its own tasks),
   * so it takes over only the tasks it knows whose files are all in {@code workspace}: tasks without
   * files always. When the API server cannot be used for claims (no token, refused, unreachable), it
   * says why on {@code output} and hands out exactly the slice, as every worker did before Leases; when
   * it fails later, the worker says why on {@code output} and runs the rest of its slice only.
   *
   * @throws ConfigException when the plan has no such slice or names a task of it that {@code all} lacks
   */
  public static TaskSource leaseSource(Plan plan, List<TaskSpec> all, int worker, Path workspace,
      LeaseClaims.Connector connector, WorkerOutput output) throws ConfigException {
    List<TaskSpec> slice = sliceTasks(plan, all, worker);
    LeaseClaims leases;
    try {
      leases = connector.connect();
      leases.check();
    } catch (IOException e) {
      output.say("cannot claim tasks as Leases, so this worker runs its slice of the plan"
          + " and nothing else: " + e.getMessage());
      return TaskSource.fixed(slice);
    }
    Map<String, TaskSpec> byId = new LinkedHashMap<>();
    all.forEach(t -> byId.putIfAbsent(t.id(), t));
    List<WorkerSlice> runnable = new ArrayList<>();
    int others = 0;
    int takeable = 0;
    for (WorkerSlice s : plan.workers()) {
      if (s.index() == worker) {
        runnable.add(s);
        continue;
      }
      List<String> here = s.tasks().stream()
          .filter(id -> byId.containsKey(id) && byId.get(id).files().stream()
              .allMatch(file -> WorkspacePaths.problem(workspace, file).isEmpty()))
          .toList();
      others += s.tasks().size();
      takeable += here.size();
      runnable.add(new WorkerSlice(s.index(), s.name(), s.job(), here, s.estimatedTokens()));
    }
    output.say("claiming tasks as Leases in namespace " + leases.namespace()
        + "; after its slice it may take over " + takeable + " of the " + others + " other tasks (those whose files"
        + " are in its workspace)");
    return claiming(new Plan(plan.runId(), runnable), all, worker, leases, reason -> output.say(
        "cannot claim tasks as Leases any more, so this worker runs the rest of its slice"
            + " and nothing else: " + reason));
  }

  private static TaskSource claiming(Plan plan, List<TaskSpec> all, int worker, Claims claims,
      Consumer<String> claimsFailed) throws ConfigException {
    Map<String, TaskSpec> byId = new LinkedHashMap<>();
    all.forEach(t -> byId.putIfAbsent(t.id(), t));
    try {
      return TaskSource.claiming(plan, byId, worker, claims, claimsFailed);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigLayout.PLAN_FILE + ": " + e.getMessage());
    }
  }

  /**
   * The tasks of worker {@code worker}'s slice, in the plan's order.
   *
   * @throws ConfigException when the plan has no such slice or names a task that {@code all} lacks
   */
  public static List<TaskSpec> sliceTasks(Plan plan, List<TaskSpec> all, int worker) throws ConfigException {
    WorkerSlice slice = plan.worker(worker).orElseThrow(() -> new ConfigException(
        ConfigLayout.PLAN_FILE + ": no slice for worker " + worker + " (the plan has "
            + plan.workers().size() + " workers)"));
    Map<String, TaskSpec> byId = all.stream()
        .collect(Collectors.toMap(TaskSpec::id, Function.identity(), (a, b) -> a));
    List<TaskSpec> tasks = new ArrayList<>();
    for (String id : slice.tasks()) {
      TaskSpec t = byId.get(id);
      if (t == null) {
        throw new ConfigException(ConfigLayout.PLAN_FILE + ": worker " + worker + " is given task " + id
            + ", which " + ConfigLayout.TASKS_FILE + " does not contain");
      }
      tasks.add(t);
    }
    return tasks;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
