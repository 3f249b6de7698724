package dev.honest.common.proof;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.XECKey;
import java.security.spec.EncodedKeySpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.DigestUtils;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 public keys: key ids, PEM (RFC 7468 {@code PUBLIC KEY}, an X.509 SubjectPublicKeyInfo),
 * signature checks. Private keys live in {@link SigningKey}.
 *
 * <p>A key id, also the fingerprint shown to people, is the lowercase hex SHA-256 of the public
 * key's SubjectPublicKeyInfo DER: {@code sha256sum} of {@code openssl pkey -pubin -outform DER}.
 */
public final class Keys {
  /** The only signature algorithm of this package (RFC 8032 pure Ed25519). */
  public static final String ALGORITHM = "Ed25519";

  static final String PUBLIC_LABEL = "PUBLIC KEY";
  static final String PRIVATE_LABEL = "PRIVATE KEY";

  /** SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (33 bytes) }: what precedes the key's 32 bytes. */
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  /** Key types Java reads, to name the one a key that is not Ed25519 has. */
  private static final List<String> OTHER_TYPES = List.of("EdDSA", "XDH", "EC", "RSA", "RSASSA-PSS", "DSA", "DH");
  private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([^-\\r\\n]*)-----");
  private static final Base64.Encoder PEM_BASE64 =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  /**
   * The last public key verified with, decoded once: a run's thousands of statements are all
   * checked against one key, and decoding it is a fifth of a check.
   */
  private static volatile Decoded lastDecoded;

  private Keys() {}

  /** The key id of an Ed25519 public key. */
  public static String keyId(PublicKey key) {
    return DigestUtils.sha256Hex(requireEd25519(key).getEncoded());
  }

  /** PEM text ({@code -----BEGIN PUBLIC KEY-----}) of an Ed25519 public key. */
  public static String toPem(PublicKey key) {
    return pem(PUBLIC_LABEL, requireEd25519(key).getEncoded());
  }

  /** Reads an Ed25519 public key from PEM text; the message of a failure says what is wrong with it. */
  public static PublicKey publicKeyFromPem(String pem) {
    return publicKeyFromPem(pem, "PEM text");
  }

  /** Reads an Ed25519 public key from a PEM file. */
  public static PublicKey readPublicKey(Path file) throws IOException {
    // Latin-1 maps every byte: text around the PEM block may be in any encoding (RFC 7468 §2).
    return publicKeyFromPem(Files.readString(file, StandardCharsets.ISO_8859_1), file.toString());
  }

  /** Writes an Ed25519 public key as PEM (public material: ordinary permissions). */
  public static void writePublicKey(PublicKey key, Path file) throws IOException {
    Files.writeString(file, toPem(key), StandardCharsets.US_ASCII);
  }

  /**
   * True when {@code signature} is {@code key}'s Ed25519 signature of {@code message}. The check is
   * Bouncy Castle's RFC 8032 code, some eight times faster than the JDK 17 provider (a run's
   * aggregation verifies a signature per task).
   */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    if (signature.length != Ed25519.SIGNATURE_SIZE) {
      return false;
    }
    byte[] raw = raw(key);
    Decoded decoded = lastDecoded;
    if (decoded == null || !Arrays.equals(decoded.raw(), raw)) {
      Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(raw, 0);
      if (point == null) {
        return false; // not a valid Ed25519 point: nothing verifies with it
      }
      decoded = new Decoded(raw, point);
      lastDecoded = decoded;
    }
    return Ed25519.verify(signature, 0, decoded.point(), message, 0, message.length);
  }

  /** The 32 bytes of an Ed25519 public key: the end of its SubjectPublicKeyInfo DER (RFC 8410). */
  static byte[] raw(PublicKey key) {
    byte[] der = requireEd25519(key).getEncoded();
    if (der.length != SPKI_PREFIX.length + Ed25519.PUBLIC_KEY_SIZE
        || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw new IllegalArgumentException("not a usable Ed25519 public key: unexpected encoding");
    }
    return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
  }

  static PublicKey publicKeyFromPem(String pem, String source) {
    byte[] der = der(pem, PUBLIC_LABEL, source);
    try {
      return keyFactory().generatePublic(new X509EncodedKeySpec(der));
    } catch (InvalidKeySpecException e) {
      throw notEd25519(source, PUBLIC_LABEL, new X509EncodedKeySpec(der), e);
    }
  }

  /**
   * A key that is not Ed25519, named by its type (X25519, Ed448, EC, RSA, ...) rather than the JDK's
   * "Unsupported OID: 1.3.101.110".
   */
  static IllegalArgumentException notEd25519(String source, String label, EncodedKeySpec spec,
      InvalidKeySpecException e) {
    for (String type : OTHER_TYPES) {
      try {
        KeyFactory factory = KeyFactory.getInstance(type);
        Key key = spec instanceof PKCS8EncodedKeySpec ? factory.generatePrivate(spec) : factory.generatePublic(spec);
        String name = key instanceof EdECKey edec ? edec.getParams().getName()
            : key instanceof XECKey xec && xec.getParams() instanceof NamedParameterSpec named ? named.getName()
            : key.getAlgorithm();
        return new IllegalArgumentException(source + ": the " + label + " is of type " + name + ", not Ed25519", e);
      } catch (GeneralSecurityException notThisType) {
        // the next type, then
      }
    }
    return new IllegalArgumentException(
        source + ": the " + label + " is not an Ed25519 key, nor a key of any type Java knows", e);
  }

  static <K extends Key> K requireEd25519(K key) {
    if (key instanceof EdECKey edec && NamedParameterSpec.ED25519.getName().equalsIgnoreCase(edec.getParams().getName())) {
      return key;
    }
    throw new IllegalArgumentException("not an Ed25519 key: " + (key == null ? "null" : key.getAlgorithm()));
  }

  static KeyFactory keyFactory() {
    try {
      return KeyFactory.getInstance(ALGORITHM);
    } catch (NoSuchAlgorithmException e) {
      throw missing(e);
    }
  }

  static IllegalStateException missing(GeneralSecurityException e) {
    // Every Java 15+ platform must provide Ed25519.
    return new IllegalStateException("Ed25519 is not available in this JVM", e);
  }

  /** PEM text of one DER block: 64-column base64 between the RFC 7468 boundary lines. */
  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + PEM_BASE64.encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /** The DER bytes of the first PEM block, which must carry {@code label}. */
  static byte[] der(String pem, String label, String source) {
    Matcher begin = BEGIN.matcher(pem == null ? "" : pem);
    if (!begin.find()) {
      throw new IllegalArgumentException(source + ": not PEM, no '-----BEGIN " + label + "-----' line");
    }
    if (!begin.group(1).equals(label)) {
      throw new IllegalArgumentException(
          source + ": holds a PEM '" + begin.group(1) + "', expected a '" + label + "'");
    }
    String end = "-----END " + label + "-----";
    int endAt = pem.indexOf(end, begin.end());
    if (endAt < 0) {
      throw new IllegalArgumentException(source + ": the " + label + " block has no '" + end + "' line");
    }
    String body = pem.substring(begin.end(), endAt).replaceAll("\\s", "");
    if (body.isEmpty()) {
      throw new IllegalArgumentException(source + ": the " + label + " block is empty");
    }
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": the " + label + " block is not valid base64: " + e.getMessage(), e);
    }
  }

  /** A public key's 32 bytes and the curve point they encode. */
  private record Decoded(byte[] raw, Ed25519.PublicPoint point) {}
}
