package io.weathertweets.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.embedded.TcpProxy;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The ingress's connection to a gateway goes silent, as when the gateway's node is lost or
 * partitioned away: no FIN, no RST, nothing (a proxy stops carrying that connection's bytes; new
 * connections pass, as a Service sends them to a live replica). Only HTTP/2 keepalive pings tell
 * such a connection from a quiet one. With Spring Boot's channel defaults (a ping after 5 min, 20 s
 * to answer) the channel kept the dead connection for over 5 minutes: every tweet waited out the
 * forward deadline for a 503, and readiness said UP.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=ingress",
      "weather.ingress.routing=kafka",
      "weather.ingress.forward-deadline=2s"
    })
class SilentGatewayTest {
  static final FakeGateway KAFKA = FakeGateway.start("kafka");
  static final TcpProxy PROXY =
      new TcpProxy("127.0.0.1", Integer.parseInt(KAFKA.target().split(":")[1]));

  /**
   * Keepalive time and timeout, then a reconnect (about 15 s), with room for a slow machine; Boot's
   * defaults take over 5 minutes.
   */
  static final Duration BOUND = Duration.ofSeconds(45);

  @LocalServerPort int port;

  @DynamicPropertySource
  static void gateways(DynamicPropertyRegistry registry) {
    registry.add("KAFKA_GATEWAY_TARGET", () -> "127.0.0.1:" + PROXY.port());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    PROXY.close();
    KAFKA.close();
  }

  @Test
  void shouldForwardAgainSoonAfterItsConnectionToAGatewayGoesSilent() {
    IngressClient ingress = new IngressClient(port);
    assertThat(tweet(ingress).status()).isEqualTo(202);

    assertThat(PROXY.silence()).as("connections to the gateway through the proxy").isPositive();
    long silenced = System.nanoTime();
    await()
        .atMost(BOUND)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> tweet(ingress).status() == 202);
    System.out.printf(
        "forwarding again %d ms after the connection went silent%n",
        Duration.ofNanos(System.nanoTime() - silenced).toMillis());
  }

  private static IngressClient.Response tweet(IngressClient ingress) {
    return ingress.postJson(
        "/api/tweet",
        """
        {"municipality":"mixco","temperature":25,"humidity":70,"weather":"sunny"}""");
  }
}
