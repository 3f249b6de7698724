package dev.honest.common.result;

/**
 * Proof of one input file as the worker read it.
 *
 * @param path workspace-relative path
 * @param bytes size in bytes
 * @param md5 lowercase hex MD5 of the bytes
 * @param sha256 lowercase hex SHA-256 of the bytes
 * @param binary true when the file has a NUL byte or is not valid UTF-8 (hashed, not sent to the model)
 */
public record InputFile(String path, long bytes, String md5, String sha256, boolean binary) {
  public InputFile {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("input path must not be blank");
    }
    Hex.require("md5", md5, 32);
    Hex.require("sha256", sha256, 64);
  }
}
