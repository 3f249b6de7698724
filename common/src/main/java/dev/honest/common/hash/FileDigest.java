package dev.honest.common.hash;

/**
 * Size and digests of a byte sequence.
 *
 * @param bytes length
 * @param md5 lowercase hex
 * @param sha256 lowercase hex
 * @param binary true when the bytes contain NUL or are not valid UTF-8
 */
public record FileDigest(long bytes, String md5, String sha256, boolean binary) {}
