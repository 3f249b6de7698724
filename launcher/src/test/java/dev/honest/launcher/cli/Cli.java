package dev.honest.launcher.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the launcher's command line in-process, capturing what it prints. */
final class Cli {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  int exitCode;

  static Cli run(String... args) {
    Cli cli = new Cli();
    CommandLine cmd = LauncherCommand.commandLine(args);
    cmd.setOut(new PrintWriter(cli.out, true));
    cmd.setErr(new PrintWriter(cli.err, true));
    cli.exitCode = cmd.execute(args);
    return cli;
  }

  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }
}
