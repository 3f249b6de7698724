package dev.honest.launcher.cli;

import dev.honest.common.proof.Keys;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import picocli.CommandLine.Option;

/** {@code --public-key FILE} of {@code verify} and {@code apply}: the key the results are checked against. */
final class PublicKeyOption {
  @Option(names = "--public-key", paramLabel = "FILE",
      description = "The run's public key (PEM), got independently of the results file (its fingerprint is"
          + " printed at the end of the run). Without it the key inside the results file is used.")
  Path file;

  /** The key, or null without {@code --public-key}: then the key inside the results is trusted. */
  PublicKey read() {
    if (file == null) {
      return null;
    }
    try {
      return Keys.readPublicKey(file);
    } catch (NoSuchFileException e) {
      throw LauncherException.invalidInput("--public-key " + file + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw LauncherException.invalidInput("--public-key " + file + ": " + e.getMessage());
    }
  }
}
