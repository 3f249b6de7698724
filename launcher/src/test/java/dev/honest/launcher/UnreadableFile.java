package dev.honest.launcher;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file that exists and cannot be read. Tests run as root here, where no file they write is
 * unreadable whatever its mode: the write-only {@code /proc/sys/vm/drop_caches} is, even to root.
 */
public final class UnreadableFile {
  private UnreadableFile() {}

  /** {@code /proc/sys/vm/drop_caches}; skips the test where it is missing or can be read. */
  public static Path orSkip() {
    Path file = Path.of("/proc/sys/vm/drop_caches");
    boolean readable;
    try (var in = Files.newInputStream(file)) {
      readable = true;
    } catch (IOException e) {
      readable = false;
    }
    assumeFalse(readable || !Files.isRegularFile(file), file + " is missing or readable here");
    return file;
  }
}
