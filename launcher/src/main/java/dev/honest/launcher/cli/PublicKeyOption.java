package dev.honest.launcher.cli;

import dev.honest.common.io.IoProblems;
import dev.honest.common.proof.Keys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import picocli.CommandLine.Option;

/**
 * {@code --public-key FILE} of {@code verify} and {@code apply}: the key the results are checked against.
 * {@link ResumeOption}'s {@code --resume-public-key} reads its key the same way.
 */
final class PublicKeyOption {
  @Option(names = "--public-key", paramLabel = "FILE",
      description = "The run's public key (PEM), got independently of the results file (its fingerprint is"
          + " printed at the end of the run). Without it the key inside the results file is used.")
  Path file;

  /** The key, or null without {@code --public-key}: then the key inside the results is trusted. */
  PublicKey read() {
    return file == null ? null : read("--public-key", file);
  }

  /**
   * The public key (PEM) in {@code file}, given with {@code option}.
   *
   * @throws LauncherException invalid input naming the option and the file when it cannot be read
   */
  static PublicKey read(String option, Path file) {
    try {
      return Keys.readPublicKey(file);
    } catch (IOException e) {
      throw LauncherException.invalidInput(option + " " + file + ": " + IoProblems.why(e));
    } catch (IllegalArgumentException e) {
      // Keys names the file it read first: "FILE: the PUBLIC KEY is ..."
      throw LauncherException.invalidInput(option + " " + e.getMessage());
    }
  }
}
