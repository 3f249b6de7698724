package dev.honest.common.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashesTest {
  /** The buffer size of {@link Hashes#digest(Path)}: content around it crosses a read boundary. */
  private static final int BUFFER = 1 << 20;

  private static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";
  private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String ABC_MD5 = "900150983cd24fb0d6963f7d28e17f72";
  private static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @TempDir
  Path dir;

  @Test
  void theEmptyInputMatchesTheKnownVectorsAndIsText() throws Exception {
    FileDigest expected = new FileDigest(0, EMPTY_MD5, EMPTY_SHA256, false);

    assertThat(Hashes.digest(new byte[0])).isEqualTo(expected);
    assertThat(Hashes.digest(Files.write(dir.resolve("empty"), new byte[0]))).isEqualTo(expected);
    assertThat(Hashes.md5Hex(new byte[0])).isEqualTo(EMPTY_MD5);
    assertThat(Hashes.sha256Hex(new byte[0])).isEqualTo(EMPTY_SHA256);
  }

  @Test
  void abcMatchesTheKnownVectors() throws Exception {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    FileDigest expected = new FileDigest(3, ABC_MD5, ABC_SHA256, false);

    assertThat(Hashes.digest(abc)).isEqualTo(expected);
    assertThat(Hashes.digest(Files.write(dir.resolve("abc"), abc))).isEqualTo(expected);
    assertThat(Hashes.md5Hex(abc)).isEqualTo(ABC_MD5);
    assertThat(Hashes.sha256Hex(abc)).isEqualTo(ABC_SHA256);
  }

  @Test
  void aFileSpanningSeveralBuffersHashesLikeItsWholeContent() throws Exception {
    byte[] content = new byte[3 * BUFFER + 12_345];
    new Random(42).nextBytes(content);
    Path file = Files.write(dir.resolve("big.bin"), content);

    assertThat(Hashes.digest(file)).isEqualTo(expected(content, true));
    assertThat(Hashes.digest(content)).isEqualTo(expected(content, true));
  }

  @Test
  void aMultiBufferTextFileIsTextAndHashesLikeItsWholeContent() throws Exception {
    byte[] content = "caf\u00e9 \u20ac \uD83D\uDE00 line\n".repeat(200_000).getBytes(StandardCharsets.UTF_8);
    assertThat(content.length).isGreaterThan(2 * BUFFER);
    Path file = Files.write(dir.resolve("big.txt"), content);

    assertThat(Hashes.digest(file)).isEqualTo(expected(content, false));
  }

  @Test
  void aNulByteMakesContentBinary() throws Exception {
    byte[] content = "plain text\0 more text".getBytes(StandardCharsets.US_ASCII);

    assertThat(Hashes.digest(content).binary()).isTrue();
    assertThat(Hashes.digest(Files.write(dir.resolve("nul"), content)).binary()).isTrue();
  }

  @Test
  void aNulByteFoundAtAnyPositionInAWordMakesContentBinary() {
    for (int position = 0; position < 17; position++) {
      byte[] content = "abcdefghijklmnopq".getBytes(StandardCharsets.US_ASCII);
      content[position] = 0;

      assertThat(Hashes.containsNul(content, 0, content.length)).as("NUL at %d", position).isTrue();
    }
    assertThat(Hashes.containsNul("abcdefghijklmnopq".getBytes(StandardCharsets.US_ASCII), 0, 17)).isFalse();
  }

  @Test
  void invalidUtf8MakesContentBinary() throws Exception {
    byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
    byte[] truncated = Arrays.copyOf("\u20ac".getBytes(StandardCharsets.UTF_8), 2);

    assertThat(Hashes.digest(latin1).binary()).isTrue();
    assertThat(Hashes.digest(Files.write(dir.resolve("latin1"), latin1)).binary()).isTrue();
    assertThat(Hashes.digest(truncated).binary()).isTrue();
    assertThat(Hashes.digest(Files.write(dir.resolve("truncated"), truncated)).binary()).isTrue();
  }

  @Test
  void invalidUtf8AfterTheFirstBufferMakesAFileBinaryAndItIsStillHashedWhole() throws Exception {
    byte[] content = "a".repeat(BUFFER + 10).getBytes(StandardCharsets.US_ASCII);
    content[BUFFER + 5] = (byte) 0xFF;
    Path file = Files.write(dir.resolve("late.bin"), content);

    assertThat(Hashes.digest(file)).isEqualTo(expected(content, true));
  }

  @Test
  void aThreeByteCharacterStraddlingTheBufferBoundaryIsText() throws Exception {
    byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
    for (int split = 1; split < euro.length; split++) {
      byte[] content = new byte[BUFFER - split + euro.length + 4];
      Arrays.fill(content, (byte) 'x');
      System.arraycopy(euro, 0, content, BUFFER - split, euro.length);
      Path file = Files.write(dir.resolve("euro" + split), content);

      FileDigest digest = Hashes.digest(file);

      assertThat(digest.binary()).as("euro split after byte %d", split).isFalse();
      assertThat(digest.sha256()).isEqualTo(hex("SHA-256", content));
    }
  }

  /** The digest computed independently, over the whole content at once. */
  private static FileDigest expected(byte[] content, boolean binary) throws Exception {
    return new FileDigest(content.length, hex("MD5", content), hex("SHA-256", content), binary);
  }

  private static String hex(String algorithm, byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
  }
}
