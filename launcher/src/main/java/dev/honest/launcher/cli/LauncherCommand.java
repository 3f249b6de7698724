package dev.honest.launcher.cli;

import dev.honest.common.exit.ExitCode;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * {@code launcher [run] | render | local | status | collect | cleanup | apply | verify}. Without a subcommand it
 * runs on the cluster ({@code run}).
 */
@Command(name = "launcher", mixinStandardHelpOptions = true, version = "honest-orchestration launcher 0.1.0",
    description = {
        "Runs a batch of code-review and remediation tasks through local LLMs (Ollama) on Kubernetes,",
        "and proves what it did. Without a subcommand: `run`."},
    subcommands = {RunCommand.class, RenderCommand.class, LocalCommand.class, StatusCommand.class,
        CollectCommand.class, CleanupCommand.class, ApplyCommand.class, VerifyCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:all tasks completed", "1:some tasks failed (see k8s-cluster-results.json), or the run timed out",
        "2:invalid input: task file, option or configuration", "3:the cluster or Ollama is unavailable",
        "4:internal error"})
public final class LauncherCommand extends DeployingCommand {

  /** Parses, runs and maps every outcome to the documented exit codes. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line (tests use it with their own writers). */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new LauncherCommand());
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
