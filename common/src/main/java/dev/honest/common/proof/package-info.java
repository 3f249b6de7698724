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
 * are its canonical JSON (section 1); a verifier requires the payload to be exactly those bytes
 * (the launcher's aggregation, which hashes and authenticates the bytes as they are, leaves that
 * check to {@code verify}).
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
 *
 * <h2>7. What this project signs with them</h2>
 * <p><b>Keys.</b> The launcher makes a fresh Ed25519 key pair per run. On a cluster the private
 * key reaches the workers as the Secret {@code honest-signing-key} (created at deploy time, never
 * written into the rendered manifests, deleted by {@code cleanup}), mounted read-only at
 * {@code /etc/honest/signing/key.pem}; locally it is an owner-only file in an owner-only temporary
 * directory, deleted when the workers end. The worker reads it from {@code HONEST_SIGNING_KEY} and
 * refuses to run without it (exit 2). The public key and its key id go into the results; the key id
 * is printed at the end of the run, and {@code run-signing-key.pub} is written beside the results.
 *
 * <p><b>Task statements</b> ({@code predicateType https://honest.dev/attestation/task/v1}). One per
 * finished task, completed or failed. Subjects: first {@code task-record/<id>} with the
 * <em>record digest</em>: the SHA-256 of the canonical JSON (section 1) of the task record exactly as
 * it stands in {@code tasks[]} of the results (and on the worker's {@code HONEST-RESULT} line),
 * without its {@code carried_from} member (the worker prints the line's JSON in exactly that form,
 * so the line's own text hashes to the digest); then, for a fix task, each changed file by its path with
 * the {@code sha256} and {@code md5} of its new content. The predicate (snake_case): {@code run_id},
 * {@code attested_by} ({@code worker}, or {@code launcher} for a task no worker reported on, whose
 * error class is then {@code worker_lost}), {@code task} (the task spec as given), {@code inputs}
 * (path, bytes, md5, sha256, binary of every input file), {@code model}, {@code model_digest} (from
 * Ollama's {@code /api/tags}), {@code options} (the generation options of every request),
 * {@code prompt_version} (the prompt templates' version), {@code calls} (every HTTP call with
 * {@code request_sha256} of the exact request body sent, which holds the prompt, options and
 * schema, {@code response_sha256} of the exact bytes received, {@code content_sha256} of the
 * answer, and the server's token counts), {@code worker}, {@code pod}, {@code node},
 * {@code started_at}, {@code finished_at}, {@code status}, {@code error}, and {@code chain}
 * ({@code {"sequence", "previous"}}; null for the launcher's statements).
 *
 * <p><b>Chains</b> (section 5). Every worker process (a pod; a retried pod starts anew) chains its
 * statements: {@code chain.sequence} counts from 0, {@code chain.previous} is the hash of the
 * previous statement's canonical bytes, 64 zeros for the first. After the last task it signs a
 * <em>worker summary</em> ({@code https://honest.dev/attestation/worker-summary/v1}: {@code run_id},
 * {@code worker}, {@code pod}, {@code node}, {@code assigned}, {@code completed}, {@code failed},
 * {@code exit_code}, {@code task_statements}, {@code chain}; subject {@code worker-chain/<index>}
 * with the chain head as digest), so a chain cut at its end no longer ends in a summary. The worker
 * prints each statement right after the line it attests: {@code HONEST-ATTESTATION {"kind": "task"
 * | "worker_summary", "task", "worker", "envelope"}}.
 *
 * <p><b>The run</b> ({@code https://honest.dev/attestation/run/v1}), signed by the launcher with the
 * run's key: {@code run_id}, {@code key_id}, {@code merkle_root} and {@code tree_size} (section 6,
 * the leaves being the payloads of the final task statements in the order of {@code tasks[]}),
 * {@code total_tasks}, {@code completed_tasks}, {@code failed_tasks}, {@code carried_tasks},
 * {@code tasks} (every id, in order), {@code chains} ({@code run_id}, {@code worker},
 * {@code attempt}, {@code statements}, {@code head}, {@code complete} of every chain in the
 * results), {@code keys} ({@code key_id}, {@code run_id} of every key accepted in the results).
 * Subject {@code task-statements} with the Merkle root as digest.
 *
 * <p><b>Carried records.</b> {@code --resume} carries a completed task of an earlier run over when
 * its task, model and model digest, options, prompt version and input digests are unchanged: its
 * record gets {@code carried_from} (the run whose statement it keeps), its statement and the chain
 * holding it are kept as signed then, and that run's public key is listed (and named in the new run
 * statement).
 *
 * <p><b>Verifying</b> ({@code launcher verify}): trust the run's key (given, or the one the results
 * name); verify the run statement with it and accept the keys it lists; verify every envelope with
 * the accepted key of the run it belongs to; walk every chain (links, sequence numbers, summary
 * last) and compare its length and head with the run statement; for each task, compare the record
 * digest of {@code tasks[i]} with the statement in {@code attestation.tasks[i]} (and that its
 * {@code carried_from}, which the digest leaves out, is null or a run id), check that a
 * worker's statement is in one of that worker's chains and that only {@code worker_lost} statements
 * come from the launcher; recompute the Merkle root; recount; check that {@code workers[]} lists
 * each task of this run exactly once, under the worker its statement names, and no carried task or
 * id without a record; and, given a workspace, hash every input file the statements name.
 */
package dev.honest.common.proof;
