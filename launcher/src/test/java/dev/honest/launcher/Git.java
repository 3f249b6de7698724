package dev.honest.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real git in a directory, with the user's and the system's configuration kept out. */
public final class Git {
  private Git() {}

  /** Runs {@code git args} in {@code dir} and asserts that it succeeds; returns what it printed. */
  public static String run(Path dir, Path home, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-c", "core.autocrlf=false", "-c", "apply.whitespace=nowarn"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    builder.environment().put("HOME", home.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), output).isZero();
    return output;
  }
}
