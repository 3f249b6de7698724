package dev.honest.launcher.results;

import dev.honest.common.json.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The files a run leaves in its output directory, named once. */
public final class ResultsFiles {
  public static final String RESULTS_FILE = "k8s-cluster-results.json";
  /** The run's public key (PEM), also inside the results; the private key is never written here. */
  public static final String PUBLIC_KEY_FILE = "run-signing-key.pub";

  /** {@link #logFileName}'s form, with the worker index as group 1. */
  private static final Pattern LOG_FILE = Pattern.compile("k8s-worker-([1-9][0-9]{0,8})-log\\.txt");

  private ResultsFiles() {}

  /** {@code k8s-worker-N-log.txt}. */
  public static String logFileName(int workerIndex) {
    return "k8s-worker-" + workerIndex + "-log.txt";
  }

  /**
   * Removes the {@code k8s-worker-N-log.txt} files an earlier run left in {@code outputDir} for
   * workers this run does not have, so that every worker log there is this run's.
   *
   * @param workers the indices of this run's workers
   */
  public static void removeOtherLogs(Path outputDir, Set<Integer> workers) throws IOException {
    try (DirectoryStream<Path> logs = Files.newDirectoryStream(outputDir, "k8s-worker-*-log.txt")) {
      for (Path file : logs) {
        Matcher log = LOG_FILE.matcher(file.getFileName().toString());
        if (log.matches() && !workers.contains(Integer.valueOf(log.group(1)))) {
          Files.delete(file);
        }
      }
    }
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

  /**
   * Writes through a temporary file in the same directory, moved over {@code file} once whole: a
   * Ctrl-C, a crash or a failed write never leaves half a file behind, {@code file} is either as it was
   * or as written, and no temporary file is left. Every file the launcher writes into an output
   * directory is written so.
   */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    writeAtomically(file, out -> out.write(bytes));
  }

  /** Writes {@code text} as UTF-8, through a temporary file as above. */
  public static void writeAtomically(Path file, String text) throws IOException {
    writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes what {@code content} writes to a buffered stream, through a temporary file as above. */
  public static void writeAtomically(Path file, Content content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    boolean moved = false;
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        content.writeTo(out);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        // A file system that cannot rename atomically: replaced all the same, the file whole in either case.
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        deleteQuietly(tmp);
      }
    }
  }

  private static void deleteQuietly(Path tmp) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // what failed first is what the caller is told
    }
  }

  /** What a file is made of, written to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }
}
