package dev.honest.common.proof;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.EnumSet;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 key pair that signs: the private key never leaves this object except through
 * {@link #toPem()} and {@link #write(Path)}, and {@link #toString()} shows only the key id.
 *
 * <p>On disk and in PEM text the private key is an unencrypted PKCS#8 {@code PRIVATE KEY}
 * (RFC 8410), as {@code openssl genpkey -algorithm ed25519} writes it.
 */
public final class SigningKey {
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String keyId;
  /** The raw keys, as RFC 8032 signs with them. */
  private final byte[] seed;
  private final byte[] rawPublicKey;

  private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.keyId = Keys.keyId(publicKey);
    this.seed = ((EdECPrivateKey) Keys.requireEd25519(privateKey)).getBytes()
        .orElseThrow(() -> new IllegalArgumentException("the Ed25519 private key has no key bytes"));
    this.rawPublicKey = Keys.raw(publicKey);
  }

  /** A fresh key pair from the platform's strong randomness. */
  public static SigningKey generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance(Keys.ALGORITHM).generateKeyPair();
      return new SigningKey(pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw Keys.missing(e);
    }
  }

  /** Reads a private key from PEM text; the message of a failure says what is wrong with it. */
  public static SigningKey fromPem(String pem) {
    return fromPem(pem, "PEM text");
  }

  /** Reads a private key file written by {@link #write(Path)} or {@code openssl genpkey -algorithm ed25519}. */
  public static SigningKey read(Path file) throws IOException {
    // Latin-1 maps every byte: text around the PEM block may be in any encoding (RFC 7468 §2).
    return fromPem(Files.readString(file, StandardCharsets.ISO_8859_1), file.toString());
  }

  /**
   * Writes the private key as PEM to a new file created owner-only ({@code rw-------}) from the
   * start, so it is never readable by others, not even for a moment.
   *
   * @throws FileAlreadyExistsException when the file exists (an existing file may be readable by
   *     others, and a key is not silently replaced)
   * @throws IOException also when the file system has no POSIX permissions
   */
  public void write(Path file) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(toPem().getBytes(StandardCharsets.US_ASCII));
    try (SeekableByteChannel channel = Files.newByteChannel(file,
        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite an existing key file");
    } catch (UnsupportedOperationException e) {
      throw new IOException(file + ": cannot create an owner-only file: the file system has no POSIX permissions", e);
    }
  }

  /** The private key as PEM text. Secret: for a file or a Kubernetes Secret, never for a log. */
  public String toPem() {
    return Keys.pem(Keys.PRIVATE_LABEL, privateKey.getEncoded());
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** Lowercase hex SHA-256 of the public key's SubjectPublicKeyInfo DER (see {@link Keys#keyId}). */
  public String keyId() {
    return keyId;
  }

  /**
   * The Ed25519 signature (64 bytes) of {@code message}: deterministic (RFC 8032), the same bytes
   * as the JDK's provider makes, through Bouncy Castle's code, which is some eight times faster.
   */
  public byte[] sign(byte[] message) {
    byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(seed, 0, rawPublicKey, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  @Override
  public String toString() {
    return "SigningKey[" + Keys.ALGORITHM + ", keyid=" + keyId + "]";
  }

  static SigningKey fromPem(String pem, String source) {
    byte[] der = Keys.der(pem, Keys.PRIVATE_LABEL, source);
    PrivateKey privateKey;
    try {
      privateKey = Keys.keyFactory().generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (InvalidKeySpecException e) {
      throw Keys.notEd25519(source, Keys.PRIVATE_LABEL, new PKCS8EncodedKeySpec(der), e);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
    return new SigningKey(privateKey, publicKeyOf((EdECPrivateKey) Keys.requireEd25519(privateKey)));
  }

  /**
   * Derives the public key. The JDK has no direct call for it, but its key pair generator turns
   * exactly 32 random bytes into the private key (RFC 8032 §5.1.5); fed the private key's own
   * bytes, it yields the matching public key. The check below guards against a generator that
   * would draw its randomness differently.
   */
  private static PublicKey publicKeyOf(EdECPrivateKey privateKey) {
    byte[] seed = privateKey.getBytes()
        .orElseThrow(() -> new IllegalArgumentException("the Ed25519 private key has no key bytes"));
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(Keys.ALGORITHM);
      generator.initialize(NamedParameterSpec.ED25519, new ReplayedSeed(seed));
      KeyPair pair = generator.generateKeyPair();
      byte[] derived = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
      if (!Arrays.equals(derived, seed)) {
        throw new IllegalStateException("cannot derive the Ed25519 public key with this JVM's key pair generator");
      }
      return pair.getPublic();
    } catch (GeneralSecurityException e) {
      throw Keys.missing(e);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /** "Randomness" that hands out the given seed: only for deriving a public key from its private key. */
  private static final class ReplayedSeed extends SecureRandom {
    private final byte[] seed;

    ReplayedSeed(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (bytes.length != seed.length) {
        throw new IllegalStateException("expected a request for " + seed.length + " bytes, got " + bytes.length);
      }
      System.arraycopy(seed, 0, bytes, 0, bytes.length);
    }
  }
}
