package dev.honest.worker.claim;

import dev.honest.common.hash.Hashes;
import dev.honest.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Claims as Lease objects ({@code coordination.k8s.io/v1}) in the run's namespace, for the workers of
 * a cluster run, over {@code java.net.http} alone (the worker carries no Kubernetes client).
 *
 * <p>A claim creates the Lease {@code claim-<40 hex>} ({@link #leaseName}), labelled with the run
 * and annotated with the task id and the worker index, its holder the pod: the API server creates a
 * name once, so exactly one worker gets 201 Created and every other one 409 AlreadyExists. A claim
 * that this worker's index made earlier counts as its own: a Job's pods run one after another, and a
 * retried pod must run again what its failed predecessor claimed and may not have finished, as it
 * would with a fixed slice. So {@link #claim} is true, and {@link #claimed} false, for such a Lease.
 *
 * <p>The service-account token is read before each request: the kubelet rotates it.
 */
public final class LeaseClaims implements Claims {
  /** Where a pod that mounts its service account's token finds it, with the CA and the namespace. */
  private static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
  /** The API server as seen from a pod; its certificate names this host. */
  private static final URI IN_CLUSTER_API = URI.create("https://kubernetes.default.svc");
  /** The claimed task's id (a label value could not hold every id). */
  public static final String TASK_ANNOTATION = "honest.dev/task-id";
  /** The index of the worker that claimed the task. */
  public static final String WORKER_ANNOTATION = "honest.dev/worker-index";
  private static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
  private static final String PART_OF_LABEL = "app.kubernetes.io/part-of";
  private static final String PART_OF = "honest-orchestration";
  private static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  private static final String COMPONENT = "claim";
  /** The Lease a dry run creates at start to see that claims are allowed; it is never stored. */
  private static final String PROBE = "honest-claims-probe";

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
  /**
   * Attempts of a claim or a read: waits of 0.5, 1, 2, 4, 8, 16 and 16 s between them, some 47 s in
   * all, to see an API server through a restart (an upgrade of the control plane, a managed API server
   * scaled) over a run of hours; a worker whose claims fail stops taking over tasks for good, and the rest
   * of its slice may then be run twice.
   */
  private static final int ATTEMPTS = 8;
  /** The longest wait between two attempts. */
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(16);
  /**
   * Attempts of the check at start: where the API server cannot be reached at all (a network policy
   * without egress to it), the worker starts on its slice in under a minute.
   */
  private static final int CHECK_ATTEMPTS = 4;
  /** Lease times are RFC 3339 with microseconds (Kubernetes MicroTime). */
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** Opens the claims; how a worker finds the API server is its caller's business. */
  @FunctionalInterface
  public interface Connector {
    LeaseClaims connect() throws IOException;
  }

  private final URI leases;
  private final Path tokenFile;
  private final HttpClient http;
  private final String namespace;
  private final String runId;
  private final int worker;
  private final String holder;
  private final Duration firstBackoff;

  /**
   * @param api the API server's base URL ({@code http://} only for tests)
   * @param tokenFile the bearer token, read before each request
   * @param http speaks to {@code api} (trusting its CA for https)
   * @param holder the Leases' holder identity: the pod name
   */
  public LeaseClaims(URI api, Path tokenFile, HttpClient http, String namespace, String runId, int worker,
      String holder) {
    this(api, tokenFile, http, namespace, runId, worker, holder, Duration.ofMillis(500));
  }

  /** @param firstBackoff the wait before the first retry of a failed request; it doubles after each */
  LeaseClaims(URI api, Path tokenFile, HttpClient http, String namespace, String runId, int worker, String holder,
      Duration firstBackoff) {
    this.leases = URI.create(api.toString().replaceAll("/+$", "")
        + "/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases");
    this.tokenFile = tokenFile;
    this.http = http;
    this.namespace = namespace;
    this.runId = runId;
    this.worker = worker;
    this.holder = holder;
    this.firstBackoff = firstBackoff;
  }

  /**
   * Claims in a pod: the API server at {@link #IN_CLUSTER_API}, with the token, CA and namespace
   * of the pod's service account under {@link #SERVICE_ACCOUNT}.
   *
   * @throws IOException naming what is missing (no token is mounted without a service account)
   */
  public static LeaseClaims inCluster(String runId, int worker, String holder) throws IOException {
    Path token = SERVICE_ACCOUNT.resolve("token");
    if (!Files.isReadable(token)) {
      throw new IOException("no service-account token at " + token
          + " (the pod runs without a service account token: automountServiceAccountToken is false?)");
    }
    String namespace = Files.readString(SERVICE_ACCOUNT.resolve("namespace"), StandardCharsets.UTF_8).trim();
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .sslContext(trusting(SERVICE_ACCOUNT.resolve("ca.crt")))
        .build();
    return new LeaseClaims(IN_CLUSTER_API, token, http, namespace, runId, worker, holder);
  }

  /** A TLS context that trusts exactly the certificates in {@code caFile} (PEM). */
  static SSLContext trusting(Path caFile) throws IOException {
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IOException(caFile + " holds no certificate");
      }
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int n = 0;
      for (Certificate certificate : certificates) {
        trusted.setCertificateEntry("ca-" + n++, certificate);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      return tls;
    } catch (NoSuchFileException e) {
      throw new IOException("no CA certificate at " + caFile, e);
    } catch (GeneralSecurityException e) {
      throw new IOException(caFile + " is not a CA certificate in PEM: " + e.getMessage(), e);
    }
  }

  /** The Lease that claims {@code taskId} in run {@code runId}: runs sharing a namespace never collide. */
  public static String leaseName(String runId, String taskId) {
    return "claim-" + Hashes.sha256Hex((runId + "\n" + taskId).getBytes(StandardCharsets.UTF_8)).substring(0, 40);
  }

  /** The namespace the Leases are in. */
  public String namespace() {
    return namespace;
  }

  /**
   * Makes sure this worker can claim: a dry run of a claim (which stores nothing but needs the
   * permission to create Leases) and a read of one (the permission to get them).
   *
   * @throws IOException saying why not: no token, the API server refuses (401, 403) or cannot be reached
   */
  public void check() throws IOException {
    Answer created = send(HttpRequest.newBuilder(URI.create(leases + "?dryRun=All"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(lease(PROBE, null))), CHECK_ATTEMPTS);
    // 409: a real dry run found the name taken, or a test server ignored the dry run before.
    if (created.status() != 201 && created.status() != 200 && created.status() != 409) {
      throw new IOException(refusal("create Leases", created));
    }
    Answer read = send(HttpRequest.newBuilder(URI.create(leases + "/" + PROBE)).GET(), CHECK_ATTEMPTS);
    if (read.status() != 200 && read.status() != 404) {
      throw new IOException(refusal("get Leases", read));
    }
  }

  @Override
  public boolean claim(String taskId) {
    String name = leaseName(runId, taskId);
    try {
      Answer created = send(HttpRequest.newBuilder(leases).POST(HttpRequest.BodyPublishers.ofByteArray(lease(name, taskId))),
          ATTEMPTS);
      if (created.status() == 201 || created.status() == 200) {
        return true;
      }
      if (created.status() == 409) {
        Answer existing = get(name);
        if (existing.status() == 200) {
          return mine(existing);
        }
        if (existing.status() == 404) {
          return false; // deleted since: the run is being replaced or cleaned up
        }
        // Whose claim it is cannot be told: a failed claim, which runs the task rather than drop it.
        throw new IOException(refusal("get Lease " + name + " of task " + taskId, existing));
      }
      throw new IOException(refusal("create Lease " + name + " for task " + taskId, created));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot claim task " + taskId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean claimed(String taskId) {
    String name = leaseName(runId, taskId);
    try {
      Answer existing = get(name);
      if (existing.status() == 404) {
        return false;
      }
      if (existing.status() == 200) {
        return !mine(existing);
      }
      throw new IOException(refusal("get Lease " + name + " of task " + taskId, existing));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tell whether task " + taskId + " is claimed: " + e.getMessage(), e);
    }
  }

  private Answer get(String name) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(leases + "/" + name)).GET(), ATTEMPTS);
  }

  /** Whether this worker's index made the claim: its own earlier pod, or itself. */
  private boolean mine(Answer lease) throws IOException {
    try {
      JsonNode annotations = Json.mapper().readTree(lease.body()).path("metadata").path("annotations");
      return Integer.toString(worker).equals(annotations.path(WORKER_ANNOTATION).asString(null));
    } catch (JacksonException e) {
      throw new IOException("the API server's Lease is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private byte[] lease(String name, String taskId) {
    ObjectNode lease = Json.mapper().createObjectNode()
        .put("apiVersion", "coordination.k8s.io/v1")
        .put("kind", "Lease");
    ObjectNode metadata = lease.putObject("metadata").put("name", name);
    metadata.putObject("labels")
        .put(INSTANCE_LABEL, runId)
        .put(PART_OF_LABEL, PART_OF)
        .put(COMPONENT_LABEL, COMPONENT);
    ObjectNode annotations = metadata.putObject("annotations").put(WORKER_ANNOTATION, Integer.toString(worker));
    if (taskId != null) {
      annotations.put(TASK_ANNOTATION, taskId);
    }
    lease.putObject("spec").put("holderIdentity", holder).put("acquireTime", MICRO_TIME.format(Instant.now()));
    return Json.mapper().writeValueAsBytes(lease);
  }

  /** One answer of the API server. */
  private record Answer(int status, byte[] body) {}

  /**
   * Sends with the current token, retrying what may pass (no connection, timeout, 429, 5xx) with a
   * doubling backoff up to {@link #MAX_BACKOFF}; other statuses are the caller's to judge.
   */
  private Answer send(HttpRequest.Builder request, int attempts) throws IOException {
    IOException last = null;
    Duration backoff = firstBackoff;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        pause(backoff);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
      HttpRequest ready = request.copy()
          .header("Authorization", "Bearer " + token())
          .header("Content-Type", "application/json")
          .header("Accept", "application/json")
          .timeout(REQUEST_TIMEOUT)
          .build();
      try {
        HttpResponse<byte[]> response = http.send(ready, BodyHandlers.ofByteArray());
        Answer answer = new Answer(response.statusCode(), response.body());
        if (answer.status() != 429 && answer.status() < 500) {
          return answer;
        }
        last = new IOException(refusal(ready.method() + " " + ready.uri().getPath(), answer));
      } catch (IOException e) {
        last = new IOException("cannot reach the API server at " + ready.uri().getHost() + ": "
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while talking to the API server", e);
      }
    }
    throw last;
  }

  private String token() throws IOException {
    try {
      return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      throw new IOException("no service-account token at " + tokenFile, e);
    }
  }

  private static void pause(Duration duration) throws IOException {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting to retry the API server", e);
    }
  }

  /** What the API server said, with its Status message when it sent one. */
  private String refusal(String what, Answer answer) {
    String message;
    try {
      message = Json.mapper().readTree(answer.body()).path("message").asString("");
    } catch (JacksonException e) {
      message = new String(answer.body(), StandardCharsets.UTF_8).strip();
    }
    String hint = answer.status() == 401 ? " (the token was not accepted)"
        : answer.status() == 403 ? " (the worker's service account needs a Role allowing create and get on leases)"
        : "";
    return "the API server answered HTTP " + answer.status() + " to " + what + " in namespace " + namespace + hint
        + (message.isEmpty() ? "" : ": " + message);
  }
}
