package dev.honest.worker.ollama;

import dev.honest.common.config.WorkerConfig;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One base URL per Ollama server behind a name ({@link WorkerConfig#llmResolveAll}). A ClusterIP
 * Service balances TCP connections, not requests, so a worker's keep-alive connection stays on one
 * replica; a headless Service's DNS name instead answers with every ready pod's address, and with a
 * URL per address the {@link OllamaClient} sends each request to the next server in turn, moves a
 * retry to another one, and checks at start that every server lists the models with the same digest.
 *
 * <p>The name is resolved once, when the worker starts. A replica that is replaced later (new pod,
 * new address) is not seen by running workers: their requests to the old address fail and are
 * retried on another server; when every address fails, the tasks fail as {@code ollama_unavailable},
 * the worker exits 3 and its Job starts a new pod, which resolves the name again.
 */
public final class ServerAddresses {
  /** Resolves a host name to all its addresses; no address at all is taken as an unknown host. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** The system resolver (the cluster DNS in a pod). */
  public static final Resolver DNS = InetAddress::getAllByName;

  private ServerAddresses() {}

  /**
   * {@code config} itself unless it asks to resolve its URLs; otherwise the same config with each URL
   * replaced by one URL per address of its host (scheme, port and path kept), in the order resolved,
   * each address once. A host that does not resolve (or that the resolver answers with no address)
   * stays as it is: the client then reports the servers unreachable as it would have without expansion.
   *
   * @param log gets one line per URL saying what it was resolved to, or why not
   */
  public static WorkerConfig expand(WorkerConfig config, Resolver resolver, Consumer<String> log) {
    if (!config.llmResolveAll()) {
      return config;
    }
    Set<String> urls = new LinkedHashSet<>();
    for (String url : config.llmUrls()) {
      URI uri = URI.create(url);
      Set<String> expanded = new LinkedHashSet<>();
      try {
        InetAddress[] addresses = resolver.resolve(uri.getHost());
        if (addresses == null || addresses.length == 0) {
          // As the JDK's resolver, which throws rather than answer with no address.
          throw new UnknownHostException(uri.getHost() + ": no address");
        }
        for (InetAddress address : addresses) {
          expanded.add(withHost(uri, literal(address)));
        }
      } catch (UnknownHostException e) {
        log.accept(uri.getHost() + " does not resolve now (" + e.getMessage() + "): " + url
            + " is used as it is, one connection to one server at a time");
        urls.add(url);
        continue;
      }
      log.accept(uri.getHost() + " resolves to " + expanded.size() + " address(es): requests go in turn to "
          + String.join(", ", expanded));
      urls.addAll(expanded);
    }
    return config.withLlmUrls(List.copyOf(urls));
  }

  /** The address as a URI host; an IPv6 address's zone, meaningless across hosts, is dropped. */
  private static String literal(InetAddress address) {
    String text = address.getHostAddress();
    return address instanceof Inet6Address && text.contains("%") ? text.substring(0, text.indexOf('%')) : text;
  }

  private static String withHost(URI uri, String host) {
    try {
      // This constructor brackets an IPv6 literal.
      return new URI(uri.getScheme(), uri.getUserInfo(), host, uri.getPort(), uri.getPath(), uri.getQuery(),
          uri.getFragment()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot put address " + host + " into " + uri + ": " + e.getMessage(), e);
    }
  }
}
