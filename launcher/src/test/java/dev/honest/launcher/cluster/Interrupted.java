package dev.honest.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A launcher stopped as Ctrl-C stops it: its exit code and what it printed. Ctrl-C is a real signal
 * to a real launcher JVM (SIGTERM, which runs the same shutdown hooks: a JVM started by a shell in
 * the background inherits SIGINT ignored).
 */
record Interrupted(int exitCode, String output) {
  /**
   * Runs the launcher with {@code args} in a JVM of its own and stops it once it printed a line
   * containing {@code cue} (ASCII: without a UTF-8 locale the child prints emoji as '?').
   */
  static Interrupted at(String cue, List<String> args) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> lines = new CopyOnWriteArrayList<>();
    List<String> command = new ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path"),
        "dev.honest.launcher.LauncherMain"));
    command.addAll(args);
    Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      CountDownLatch cued = new CountDownLatch(1);
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            lines.add(line);
            if (line.contains(cue)) {
              cued.countDown();
            }
          }
        } catch (IOException ignored) {
          // the process ended
        }
      });
      reader.start();
      assertThat(cued.await(2, TimeUnit.MINUTES)).as(String.join("\n", lines)).isTrue();
      // Not Process.destroy(): that also closes this side's end of the launcher's output.
      new ProcessBuilder("kill", "-TERM", String.valueOf(launcher.pid())).start().waitFor();
      assertThat(launcher.waitFor(1, TimeUnit.MINUTES)).isTrue();
      reader.join(10_000);
      return new Interrupted(launcher.exitValue(), String.join("\n", lines));
    } finally {
      launcher.destroyForcibly();
    }
  }
}
