package dev.honest.common.hash;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.commons.codec.binary.Hex;

/**
 * Size, MD5, SHA-256 and a binary-or-text verdict of files and byte arrays, computed in one pass.
 *
 * <p>Content is <em>binary</em> when it contains a NUL byte or is not valid UTF-8; everything else,
 * the empty content included, is text.
 */
public final class Hashes {
  /** Large reads keep the per-call overhead of the channel and the digests negligible. */
  private static final int BUFFER_SIZE = 1 << 20;

  /** Reads eight bytes at a time for the NUL scan. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private Hashes() {}

  /** Digests a file, streaming it once; the file may be larger than memory. */
  public static FileDigest digest(Path file) throws IOException {
    Digester digester = new Digester(BUFFER_SIZE);
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      // The buffer may start with the few bytes of a UTF-8 character cut off by the previous read;
      // they were hashed then, so only the bytes after them are new.
      int start = buffer.position();
      int read;
      while ((read = channel.read(buffer)) >= 0) {
        digester.hash(buffer.array(), start, read);
        buffer.flip();
        digester.decode(buffer, false);
        buffer.compact();
        start = buffer.position();
      }
      buffer.flip();
      digester.decode(buffer, true);
    }
    return digester.result();
  }

  /** Digests bytes held in memory. */
  public static FileDigest digest(byte[] bytes) {
    Digester digester = new Digester(Math.min(bytes.length, BUFFER_SIZE));
    digester.hash(bytes, 0, bytes.length);
    digester.decode(ByteBuffer.wrap(bytes), true);
    return digester.result();
  }

  /** Lowercase hex SHA-256 of the bytes. */
  public static String sha256Hex(byte[] bytes) {
    return Hex.encodeHexString(newDigest("SHA-256").digest(bytes));
  }

  /** Lowercase hex MD5 of the bytes. */
  public static String md5Hex(byte[] bytes) {
    return Hex.encodeHexString(newDigest("MD5").digest(bytes));
  }

  private static MessageDigest newDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide MD5 and SHA-256.
      throw new IllegalStateException(algorithm + " is not available", e);
    }
  }

  /** True when bytes[from, to) contains a 0 byte. */
  static boolean containsNul(byte[] bytes, int from, int to) {
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long word = (long) LONGS.get(bytes, i);
      // Classic "has a zero byte" test: sets a byte's high bit only where that byte is 0.
      if (((word - 0x0101010101010101L) & ~word & 0x8080808080808080L) != 0) {
        return true;
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }

  /** The state of one pass: both digests, the byte count and the streaming UTF-8 check. */
  private static final class Digester {
    private final MessageDigest md5 = newDigest("MD5");
    private final MessageDigest sha256 = newDigest("SHA-256");
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final CharBuffer chars;
    private long size;
    private boolean binary;

    Digester(int chunkSize) {
      // UTF-8 never decodes to more chars than it has bytes, so one chunk fits in one call.
      chars = CharBuffer.allocate(Math.max(chunkSize, 16));
    }

    void hash(byte[] bytes, int offset, int length) {
      md5.update(bytes, offset, length);
      sha256.update(bytes, offset, length);
      size += length;
      if (!binary && containsNul(bytes, offset, offset + length)) {
        binary = true;
      }
    }

    /**
     * Decodes what {@code in} holds, leaving an incomplete trailing character in it for the next
     * call unless this is the end. Does nothing (and consumes everything) once content is binary.
     */
    void decode(ByteBuffer in, boolean endOfInput) {
      if (binary) {
        in.position(in.limit());
        return;
      }
      CoderResult result;
      do {
        chars.clear();
        result = utf8.decode(in, chars, endOfInput);
      } while (result.isOverflow());
      if (endOfInput && result.isUnderflow()) {
        chars.clear();
        result = utf8.flush(chars);
      }
      if (result.isError()) {
        binary = true;
        in.position(in.limit());
      }
    }

    FileDigest result() {
      return new FileDigest(size, Hex.encodeHexString(md5.digest()), Hex.encodeHexString(sha256.digest()), binary);
    }
  }
}
