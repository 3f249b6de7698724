package dev.honest.worker.ollama;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An HTTP client without TLS, for Ollama URLs that are all plain {@code http}. Building a JDK
 * {@link HttpClient} otherwise initialises the default {@link SSLContext} at once (the JSSE
 * provider and the trust store), a quarter of a second of a worker's start-up before its first
 * request, although Ollama speaks plain HTTP and the client follows no redirects. Should TLS ever
 * be asked of such a client, it fails with "no TLS" rather than connecting some other way.
 */
final class NoTls {
  private static final SSLContext CONTEXT = new SSLContext(new Refusing(), null, "none") {};

  private NoTls() {}

  /** Sets {@code builder} to use no TLS when every URL is plain {@code http}; leaves it alone otherwise. */
  static HttpClient.Builder whenAllPlainHttp(List<String> urls, HttpClient.Builder builder) {
    if (urls.stream().allMatch(url -> "http".equals(URI.create(url).getScheme()))) {
      // With parameters given, the client does not ask the context for its defaults either.
      builder.sslContext(CONTEXT).sslParameters(new SSLParameters());
    }
    return builder;
  }

  /** A TLS implementation that refuses every use. */
  private static final class Refusing extends SSLContextSpi {
    private static UnsupportedOperationException refused() {
      return new UnsupportedOperationException("no TLS: this client was built for plain-http Ollama URLs only");
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
      throw refused();
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      throw refused();
    }
  }
}
