/**
 * Signed, offline-verifiable proof of a run: in-toto statements in DSSE envelopes signed with
 * Ed25519, chained per worker, and gathered under one Merkle root. Everything below is standard
 * (RFC 8785, in-toto Statement v1, DSSE v1, RFC 8032, RFC 9162), so a verifier can be written from
 * this page alone, in any language.
 *
 * <h2>1. Canonical JSON ({@link dev.honest.common.proof.CanonicalJson})</h2>
 * RFC 8785 (JCS), UTF-8, no whitespace:
 * <ul>
 *   <li>object members sorted by name, names compared as sequences of UTF-16 code units (so
 *       U+20AC sorts before U+1F600, written as the surrogates D83D DE00, which sort before
 *       U+FB33); arrays keep their order;
 *   <li>strings escape only {@code "} as {@code \"}, {@code \} as {@code \\}, and U+0000..U+001F
 *       as {@code \b \t \n \f \r} or, for the others, backslash-u and four lowercase hex digits;
 *       all other characters are written as UTF-8 as they are; lone surrogates are errors;
 *   <li>{@code true}, {@code false}, {@code null} as such;
 *   <li>numbers as ECMAScript {@code Number.prototype.toString} writes the IEEE 754 double: the
 *       shortest digits that read back as the same double (the nearer of two candidates, the even
 *       one on a tie); with those k digits s and decimal exponent n (value = s &times;
 *       10<sup>n-k</sup>): if k &le; n &le; 21, s then n-k zeros; if 0 &lt; n &le; 21, s with a
 *       point after n digits; if -6 &lt; n &le; 0, {@code 0.}, -n zeros, s; otherwise the first
 *       digit, then {@code .} and the rest if k &gt; 1, then {@code e}, {@code +} or {@code -},
 *       and |n-1|. {@code -0} is {@code 0}. Examples: {@code 1e+21}, {@code 1e-7},
 *       {@code 0.000001}, {@code 333333333.3333333}, {@code 9007199254740992}.
 * </ul>
 * This implementation refuses rather than alters: NaN and infinities, and integers or decimals
 * whose canonical form would read back as a different number (e.g. any integer beyond
 * &plusmn;2<sup>53</sup> that is not itself the shortest form of a double), are errors.
 *
 * <h2>2. Statements ({@link dev.honest.common.proof.Statement})</h2>
 * in-toto Statement v1 with exactly the members {@code _type}
 * ({@code https://in-toto.io/Statement/v1}), {@code subject} (a non-empty array of
 * {@code {"name": ..., "digest": {"sha256": <64 lowercase hex>, ...}}}), {@code predicateType}
 * (an absolute URI) and {@code predicate} (an object). The statement's <em>canonical bytes</em>
 * are its canonical JSON (section 1); readers require the payload to be exactly those bytes.
 *
 * <h2>3. Keys ({@link dev.honest.common.proof.Keys}, {@link dev.honest.common.proof.SigningKey})</h2>
 * Ed25519 (RFC 8032, pure, no pre-hash). Public keys as PEM {@code PUBLIC KEY} (X.509
 * SubjectPublicKeyInfo, RFC 8410), private keys as PEM {@code PRIVATE KEY} (PKCS#8, unencrypted),
 * the formats of {@code openssl genpkey -algorithm ed25519}. The <em>key id</em>, also the
 * fingerprint shown to users, is the lowercase hex SHA-256 of the SubjectPublicKeyInfo DER (the
 * base64-decoded body of the public PEM): {@code openssl pkey -pubin -in key.pub -outform DER | sha256sum}.
 *
 * <h2>4. Envelopes ({@link dev.honest.common.proof.Dsse})</h2>
 * DSSE v1 JSON {@code {"payload": <base64>, "payloadType": <string>, "signatures": [{"keyid":
 * <key id>, "sig": <base64>}]}}, base64 standard alphabet with padding (readers also take
 * URL-safe and unpadded). For a statement, {@code payloadType} is
 * {@code application/vnd.in-toto+json} and the payload is the statement's canonical bytes. Each
 * {@code sig} is the Ed25519 signature of
 * <pre>PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body</pre>
 * where SP is one space (0x20), {@code type} is the UTF-8 payload type, {@code body} the payload
 * bytes, and LEN the byte length in ASCII decimal. Verification picks the signatures whose
 * {@code keyid} is the expected key's id and checks one of them over the PAE; it fails with "no
 * signature", "wrong keyid" or "bad signature".
 *
 * <h2>5. Per-worker chain ({@link dev.honest.common.proof.HashChain})</h2>
 * Each statement of a worker names, in its predicate, the lowercase hex SHA-256 of the canonical
 * bytes of that worker's previous statement (which are its previous envelope's payload); the first
 * names 64 zeros. A verifier walks the statements in order and reports the first index whose named
 * hash differs; a dropped, inserted, repeated or reordered statement breaks the chain there. The
 * member that carries the hash is defined by the predicate type.
 *
 * <h2>6. Run root ({@link dev.honest.common.proof.MerkleTree})</h2>
 * RFC 9162 §2.1.1 Merkle Tree Hash over SHA-256: the empty tree is SHA-256 of the empty string
 * ({@code e3b0c442...b855}); a leaf hashes as {@code SHA-256(0x00 || leaf)}; a node as
 * {@code SHA-256(0x01 || left || right)}; a list of n &gt; 1 leaves splits at the largest power of
 * two smaller than n. The leaves are the statements' canonical bytes, in the order the run's
 * results publish them. Inclusion proofs are the audit paths of RFC 9162 §2.1.3.1, verified by
 * the algorithm of §2.1.3.2.
 */
package dev.honest.common.proof;
