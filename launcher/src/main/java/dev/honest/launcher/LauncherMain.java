package dev.honest.launcher;

import dev.honest.launcher.cli.LauncherCommand;

/** {@code java -jar launcher.jar}: wires the command line and exits with its code. */
public final class LauncherMain {
  private LauncherMain() {}

  public static void main(String[] args) {
    System.exit(LauncherCommand.execute(args));
  }
}
