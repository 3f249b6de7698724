package dev.honest.launcher.cli;

import dev.honest.common.exit.ExitCode;
import dev.honest.common.version.ProjectVersion;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * {@code launcher [run] | render | local | status | collect | cleanup | apply | verify}. Without a subcommand it
 * runs on the cluster ({@code run}).
 */
@Command(name = "launcher", mixinStandardHelpOptions = true, versionProvider = LauncherCommand.Version.class,
    description = "Runs a batch of code-review and remediation tasks through local LLMs (Ollama) on Kubernetes,"
        + " and proves what it did. Without a subcommand: `run`.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:all tasks completed",
        "1:some tasks failed (see k8s-cluster-results.json), or the run was stopped (Ctrl-C, --timeout)",
        "2:invalid input: task file, option, kubeconfig, an earlier run in the way, or a --namespace that holds no run",
        "3:the cluster or Ollama is unavailable", "4:internal error"})
public final class LauncherCommand extends DeployingCommand {
  /** What {@code --version} prints, the launcher's and every command's: the project's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"honest-orchestration launcher " + ProjectVersion.get()};
    }
  }

  /** The subcommands, in the order the help lists them. */
  private static final List<Class<?>> SUBCOMMANDS = List.of(RunCommand.class, RenderCommand.class,
      LocalCommand.class, StatusCommand.class, CollectCommand.class, CleanupCommand.class, ApplyCommand.class,
      VerifyCommand.class);

  /** Parses, runs and maps every outcome to the documented exit codes. */
  public static int execute(String... args) {
    return commandLine(args).execute(args);
  }

  /**
   * The configured command line for {@code args} (tests use it with their own writers). When the
   * first argument names a subcommand, that is the command that runs, and it is the only subcommand
   * set up: picocli reads each subcommand's options by reflection, a good part of the launcher's
   * start. Otherwise (no argument, an option first, a misspelt command) every subcommand is, for
   * the help, the default {@code run} and the suggestions.
   */
  public static CommandLine commandLine(String... args) {
    CommandLine cli = new CommandLine(new LauncherCommand());
    String first = args.length == 0 ? null : args[0];
    boolean named = SUBCOMMANDS.stream().anyMatch(command -> name(command).equals(first));
    for (Class<?> command : SUBCOMMANDS) {
      if (!named || name(command).equals(first)) {
        cli.addSubcommand(command);
      }
    }
    // The handlers go to the subcommands registered so far: set after them.
    cli.setParameterExceptionHandler(LauncherCommand::usageError);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      PrintWriter err = cmd.getErr();
      if (e instanceof LauncherException le) {
        err.println("error: " + le.getMessage());
        err.flush();
        return le.exitCode().code();
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        err.println("interrupted");
        err.flush();
        return ExitCode.TASKS_FAILED.code();
      }
      err.println("internal error: " + e);
      if (Boolean.getBoolean("honest.stacktrace")) {
        e.printStackTrace(err);
      } else {
        err.println("(run again with -Dhonest.stacktrace=true for the stack trace)");
      }
      err.flush();
      return ExitCode.INTERNAL.code();
    });
    return cli;
  }

  private static String name(Class<?> command) {
    return command.getAnnotation(Command.class).name();
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("error: " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
    err.flush();
    return ExitCode.INVALID_INPUT.code();
  }
}
