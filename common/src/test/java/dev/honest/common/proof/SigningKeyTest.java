package dev.honest.common.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SigningKeyTest {
  private static final HexFormat HEX = HexFormat.of();
  /** DER of a PKCS#8 Ed25519 private key (RFC 8410 §7) up to the 32 key bytes. */
  private static final String PKCS8_PREFIX = "302e020100300506032b657004220420";
  /** DER of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4) up to the 32 key bytes. */
  private static final String SPKI_PREFIX = "302a300506032b6570032100";

  @TempDir
  Path dir;

  @ParameterizedTest(name = "RFC 8032 §7.1 test {index}")
  @CsvSource({
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
          + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a, '',"
          + "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
      "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
          + "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c, 72,"
          + "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  })
  void aPrivateKeyPemYieldsThePublicKeyAndSignaturesOfRfc8032(String seed, String publicKey, String message, String signature)
      throws Exception {
    SigningKey key = SigningKey.fromPem(pem("PRIVATE KEY", HEX.parseHex(PKCS8_PREFIX + seed)));
    byte[] spki = HEX.parseHex(SPKI_PREFIX + publicKey);

    assertThat(key.publicKey().getEncoded()).isEqualTo(spki);
    assertThat(key.keyId()).isEqualTo(HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(spki)));
    assertThat(HEX.formatHex(key.sign(HEX.parseHex(message)))).isEqualTo(signature);
    assertThat(Keys.verify(key.publicKey(), HEX.parseHex(message), HEX.parseHex(signature))).isTrue();
  }

  @Test
  void theKeyIdIsTheSha256OfThePublicPemBody() throws Exception {
    SigningKey key = SigningKey.generate();
    String pem = Keys.toPem(key.publicKey());
    byte[] der = Base64.getMimeDecoder().decode(pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", ""));

    assertThat(key.keyId())
        .isEqualTo(Keys.keyId(key.publicKey()))
        .isEqualTo(HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(der)))
        .matches("[0-9a-f]{64}");
  }

  @Test
  void keyFilesWithExplanatoryTextThatIsNotAsciiAreRead() throws Exception {
    // RFC 7468 §2: text outside the encapsulation boundaries is allowed and must not upset a parser.
    SigningKey key = SigningKey.generate();
    Path publicFile = dir.resolve("key.pub");
    Path privateFile = dir.resolve("key.pem");
    Files.write(publicFile, ("Clé de la série 7 \u2014 run 42\n" + Keys.toPem(key.publicKey())).getBytes(StandardCharsets.UTF_8));
    Files.write(privateFile, ("Clé privée\n" + key.toPem()).getBytes(StandardCharsets.UTF_8));

    assertThat(Keys.keyId(Keys.readPublicKey(publicFile))).isEqualTo(key.keyId());
    assertThat(SigningKey.read(privateFile).keyId()).isEqualTo(key.keyId());
  }

  @Test
  void generatedKeysDiffer() {
    assertThat(SigningKey.generate().keyId()).isNotEqualTo(SigningKey.generate().keyId());
  }

  @Test
  void pemTextRoundTripsForBothHalves() {
    SigningKey key = SigningKey.generate();
    byte[] message = "task T-001".getBytes(StandardCharsets.UTF_8);

    SigningKey reread = SigningKey.fromPem(key.toPem());
    PublicKey publicKey = Keys.publicKeyFromPem(Keys.toPem(key.publicKey()));

    assertThat(reread.keyId()).isEqualTo(key.keyId());
    assertThat(publicKey).isEqualTo(key.publicKey());
    assertThat(Keys.verify(publicKey, message, reread.sign(message))).isTrue();
  }

  @Test
  void pemTextHasTheRfc7468Layout() {
    String pem = SigningKey.generate().toPem();

    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("\n-----END PRIVATE KEY-----\n");
    assertThat(pem.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
  }

  @Test
  void aBadPemSaysWhatIsWrong() throws Exception {
    String publicPem = Keys.toPem(SigningKey.generate().publicKey());
    var rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    var rsaPair = rsa.generateKeyPair();

    assertThatThrownBy(() -> SigningKey.fromPem("hello")).hasMessageContaining("not PEM, no '-----BEGIN PRIVATE KEY-----' line");
    assertThatThrownBy(() -> SigningKey.fromPem(publicPem)).hasMessageContaining("holds a PEM 'PUBLIC KEY', expected a 'PRIVATE KEY'");
    assertThatThrownBy(() -> SigningKey.fromPem("-----BEGIN PRIVATE KEY-----\nMC4CAQA=\n"))
        .hasMessageContaining("has no '-----END PRIVATE KEY-----' line");
    assertThatThrownBy(() -> SigningKey.fromPem("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"))
        .hasMessageContaining("block is empty");
    assertThatThrownBy(() -> SigningKey.fromPem("-----BEGIN PRIVATE KEY-----\nnot*base64\n-----END PRIVATE KEY-----\n"))
        .hasMessageContaining("not valid base64");
    assertThatThrownBy(() -> SigningKey.fromPem(pem("PRIVATE KEY", rsaPair.getPrivate().getEncoded())))
        .hasMessage("PEM text: the PRIVATE KEY is of type RSA, not Ed25519");
    assertThatThrownBy(() -> Keys.publicKeyFromPem(pem("PUBLIC KEY", rsaPair.getPublic().getEncoded())))
        .hasMessage("PEM text: the PUBLIC KEY is of type RSA, not Ed25519");
    // The key exchange keys of the same curve and Ed25519's big sibling: named, not an OID.
    var x25519 = KeyPairGenerator.getInstance("X25519").generateKeyPair();
    assertThatThrownBy(() -> Keys.publicKeyFromPem(pem("PUBLIC KEY", x25519.getPublic().getEncoded())))
        .hasMessage("PEM text: the PUBLIC KEY is of type X25519, not Ed25519");
    var ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
    assertThatThrownBy(() -> SigningKey.fromPem(pem("PRIVATE KEY", ed448.getPrivate().getEncoded())))
        .hasMessage("PEM text: the PRIVATE KEY is of type Ed448, not Ed25519");
    assertThatThrownBy(() -> Keys.publicKeyFromPem(pem("PUBLIC KEY", new byte[] {1, 2, 3})))
        .hasMessage("PEM text: the PUBLIC KEY is not an Ed25519 key, nor a key of any type Java knows");
    assertThatThrownBy(() -> Keys.keyId(rsaPair.getPublic())).hasMessageContaining("not an Ed25519 key: RSA");
  }

  @Test
  void thePrivateKeyFileIsOwnerOnlyAndReadsBack() throws Exception {
    SigningKey key = SigningKey.generate();
    Path file = dir.resolve("signing.key");

    key.write(file);

    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(SigningKey.read(file).keyId()).isEqualTo(key.keyId());
  }

  @Test
  void anExistingFileIsNeverOverwrittenWithAKey() throws Exception {
    Path file = Files.writeString(dir.resolve("signing.key"), "something else");

    assertThatThrownBy(() -> SigningKey.generate().write(file))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("refusing to overwrite");
    assertThat(Files.readString(file)).isEqualTo("something else");
  }

  @Test
  void readingABadKeyFileNamesTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("broken.key"), "not a key");

    assertThatThrownBy(() -> SigningKey.read(file)).hasMessageStartingWith(file + ": not PEM");
    assertThatThrownBy(() -> Keys.readPublicKey(file)).hasMessageStartingWith(file + ": not PEM");
  }

  @Test
  void thePublicKeyFileRoundTrips() throws Exception {
    PublicKey key = SigningKey.generate().publicKey();
    Path file = dir.resolve("signing.pub");

    Keys.writePublicKey(key, file);

    assertThat(Keys.readPublicKey(file)).isEqualTo(key);
  }

  @Test
  void toStringShowsTheKeyIdAndNoSecret() {
    SigningKey key = SigningKey.generate();
    String pemBody = key.toPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(pemBody);
    byte[] seed = Arrays.copyOfRange(der, der.length - 32, der.length);

    assertThat(key.toString())
        .contains(key.keyId())
        .doesNotContain(pemBody)
        .doesNotContainIgnoringCase(HEX.formatHex(seed))
        .doesNotContain(Base64.getEncoder().encodeToString(seed));
  }

  @Test
  void aSignatureDoesNotVerifyForAnotherMessageOrKey() {
    SigningKey key = SigningKey.generate();
    byte[] message = {1, 2, 3};
    byte[] signature = key.sign(message);

    assertThat(Keys.verify(key.publicKey(), new byte[] {1, 2, 4}, signature)).isFalse();
    assertThat(Keys.verify(SigningKey.generate().publicKey(), message, signature)).isFalse();
    assertThat(Keys.verify(key.publicKey(), message, new byte[] {1})).isFalse();
  }

  @Test
  void theJdkProviderAcceptsOurSignaturesAndWeAcceptItsOnes() throws Exception {
    SigningKey key = SigningKey.generate();
    KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] message = "a statement of some length ".repeat(40).getBytes(StandardCharsets.UTF_8);
    Signature jdkVerifier = Signature.getInstance("Ed25519");
    jdkVerifier.initVerify(key.publicKey());
    jdkVerifier.update(message);
    Signature jdkSigner = Signature.getInstance("Ed25519");
    jdkSigner.initSign(other.getPrivate());
    jdkSigner.update(message);

    assertThat(jdkVerifier.verify(key.sign(message))).isTrue();
    assertThat(Keys.verify(other.getPublic(), message, jdkSigner.sign())).isTrue();
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + label + "-----\n";
  }
}
