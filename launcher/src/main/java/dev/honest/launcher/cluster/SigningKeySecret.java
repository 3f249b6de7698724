package dev.honest.launcher.cluster;

import dev.honest.common.proof.SigningKey;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The Secret {@value #NAME} that brings the run's private key to the workers, mounted read-only at
 * {@code /etc/honest/signing/key.pem} (see {@code templates/worker-job.yaml}). It is built at deploy
 * time from the key in memory and applied before the Jobs; unlike every other object of a run it is
 * never written into the rendered manifest files, and {@code cleanup} deletes it.
 */
public final class SigningKeySecret {
  public static final String NAME = "honest-signing-key";
  /** The Secret's data key, and the file name in the mounted directory. */
  public static final String KEY = "key.pem";

  private SigningKeySecret() {}

  public static Secret of(String namespace, String runId, SigningKey key) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(namespace)
        .withLabels(Map.of(RunLabels.INSTANCE, runId, RunLabels.PART_OF, RunLabels.PART_OF_VALUE,
            "app.kubernetes.io/component", "signing-key"))
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of(KEY, Base64.getEncoder().encodeToString(key.toPem().getBytes(StandardCharsets.US_ASCII))))
        .build();
  }

  /**
   * The key a Secret of a run holds (for {@code collect}, which signs the results of a run it did not start).
   *
   * @throws IllegalArgumentException when the Secret holds no valid key
   */
  public static SigningKey read(Secret secret) {
    String data = secret.getData() == null ? null : secret.getData().get(KEY);
    if (data == null) {
      throw new IllegalArgumentException("Secret " + NAME + " has no " + KEY);
    }
    return SigningKey.fromPem(new String(Base64.getDecoder().decode(data), StandardCharsets.US_ASCII));
  }
}
