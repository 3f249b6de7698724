package dev.honest.common.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class DsseTest {
  private static final SigningKey KEY = SigningKey.generate();
  private static final SigningKey OTHER = SigningKey.generate();
  private static final byte[] PAYLOAD = "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void paeMatchesTheDsseSpecificationExample() {
    byte[] pae = Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8));

    assertThat(new String(pae, StandardCharsets.UTF_8)).isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  }

  @Test
  void paeCountsBytesNotCharacters() {
    byte[] pae = Dsse.pae("t\u00e9", "\u00e9".getBytes(StandardCharsets.UTF_8));

    assertThat(new String(pae, StandardCharsets.UTF_8)).isEqualTo("DSSEv1 3 t\u00e9 2 \u00e9");
  }

  @Test
  void aSignedPayloadVerifiesWithTheSignersKey() throws Exception {
    Dsse.Envelope envelope = Dsse.sign("application/json", PAYLOAD, KEY);

    assertThat(envelope.signatures()).singleElement().satisfies(s -> {
      assertThat(s.keyid()).isEqualTo(KEY.keyId());
      assertThat(Keys.verify(KEY.publicKey(), Dsse.pae("application/json", PAYLOAD), s.sig())).isTrue();
    });
    assertThat(Dsse.verifiedPayload(envelope, KEY.publicKey())).isEqualTo(PAYLOAD);
    assertThat(Dsse.verify(envelope, KEY.publicKey())).isTrue();
  }

  @Test
  void theJsonFormIsTheDsseShapeWithBase64() {
    Dsse.Envelope envelope = Dsse.sign("application/json", PAYLOAD, KEY);
    String sig = Base64.getEncoder().encodeToString(envelope.signatures().get(0).sig());

    assertThat(Json.mapper().writeValueAsString(envelope.toJson())).isEqualTo(
        "{\"payload\":\"" + Base64.getEncoder().encodeToString(PAYLOAD) + "\",\"payloadType\":\"application/json\","
            + "\"signatures\":[{\"keyid\":\"" + KEY.keyId() + "\",\"sig\":\"" + sig + "\"}]}");
  }

  @Test
  void anEnvelopeSurvivesTheTripThroughJsonText() throws Exception {
    Dsse.Envelope envelope = Dsse.sign("application/json", PAYLOAD, KEY);
    String text = Json.mapper().writeValueAsString(envelope.toJson());

    Dsse.Envelope reread = Dsse.Envelope.fromJson(Json.mapper().readTree(text));

    assertThat(reread).isEqualTo(envelope);
    assertThat(Dsse.verifiedPayload(reread, KEY.publicKey())).isEqualTo(PAYLOAD);
  }

  @Test
  void urlSafeUnpaddedBase64IsReadToo() {
    byte[] payload = {(byte) 0xfb, (byte) 0xff};
    ObjectNode json = Dsse.sign("x", payload, KEY).toJson();
    json.put("payload", Base64.getUrlEncoder().withoutPadding().encodeToString(payload));

    assertThat(Dsse.Envelope.fromJson(json).payload()).isEqualTo(payload);
    assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(payload)).isEqualTo("-_8");
    // One alphabet or the other, not both.
    json.put("payload", "-_8+");
    assertThatThrownBy(() -> Dsse.Envelope.fromJson(json)).hasMessageContaining("'payload' is not valid base64");
  }

  @Test
  void aChangedPayloadByteIsABadSignature() {
    Dsse.Envelope envelope = Dsse.sign("application/json", PAYLOAD, KEY);
    byte[] payload = envelope.payload();
    payload[3] ^= 1;

    assertRefused(new Dsse.Envelope(envelope.payloadType(), payload, envelope.signatures()), "bad signature");
  }

  @Test
  void aChangedSignatureByteIsABadSignature() {
    Dsse.Envelope envelope = Dsse.sign("application/json", PAYLOAD, KEY);
    byte[] sig = envelope.signatures().get(0).sig();
    sig[10] ^= 1;

    assertRefused(new Dsse.Envelope(envelope.payloadType(), PAYLOAD, List.of(new Dsse.Signature(KEY.keyId(), sig))),
        "bad signature");
  }

  @Test
  void aChangedPayloadTypeIsABadSignature() {
    Dsse.Envelope envelope = Dsse.sign("application/json", PAYLOAD, KEY);

    assertRefused(new Dsse.Envelope("text/plain", PAYLOAD, envelope.signatures()), "bad signature");
  }

  @Test
  void aSignatureVerifiedWithItsKeyDoesNotThenVerifyWithAnotherKey() {
    byte[] message = Dsse.pae("application/json", PAYLOAD);
    byte[] signature = Dsse.sign("application/json", PAYLOAD, KEY).signatures().get(0).sig();

    assertThat(Keys.verify(KEY.publicKey(), message, signature)).isTrue();
    assertThat(Keys.verify(OTHER.publicKey(), message, signature)).isFalse();
    assertThat(Keys.verify(KEY.publicKey(), message, signature)).isTrue();
    assertThat(Keys.verify(KEY.publicKey(), message, java.util.Arrays.copyOf(signature, 63))).isFalse();
  }

  @Test
  void anEnvelopeSignedByAnotherKeyHasTheWrongKeyid() {
    assertRefused(Dsse.sign("application/json", PAYLOAD, OTHER), "wrong keyid");
  }

  @Test
  void anotherKeysSignatureRelabelledWithTheExpectedKeyidIsABadSignature() {
    byte[] forged = Dsse.sign("application/json", PAYLOAD, OTHER).signatures().get(0).sig();

    assertRefused(new Dsse.Envelope("application/json", PAYLOAD, List.of(new Dsse.Signature(KEY.keyId(), forged))),
        "bad signature");
  }

  @Test
  void anUnsignedEnvelopeHasNoSignature() {
    assertRefused(new Dsse.Envelope("application/json", PAYLOAD, List.of()), "no signature");
  }

  @Test
  void anEnvelopeSignedByTwoKeysVerifiesWithEither() throws Exception {
    Dsse.Envelope a = Dsse.sign("application/json", PAYLOAD, KEY);
    Dsse.Envelope b = Dsse.sign("application/json", PAYLOAD, OTHER);
    Dsse.Envelope both = new Dsse.Envelope("application/json", PAYLOAD,
        List.of(b.signatures().get(0), a.signatures().get(0)));

    assertThat(Dsse.verifiedPayload(both, KEY.publicKey())).isEqualTo(PAYLOAD);
    assertThat(Dsse.verifiedPayload(both, OTHER.publicKey())).isEqualTo(PAYLOAD);
  }

  @Test
  void aStatementIsSignedAsItsCanonicalBytesAndVerifiedBackIntoAStatement() throws Exception {
    Statement statement = StatementTest.statement();

    Dsse.Envelope envelope = Dsse.sign(statement, KEY);

    assertThat(envelope.payloadType()).isEqualTo("application/vnd.in-toto+json");
    assertThat(envelope.payload()).isEqualTo(statement.canonicalBytes());
    assertThat(Dsse.verifiedStatement(envelope, KEY.publicKey())).isEqualTo(statement);
  }

  @Test
  void aStatementEnvelopeWithAnotherPayloadTypeIsRefused() {
    Dsse.Envelope envelope = Dsse.sign("application/json", StatementTest.statement().canonicalBytes(), KEY);

    assertThatThrownBy(() -> Dsse.verifiedStatement(envelope, KEY.publicKey()))
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining("wrong payload type: application/json");
  }

  @Test
  void aSignedPayloadThatIsNotACanonicalStatementIsRefused() {
    byte[] pretty = Json.pretty().writeValueAsBytes(StatementTest.statement().toJson());
    Dsse.Envelope envelope = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, pretty, KEY);

    assertThatThrownBy(() -> Dsse.verifiedStatement(envelope, KEY.publicKey()))
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining("not a valid in-toto statement")
        .hasMessageContaining("canonical form");
  }

  @Test
  void anUnverifiedExcerptIsReadWithoutLookingAtTheSignatureOrTheCanonicalForm() throws Exception {
    Statement statement = StatementTest.statement();
    Dsse.Envelope signedByOther = Dsse.sign(statement, OTHER);
    byte[] pretty = Json.pretty().writeValueAsBytes(statement.toJson());
    Dsse.Envelope prettySigned = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, pretty, KEY);
    ObjectNode extra = statement.toJson().put("extra", 1);

    Statement.Excerpt excerpt = Dsse.unverifiedExcerpt(signedByOther, Set.of("task"));
    assertThat(excerpt.subject()).isEqualTo(statement.subject());
    assertThat(excerpt.predicateType()).isEqualTo(statement.predicateType());
    assertThat(excerpt.value("task")).isEqualTo(statement.predicateMember("task"));
    assertThatThrownBy(() -> Dsse.verifiedStatement(signedByOther, KEY.publicKey()))
        .isInstanceOf(VerificationException.class).hasMessageContaining("wrong keyid");
    assertThat(Dsse.unverifiedExcerpt(prettySigned, Set.of("task")).value("task")).isEqualTo(excerpt.value("task"));
    assertThatThrownBy(() -> Dsse.verifiedStatement(prettySigned, KEY.publicKey()))
        .isInstanceOf(VerificationException.class).hasMessageContaining("canonical form");
    assertThatThrownBy(() -> Dsse.unverifiedExcerpt(
        Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, CanonicalJson.canonicalize(extra), KEY), Set.of()))
        .isInstanceOf(VerificationException.class).hasMessageContaining("not a valid in-toto statement");
    assertThatThrownBy(() -> Dsse.unverifiedExcerpt(Dsse.sign("application/json", statement.canonicalBytes(), KEY), Set.of()))
        .isInstanceOf(VerificationException.class).hasMessageContaining("wrong payload type");
  }

  @Test
  void malformedEnvelopeJsonIsRefusedWithTheReason() {
    ObjectNode missing = Dsse.sign("x", PAYLOAD, KEY).toJson();
    missing.remove("signatures");
    ObjectNode badBase64 = Dsse.sign("x", PAYLOAD, KEY).toJson().put("payload", "%%%");
    ObjectNode extra = Dsse.sign("x", PAYLOAD, KEY).toJson().put("note", "hi");
    ObjectNode badSignature = Dsse.sign("x", PAYLOAD, KEY).toJson();
    ((ObjectNode) badSignature.get("signatures").get(0)).remove("sig");
    JsonNode notAnObject = Json.mapper().createArrayNode();

    assertThatThrownBy(() -> Dsse.Envelope.fromJson(missing)).hasMessageContaining("missing field 'signatures'");
    assertThatThrownBy(() -> Dsse.Envelope.fromJson(badBase64)).hasMessageContaining("'payload' is not valid base64");
    assertThatThrownBy(() -> Dsse.Envelope.fromJson(extra)).hasMessageContaining("unexpected field 'note'");
    assertThatThrownBy(() -> Dsse.Envelope.fromJson(badSignature)).hasMessageContaining("signatures[0]: missing field 'sig'");
    assertThatThrownBy(() -> Dsse.Envelope.fromJson(notAnObject)).hasMessageContaining("envelope must be a JSON object");
  }

  @Test
  void anEnvelopeCannotBeChangedThroughItsArrays() throws Exception {
    Dsse.Envelope envelope = Dsse.sign("application/json", PAYLOAD, KEY);

    envelope.payload()[0] ^= 1;
    envelope.signatures().get(0).sig()[0] ^= 1;

    assertThat(Dsse.verifiedPayload(envelope, KEY.publicKey())).isEqualTo(PAYLOAD);
  }

  private static void assertRefused(Dsse.Envelope envelope, String reason) {
    assertThat(Dsse.verify(envelope, KEY.publicKey())).isFalse();
    assertThatThrownBy(() -> Dsse.verifiedPayload(envelope, KEY.publicKey()))
        .isInstanceOf(VerificationException.class)
        .hasMessageStartingWith(reason);
  }
}
