package dev.honest.common.result;

/**
 * A modification that really happened to a private copy of a task's file.
 *
 * @param path workspace-relative path
 * @param md5Before MD5 of the original bytes
 * @param sha256Before SHA-256 of the original bytes
 * @param md5After MD5 of the modified bytes
 * @param sha256After SHA-256 of the modified bytes
 * @param diff unified diff with {@code a/} and {@code b/} prefixes ({@code git apply -p1} accepts it)
 */
public record Change(
    String path, String md5Before, String sha256Before, String md5After, String sha256After, String diff) {
  public Change {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("change path must not be blank");
    }
    Hex.require("md5_before", md5Before, 32);
    Hex.require("sha256_before", sha256Before, 64);
    Hex.require("md5_after", md5After, 32);
    Hex.require("sha256_after", sha256After, 64);
    if (diff == null || diff.isEmpty()) {
      throw new IllegalArgumentException("change of " + path + " has no diff");
    }
  }
}
