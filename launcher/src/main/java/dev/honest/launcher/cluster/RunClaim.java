package dev.honest.launcher.cluster;

import dev.honest.common.exit.ExitCode;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * The claim a {@code run} lays on its namespace before it changes anything in it but the namespace
 * itself: the Lease {@value #NAME}, whose holder is the run id. The API server creates a name once,
 * so of two runs started at once exactly one gets it; the other changes nothing and says which run
 * holds the namespace. The claim stays as long as the run's objects do (its Jobs run on after the
 * launcher exits, and their results are collected later); {@code --replace} deletes it with them,
 * {@code cleanup} with the namespace, and a run that ends before it starts any worker gives it up.
 * A launcher killed before it started its workers leaves it: the next run says so and
 * {@code --replace} takes the namespace over.
 *
 * <p>No time limit: whether a run that started no worker is still waiting for Ollama or was killed,
 * only its user knows, and a wrong guess would mix two runs.
 */
final class RunClaim {
  /** The Lease's name. */
  static final String NAME = "orchestrator-run";
  /** Its {@value RunLabels#COMPONENT} label. */
  static final String COMPONENT = "run-claim";
  /**
   * The annotation naming the launcher that took the claim: run ids are the start time to the
   * second, so the same command started twice at once gives two launchers one run id.
   */
  static final String TOKEN_ANNOTATION = "honest.dev/claim-token";

  private RunClaim() {}

  /**
   * Claims the namespace for {@code runId}, or confirms that it holds it.
   *
   * @param token this launcher's own ({@link #TOKEN_ANNOTATION})
   * @throws ClusterException ({@link ExitCode#INVALID_INPUT}) when another run holds it
   */
  static void take(Cluster cluster, String runId, String token) {
    Lease claim = new LeaseBuilder()
        .withNewMetadata()
        .withName(NAME)
        .addToLabels(RunLabels.PART_OF, RunLabels.PART_OF_VALUE)
        .addToLabels(RunLabels.INSTANCE, runId)
        .addToLabels(RunLabels.COMPONENT, COMPONENT)
        .addToAnnotations(TOKEN_ANNOTATION, token)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(runId)
        .withAcquireTime(ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS))
        .endSpec()
        .build();
    // Created, or found: a claim deleted between the two (a --replace) is created again, once.
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        cluster.client.resources(Lease.class).inNamespace(cluster.namespace).resource(claim).create();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw cluster.translate(e, "create", "leases");
        }
      }
      Optional<Lease> held = find(cluster);
      if (held.isPresent()) {
        if (!mine(held.get(), runId, token)) {
          throw heldByAnother(cluster, held.get());
        }
        return;
      }
    }
    throw new ClusterException(ExitCode.UNAVAILABLE, "the claim of namespace " + cluster.namespace + " (Lease " + NAME
        + ") was deleted each time this run created it: is another launcher replacing runs there?");
  }

  /** The claim on the namespace, if any run holds it. */
  static Optional<Lease> find(Cluster cluster) {
    return Optional.ofNullable(cluster.call("get", "leases",
        () -> cluster.client.resources(Lease.class).inNamespace(cluster.namespace).withName(NAME).get()));
  }

  /** Whether {@code claim} is the one this launcher took for {@code runId} with {@code token}. */
  static boolean mine(Lease claim, String runId, String token) {
    Map<String, String> annotations = claim.getMetadata().getAnnotations();
    return runId.equals(holder(claim)) && annotations != null && token.equals(annotations.get(TOKEN_ANNOTATION));
  }

  /** The run that holds {@code claim}, "?" when it names none. */
  static String holder(Lease claim) {
    String holder = claim.getSpec() == null ? null : claim.getSpec().getHolderIdentity();
    return holder == null || holder.isBlank() ? "?" : holder;
  }

  /**
   * Gives up {@code runId}'s claim, if it still holds it. Best effort: when the API server cannot be
   * asked, a line says so and what the next run needs.
   */
  static void release(Cluster cluster, String runId, String token) {
    try {
      Optional<Lease> held = find(cluster);
      if (held.isPresent() && mine(held.get(), runId, token)) {
        delete(cluster);
      }
    } catch (ClusterException e) {
      cluster.say("⚠️ This run's claim on namespace " + cluster.namespace + " (Lease " + NAME + ") was not given up: "
          + e.getMessage() + "; the next run there needs --replace");
    }
  }

  /** Deletes the claim, whoever holds it (for {@code --replace}). */
  static void delete(Cluster cluster) {
    cluster.call("delete", "leases",
        () -> cluster.client.resources(Lease.class).inNamespace(cluster.namespace).withName(NAME).delete());
  }

  /** {@code run R since 2026-11-28T03:40:12Z (2m05s ago) (Lease orchestrator-run)}. */
  static String describe(Lease claim, Instant now) {
    ZonedDateTime since = claim.getSpec() == null ? null : claim.getSpec().getAcquireTime();
    String when = since == null ? ""
        : " since " + since.toInstant().truncatedTo(ChronoUnit.SECONDS) + " ("
            + Cluster.human(Duration.between(since.toInstant(), now).truncatedTo(ChronoUnit.SECONDS)) + " ago)";
    return "run " + holder(claim) + when + " (Lease " + NAME + ")";
  }

  /** The refusal for a run that finds the namespace claimed by another, before it changed anything in it. */
  static ClusterException heldByAnother(Cluster cluster, Lease claim) {
    return new ClusterException(ExitCode.INVALID_INPUT, "namespace " + cluster.namespace + " is claimed by "
        + describe(claim, Instant.now()) + ": this run changed nothing there. `status --namespace "
        + cluster.namespace + "` shows that run; one whose launcher was killed before it started its workers keeps"
        + " the claim: if no launcher is running it, `run --replace` takes the namespace over");
  }
}
