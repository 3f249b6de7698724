package dev.honest.bench.worker;

import dev.honest.common.hash.FileDigest;
import dev.honest.common.hash.Hashes;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code HashTiming FILE PASSES}: digests a file with {@link Hashes#digest} {@code PASSES} times in
 * this JVM and prints one line per pass, {@code pass <n> <seconds> <sha256>}. Run in a fresh JVM with
 * the worker's flags, its first pass is what a worker pays for such a file.
 */
final class HashTiming {
  static final String PREFIX = "pass ";

  private HashTiming() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int passes = Integer.parseInt(args[1]);
    for (int pass = 1; pass <= passes; pass++) {
      long started = System.nanoTime();
      FileDigest digest = Hashes.digest(file);
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(Locale.ROOT, "%s%d %.4f %s%n", PREFIX, pass, seconds, digest.sha256());
    }
  }
}
