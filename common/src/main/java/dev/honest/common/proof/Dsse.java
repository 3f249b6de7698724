package dev.honest.common.proof;

import dev.honest.common.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * DSSE v1 envelopes (Dead Simple Signing Envelope, secure-systems-lab/dsse): a payload, its type,
 * and Ed25519 signatures over {@link #pae PAE(payloadType, payload)}, so that the type is signed
 * too and a payload cannot be passed off as another kind.
 */
public final class Dsse {
  /** The payload type of an in-toto statement. */
  public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

  private Dsse() {}

  /**
   * The bytes signed: {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}, where SP is one
   * space, {@code type} is UTF-8, and each LEN is the byte length as ASCII decimal without leading
   * zeros.
   */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + type.length + payload.length);
    out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(type);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** An envelope of {@code payload} with one signature by {@code key}. */
  public static Envelope sign(String payloadType, byte[] payload, SigningKey key) {
    byte[] sig = key.sign(pae(payloadType, payload));
    return new Envelope(payloadType, payload, List.of(new Signature(key.keyId(), sig)));
  }

  /** An in-toto envelope whose payload is the statement's canonical bytes. */
  public static Envelope sign(Statement statement, SigningKey key) {
    return sign(IN_TOTO_PAYLOAD_TYPE, statement.canonicalBytes(), key);
  }

  /** True when {@link #verifiedPayload} would succeed. */
  public static boolean verify(Envelope envelope, PublicKey key) {
    try {
      verifiedPayload(envelope, key);
      return true;
    } catch (VerificationException e) {
      return false;
    }
  }

  /**
   * The payload, once a signature by {@code key} (matched by key id) verifies over it.
   *
   * @throws VerificationException "no signature" when the envelope has none, "wrong keyid" when
   *     none is by this key, "bad signature" when this key's signature does not verify
   */
  public static byte[] verifiedPayload(Envelope envelope, PublicKey key) throws VerificationException {
    if (envelope.signatures().isEmpty()) {
      throw new VerificationException("no signature: the envelope carries none");
    }
    String keyId = Keys.keyId(key);
    List<Signature> byKey = envelope.signatures().stream().filter(s -> s.keyid().equals(keyId)).toList();
    if (byKey.isEmpty()) {
      throw new VerificationException("wrong keyid: the envelope is signed by "
          + envelope.signatures().stream().map(Signature::keyid).toList() + ", not by the expected key " + keyId);
    }
    byte[] signed = pae(envelope.payloadType(), envelope.payload());
    for (Signature signature : byKey) {
      if (Keys.verify(key, signed, signature.sig())) {
        return envelope.payload();
      }
    }
    throw new VerificationException("bad signature: the signature by keyid " + keyId
        + " does not verify over this payload and payload type " + envelope.payloadType());
  }

  /**
   * The statement of an in-toto envelope, once its signature by {@code key} verifies and its
   * payload proves to be a statement in canonical form.
   */
  public static Statement verifiedStatement(Envelope envelope, PublicKey key) throws VerificationException {
    requireInToto(envelope);
    byte[] payload = verifiedPayload(envelope, key);
    try {
      return Statement.fromCanonicalBytes(payload);
    } catch (IllegalArgumentException e) {
      throw new VerificationException("the signed payload is not a valid in-toto statement: " + e.getMessage(), e);
    }
  }

  /**
   * An excerpt of the statement of an in-toto envelope ({@link Statement#excerpt}), checked against
   * no signature and not for canonical form. Only for a reader that authenticates it another way: by
   * {@link #verifiedPayload} later, or by a signed statement that names its {@link HashChain#hash};
   * {@link #verifiedStatement} checks both.
   *
   * @throws VerificationException when the payload type is not in-toto's or the payload is not a
   *     valid statement
   */
  public static Statement.Excerpt unverifiedExcerpt(Envelope envelope, Set<String> paths) throws VerificationException {
    requireInToto(envelope);
    try {
      return Statement.excerpt(envelope.payload, paths);
    } catch (IllegalArgumentException e) {
      throw new VerificationException("the signed payload is not a valid in-toto statement: " + e.getMessage(), e);
    }
  }

  private static void requireInToto(Envelope envelope) throws VerificationException {
    if (!IN_TOTO_PAYLOAD_TYPE.equals(envelope.payloadType())) {
      throw new VerificationException(
          "wrong payload type: " + envelope.payloadType() + ", expected " + IN_TOTO_PAYLOAD_TYPE);
    }
  }

  /**
   * One signature.
   *
   * @param keyid the signer's key id ({@link Keys#keyId}); a hint for choosing the key, not trusted
   * @param sig the raw Ed25519 signature bytes (base64 in JSON)
   */
  public record Signature(String keyid, byte[] sig) {
    private static final List<String> FIELDS = List.of("keyid", "sig");

    public Signature {
      Objects.requireNonNull(keyid, "signature: keyid");
      if (sig == null || sig.length == 0) {
        throw new IllegalArgumentException("signature by keyid " + keyid + ": sig must not be empty");
      }
      sig = sig.clone();
    }

    @Override
    public byte[] sig() {
      return sig.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Signature s && keyid.equals(s.keyid) && Arrays.equals(sig, s.sig);
    }

    @Override
    public int hashCode() {
      return 31 * keyid.hashCode() + Arrays.hashCode(sig);
    }

    @Override
    public String toString() {
      return "Signature[keyid=" + keyid + ", sig=" + Base64.getEncoder().encodeToString(sig) + "]";
    }
  }

  /**
   * A DSSE envelope. JSON shape:
   * <pre>{@code {"payload": "<base64>", "payloadType": "...", "signatures": [{"keyid": "...", "sig": "<base64>"}]}}</pre>
   * Base64 is written standard with padding; standard and URL-safe, padded or not, are read.
   *
   * @param payloadType what the payload is, e.g. {@link #IN_TOTO_PAYLOAD_TYPE}
   * @param payload the signed bytes, exactly
   * @param signatures possibly none (then nothing verifies, and {@link #verifiedPayload} says so)
   */
  public record Envelope(String payloadType, byte[] payload, List<Signature> signatures) {
    private static final List<String> FIELDS = List.of("payload", "payloadType", "signatures");

    public Envelope {
      if (payloadType == null || payloadType.isEmpty()) {
        throw new IllegalArgumentException("envelope: payloadType must not be empty");
      }
      Objects.requireNonNull(payload, "envelope: payload");
      payload = payload.clone();
      signatures = signatures == null ? List.of() : List.copyOf(signatures);
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    /** The envelope as DSSE JSON. */
    public ObjectNode toJson() {
      Base64.Encoder base64 = Base64.getEncoder();
      ObjectNode json = Json.mapper().createObjectNode();
      json.put("payload", base64.encodeToString(payload));
      json.put("payloadType", payloadType);
      ArrayNode array = json.putArray("signatures");
      for (Signature signature : signatures) {
        array.addObject().put("keyid", signature.keyid()).put("sig", base64.encodeToString(signature.sig));
      }
      return json;
    }

    /** Reads DSSE JSON, strictly: exactly the DSSE members, each of the right kind. */
    public static Envelope fromJson(JsonNode json) {
      JsonFields.object(json, "envelope", FIELDS);
      JsonNode array = JsonFields.array(json, "signatures", "envelope");
      List<Signature> signatures = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        String what = "envelope: signatures[" + i + "]";
        JsonNode entry = JsonFields.object(array.get(i), what, Signature.FIELDS);
        signatures.add(new Signature(JsonFields.string(entry, "keyid", what), JsonFields.base64(entry, "sig", what)));
      }
      return new Envelope(JsonFields.string(json, "payloadType", "envelope"),
          JsonFields.base64(json, "payload", "envelope"), signatures);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Envelope e && payloadType.equals(e.payloadType)
          && Arrays.equals(payload, e.payload) && signatures.equals(e.signatures);
    }

    @Override
    public int hashCode() {
      return Objects.hash(payloadType, Arrays.hashCode(payload), signatures);
    }

    @Override
    public String toString() {
      return "Envelope[payloadType=" + payloadType + ", payload=" + payload.length + " bytes, signatures="
          + signatures + "]";
    }
  }
}
