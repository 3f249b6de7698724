package dev.honest.launcher.cluster;

import dev.honest.common.exit.ExitCode;
import dev.honest.launcher.progress.Progress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * One run namespace as the launcher's cluster code sees it: the client, the namespace, where
 * progress lines go, and the one place where client failures become {@link ClusterException}s.
 */
final class Cluster {
  /** A progress line is printed on every change, and at least this often while waiting. */
  static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(15);

  private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

  final KubernetesClient client;
  final String namespace;
  private final PrintWriter out;

  Cluster(KubernetesClient client, String namespace, PrintWriter out) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Runs one API call, translating its failure.
   *
   * @param verb the RBAC verbs the call needs ({@code get}, {@code list and watch}, {@code patch}, ...)
   * @param resource the RBAC resource ({@code jobs}, {@code pods/log}, {@code namespaces}, ...)
   */
  <T> T call(String verb, String resource, Supplier<T> action) {
    try {
      return action.get();
    } catch (KubernetesClientException e) {
      throw translate(e, verb, resource);
    }
  }

  /** Prints one progress line; safe from any thread. */
  void say(String line) {
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  /**
   * Polls {@code probe} every second until {@code done} holds or {@code timeout} has passed, printing
   * {@code describe} of what it saw (with the elapsed time) when that changes and at least every
   * {@link #PROGRESS_INTERVAL}.
   *
   * @return the last value seen: the caller tests {@code done} again to tell success from timeout
   */
  <T> T poll(Supplier<T> probe, Predicate<T> done, Function<T, String> describe, Duration timeout)
      throws InterruptedException {
    long start = System.nanoTime();
    String printed = null;
    long printedAt = start;
    while (true) {
      T value = probe.get();
      long now = System.nanoTime();
      if (done.test(value) || now - start >= timeout.toNanos()) {
        return value;
      }
      String line = describe.apply(value);
      if (!line.equals(printed) || now - printedAt >= PROGRESS_INTERVAL.toNanos()) {
        say(line + " | Time: " + human(Duration.ofNanos(now - start)));
        printed = line;
        printedAt = now;
      }
      Thread.sleep(Math.min(POLL_INTERVAL.toMillis(), Math.max(1, (timeout.toNanos() - (now - start)) / 1_000_000)));
    }
  }

  ClusterException translate(KubernetesClientException e, String verb, String resource) {
    String url = client.getConfiguration().getMasterUrl();
    String what = verb + " " + resource + ("namespaces".equals(resource) ? "" : " in namespace " + namespace);
    int code = e.getCode();
    if (hasCause(e, InterruptedException.class)) {
      // Ctrl-C or a stopped thread during a request: not a network problem.
      Thread.currentThread().interrupt();
      return new ClusterException(ExitCode.UNAVAILABLE, "interrupted while trying to " + what, e);
    }
    if (code <= 0 && hasCause(e, IOException.class)) {
      return new ClusterException(
          ExitCode.UNAVAILABLE,
          "cannot reach the cluster at " + url + ": " + networkProblem(e)
              + " — check `kubectl config current-context` or pass --context/--kubeconfig",
          e);
    }
    String serverSays = serverMessage(e);
    if (code == 401) {
      return new ClusterException(
          ExitCode.UNAVAILABLE,
          "the cluster at " + url + " rejected the credentials (401 Unauthorized) while trying to " + what
              + " — log in again or pick another context with --context",
          e);
    }
    if (code == 403) {
      return new ClusterException(
          ExitCode.UNAVAILABLE,
          "forbidden: cannot " + what + " (" + serverSays + ") — ask for an RBAC role that allows "
              + verb + " on " + resource,
          e);
    }
    ExitCode exit = code >= 500 || code <= 0 ? ExitCode.UNAVAILABLE : ExitCode.INTERNAL;
    return new ClusterException(
        exit, "cannot " + what + " at " + url + ": " + serverSays + (code > 0 ? " (HTTP " + code + ")" : ""), e);
  }

  /** {@code 45s}, {@code 2m05s}, {@code 1h02m03s}. */
  static String human(Duration d) {
    return Progress.human(d);
  }


  private static String serverMessage(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null && !e.getStatus().getMessage().isBlank()) {
      return e.getStatus().getMessage();
    }
    return e.getMessage();
  }

  /**
   * The JDK client reports most network failures as exceptions without a message: name them. An
   * unknown host shows up as a ConnectException caused by an UnresolvedAddressException, so the
   * most specific cause is looked for first.
   */
  private static String networkProblem(Throwable e) {
    if (hasCause(e, UnresolvedAddressException.class) || hasCause(e, UnknownHostException.class)) {
      return "unknown host";
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return "TLS failed: " + t.getMessage();
      }
    }
    if (hasCause(e, HttpTimeoutException.class) || hasCause(e, SocketTimeoutException.class)) {
      return "timed out";
    }
    if (hasCause(e, ConnectException.class)) {
      return "connection refused";
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
