package dev.honest.launcher.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code local} on {@link dev.honest.launcher.SmallProject} with two workers, each on exactly its
 * slice ({@code --fixed-slices}), so that each chain holds the statements of the same tasks every time.
 */
final class SmallRun {
  private SmallRun() {}

  static Cli local(Path tasks, Path workspace, Path output, String ollamaUrl, String... extra) {
    List<String> args = new ArrayList<>(List.of("local", "--tasks", tasks.toString(), "--workspace",
        workspace.toString(), "--output", output.toString(), "--ollama-url", ollamaUrl, "--workers", "2",
        "--fixed-slices"));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }
}
