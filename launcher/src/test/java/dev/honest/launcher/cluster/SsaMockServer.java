package dev.honest.launcher.cluster;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fabric8 mock API server in CRUD mode (plain HTTP) that also accepts server-side apply, which
 * the CRUD dispatcher rejects. An apply becomes a create when the object is absent; when it exists,
 * a replace of everything but its status and server-set metadata, which is what applying a complete
 * object as its only field manager amounts to. (A JSON merge patch would not do: the mock appends
 * to lists instead of replacing them.) No field ownership or conflicts, but the launcher's real SSA
 * calls run. It records every apply, in order, and serves pod logs registered with {@link #expectLog}.
 */
final class SsaMockServer implements AutoCloseable {
  /** The mock logs every request at INFO through java.util.logging; kept here so the level sticks. */
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final NamespacedKubernetesClient client;
  private final List<String> applied = new CopyOnWriteArrayList<>();
  private volatile int forwardTo;
  private volatile String forwardRefusal;
  private volatile Duration logDelay = Duration.ZERO;
  private volatile String slowApplies;
  private volatile Duration applyDelay = Duration.ZERO;
  private final List<Long> logsAskedAt = new CopyOnWriteArrayList<>();
  /** Followed log paths whose stream stalls after the text given, by path. */
  private final Map<String, String> stalledFollows = new java.util.concurrent.ConcurrentHashMap<>();
  /** Log paths the API server cannot serve now (the pod's kubelet unreachable), with its answer. */
  private final Map<String, String> unreadableLogs = new java.util.concurrent.ConcurrentHashMap<>();

  SsaMockServer() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(
        new Context(Serialization.jsonMapper()), new MockWebServer(), responses, new SsaDispatcher(responses), false);
    server.init();
    client = server.createClient();
  }

  NamespacedKubernetesClient client() {
    return client;
  }

  KubernetesMockServer server() {
    return server;
  }

  /** Every server-side apply so far, as {@code plural/name} ({@code jobs/k8s-worker-1}), in order. */
  List<String> applied() {
    return List.copyOf(applied);
  }

  /**
   * Answers every pod port-forward by relaying the stream to {@code port} on this machine, as the
   * kubelet relays it into the pod (Kubernetes' port-forward WebSocket protocol: channel 0 data,
   * channel 1 errors, each announced by its port number first).
   */
  void forwardPortsTo(int port) {
    forwardTo = port;
  }

  /**
   * Refuses every pod port-forward as an API server does when RBAC denies it: 403 and a {@code Status}
   * whose message names the user, the verb and the resource (WebSocket upgrades are GET requests,
   * authorized as {@code get} before Kubernetes 1.35).
   */
  void refusePortForwards(String user) {
    forwardRefusal = user;
  }

  /**
   * From now on sends each pod log read at once only {@code delay} after it was asked for (as a slow
   * API server or kubelet would), and notes when each was asked for.
   */
  void slowLogs(Duration delay) {
    logsAskedAt.clear();
    logDelay = delay;
  }

  /**
   * From now on answers each server-side apply of a {@code plural} object ({@code jobs}) only
   * {@code delay} after it was made, as a slow API server would.
   */
  void slowApplies(String plural, Duration delay) {
    slowApplies = plural;
    applyDelay = delay;
  }

  /** When each pod log was asked for ({@link System#nanoTime}) since {@link #slowLogs}, in order. */
  List<Long> logsAskedAt() {
    return List.copyOf(logsAskedAt);
  }

  /** Serves {@code log} for the pod's log, read at once or followed. */
  void expectLog(String namespace, String pod, String log) {
    String path = logPath(namespace, pod);
    server.expect().get().withPath(path).andReturn(200, log).always();
    server.expect().get().withPath(path + "&follow=true").andReturn(200, log).always();
  }

  /**
   * From now on answers a follow of the pod's log with {@code log} and then nothing more, the
   * stream staying open (as one from a kubelet that stopped answering): the response says it is
   * longer than what is sent.
   */
  void stallFollowedLog(String namespace, String pod, String log) {
    stalledFollows.put(logPath(namespace, pod) + "&follow=true", log);
  }

  /**
   * From now on answers a read of the pod's log with a 500 saying {@code why}, as an API server whose
   * request to the pod's kubelet failed (its node down).
   */
  void unreadableLog(String namespace, String pod, String why) {
    unreadableLogs.put(logPath(namespace, pod), why);
  }

  /** Serves {@code log} as the log of the pod's container before its last restart. */
  void expectPreviousLog(String namespace, String pod, String log) {
    server.expect().get().withPath(logPath(namespace, pod) + "&previous=true").andReturn(200, log).always();
  }

  @Override
  public void close() {
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // Under heavy load the mock's Vert.x server can take longer than its fixed 10 s to close a
      // followed log stream; the test's assertions have all run by then, so only say so.
      System.err.println("SsaMockServer: " + e.getMessage() + " (ignored at teardown)");
    }
  }

  private static String logPath(String namespace, String pod) {
    return "/api/v1/namespaces/" + namespace + "/pods/" + pod + "/log?pretty=false";
  }

  private final class SsaDispatcher extends KubernetesMixedDispatcher {
    SsaDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
      super(responses);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (forwardRefusal != null && request.getPath().contains("/portforward?")) {
        String pod = request.getPath().replaceFirst(".*/pods/([^/]+)/portforward.*", "$1");
        String namespace = request.getPath().replaceFirst(".*/namespaces/([^/]+)/.*", "$1");
        return new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
            + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"pods \\\"" + pod + "\\\" is forbidden: User"
            + " \\\"" + forwardRefusal + "\\\" cannot get resource \\\"pods/portforward\\\" in API group \\\"\\\" in"
            + " the namespace \\\"" + namespace + "\\\"\",\"reason\":\"Forbidden\",\"details\":{\"name\":\"" + pod
            + "\",\"kind\":\"pods\"},\"code\":403}");
      }
      if (forwardTo > 0 && request.getPath().contains("/portforward?")) {
        return new MockResponse().withWebSocketUpgrade(new PortForwardRelay(forwardTo));
      }
      String unreadable = unreadableLogs.get(request.getPath());
      if (unreadable != null) {
        return new MockResponse().setResponseCode(500).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
            + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + unreadable + "\",\"code\":500}");
      }
      String stalled = stalledFollows.get(request.getPath());
      if (stalled != null) {
        byte[] sent = stalled.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new MockResponse().setResponseCode(200).setBody(sent).setHeader("Content-Length", sent.length + 1_000_000);
      }
      if (request.getPath().contains("/log?") && !request.getPath().contains("follow=true")
          && !logDelay.isZero()) {
        logsAskedAt.add(System.nanoTime());
        return super.dispatch(request).setBodyDelay(logDelay);
      }
      String type = request.getHeader("Content-Type");
      if (request.method() != HttpMethod.PATCH || type == null || !type.startsWith("application/apply-patch")) {
        return super.dispatch(request);
      }
      String path = request.getPath();
      String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      String[] segments = bare.split("/");
      applied.add(segments[segments.length - 2] + "/" + segments[segments.length - 1]);
      String body = request.getUtf8Body();
      MockResponse existing = super.dispatch(request(HttpMethod.GET, bare, null, ""));
      MockResponse response = existing.code() == 404
          ? super.dispatch(request(HttpMethod.POST, bare.substring(0, bare.lastIndexOf('/')), "application/json", body))
          : super.dispatch(request(HttpMethod.PUT, bare, "application/json", replacement(existing, body)));
      return segments[segments.length - 2].equals(slowApplies) ? response.setBodyDelay(applyDelay) : response;
    }

    /** The applied object, keeping the stored status and the metadata the server set. */
    private String replacement(MockResponse existing, String applied) {
      ObjectMapper json = Serialization.jsonMapper();
      JsonNode stored = json.readTree(existing.getBody().readUtf8());
      ObjectNode result = (ObjectNode) json.readTree(applied);
      ObjectNode metadata = ((ObjectNode) stored.get("metadata")).deepCopy();
      metadata.setAll((ObjectNode) result.get("metadata"));
      result.set("metadata", metadata);
      if (stored.has("status")) {
        result.set("status", stored.get("status"));
      }
      return json.writeValueAsString(result);
    }

    private RecordedRequest request(HttpMethod method, String path, String contentType, String body) {
      Headers.Builder headers = Headers.builder();
      if (contentType != null) {
        headers.add("Content-Type", contentType);
      }
      return new RecordedRequest("HTTP/1.1", method, path, headers.build(), new Buffer().writeUtf8(body));
    }
  }

  /** One port-forward connection, relayed to a local port. */
  private static final class PortForwardRelay extends WebSocketListener {
    private final int port;
    private volatile Socket socket;

    PortForwardRelay(int port) {
      this.port = port;
    }

    @Override
    public void onOpen(WebSocket ws, Response response) {
      try {
        socket = new Socket("127.0.0.1", port);
      } catch (IOException e) {
        ws.send(new byte[] {1, (byte) port, (byte) (port >> 8)});
        ws.close(1011, e.getMessage());
        return;
      }
      ws.send(new byte[] {0, (byte) port, (byte) (port >> 8)});
      ws.send(new byte[] {1, (byte) port, (byte) (port >> 8)});
      Thread pump = new Thread(() -> {
        byte[] buffer = new byte[8192];
        try (InputStream in = socket.getInputStream()) {
          int n;
          while ((n = in.read(buffer)) >= 0) {
            byte[] frame = new byte[n + 1];
            System.arraycopy(buffer, 0, frame, 1, n);
            ws.send(frame);
          }
        } catch (IOException closed) {
          // the client went away first
        }
        ws.close(1000, "");
      }, "port-forward-relay");
      pump.setDaemon(true);
      pump.start();
    }

    @Override
    public void onMessage(WebSocket ws, byte[] bytes) {
      if (bytes.length > 1 && bytes[0] == 0) {
        try {
          socket.getOutputStream().write(bytes, 1, bytes.length - 1);
          socket.getOutputStream().flush();
        } catch (IOException e) {
          ws.close(1011, e.getMessage());
        }
      }
    }

    @Override
    public void onMessage(WebSocket ws, ByteString bytes) {
      onMessage(ws, bytes.toByteArray());
    }

    @Override
    public void onClosed(WebSocket ws, int code, String reason) {
      if (socket == null) {
        return;
      }
      try {
        socket.close();
      } catch (IOException e) {
        // already gone
      }
    }
  }
}
