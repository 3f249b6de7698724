package dev.honest.launcher;

import dev.honest.common.exit.ProcessExit;
import dev.honest.common.json.Json;
import dev.honest.launcher.cli.LauncherCommand;

/** {@code java -jar launcher.jar}: wires the command line and exits with its code. */
public final class LauncherMain {
  private LauncherMain() {}

  public static void main(String[] args) {
    // Every command reads or writes JSON, and building the shared mapper is a good part of the
    // launcher's start (hundreds of classes): it is built while the command line is parsed.
    Thread json = new Thread(Json::mapper, "json-mapper");
    json.setDaemon(true);
    json.start();
    ProcessExit.exit(LauncherCommand.execute(args));
  }
}
