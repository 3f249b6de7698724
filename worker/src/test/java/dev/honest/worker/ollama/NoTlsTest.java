package dev.honest.worker.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class NoTlsTest {
  @Test
  void aClientForPlainHttpUrlsOnlyRefusesEveryUseOfTls() {
    HttpClient client = NoTls.whenAllPlainHttp(List.of("http://ollama-0:11434", "http://ollama-1:11434"),
        HttpClient.newBuilder()).build();

    assertThatThrownBy(() -> client.sslContext().createSSLEngine())
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("no TLS");
  }

  @Test
  void oneHttpsUrlKeepsTheDefaultTls() throws Exception {
    HttpClient client = NoTls.whenAllPlainHttp(List.of("http://ollama-0:11434", "https://ollama.example:443"),
        HttpClient.newBuilder()).build();

    assertThat(client.sslContext()).isSameAs(SSLContext.getDefault());
  }
}
