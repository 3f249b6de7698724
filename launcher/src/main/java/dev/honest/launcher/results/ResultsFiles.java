package dev.honest.launcher.results;

import dev.honest.common.json.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The files a run leaves in its output directory, named once. */
public final class ResultsFiles {
  public static final String RESULTS_FILE = "k8s-cluster-results.json";
  /** The run's public key (PEM), also inside the results; the private key is never written here. */
  public static final String PUBLIC_KEY_FILE = "run-signing-key.pub";

  private ResultsFiles() {}

  /** {@code k8s-worker-N-log.txt}. */
  public static String logFileName(int workerIndex) {
    return "k8s-worker-" + workerIndex + "-log.txt";
  }

  public static void writeLog(Path outputDir, WorkerOutcome outcome) throws IOException {
    writeAtomically(outputDir.resolve(logFileName(outcome.index())), outcome.log().getBytes(StandardCharsets.UTF_8));
  }

  public static Path writeResults(Path outputDir, ClusterResults results) throws IOException {
    Path file = outputDir.resolve(RESULTS_FILE);
    // Streamed: the results of a large run are tens of MB, too much to hold twice in memory.
    writeAtomically(file, out -> Json.pretty().writeValue(out, results));
    return file;
  }

  /**
   * Reads a results file.
   *
   * @throws IllegalArgumentException when the file holds JSON null; the message names the file
   */
  public static ClusterResults readResults(Path file) throws IOException {
    ClusterResults results = Json.mapper().readValue(Files.readAllBytes(file), ClusterResults.class);
    if (results == null) {
      throw new IllegalArgumentException("results file " + file + " holds JSON null, not a " + RESULTS_FILE);
    }
    return results;
  }

  /** Writes through a temporary file so a crash never leaves half a file behind. */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    writeAtomically(file, out -> out.write(bytes));
  }

  /** Writes what {@code content} writes to a buffered stream, through a temporary file as above. */
  public static void writeAtomically(Path file, Content content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
      content.writeTo(out);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** What a file is made of, written to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }
}
