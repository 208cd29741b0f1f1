package io.weathertweets.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.embedded.FreePorts;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A gateway nobody listens for: 503 to clients, readiness down, liveness unaffected. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=ingress", "weather.ingress.routing=fanout"})
class UnreachableGatewayTest {
  static final FakeGateway KAFKA = FakeGateway.start("kafka");

  @LocalServerPort int port;

  @DynamicPropertySource
  static void gateways(DynamicPropertyRegistry registry) {
    registry.add("KAFKA_GATEWAY_TARGET", KAFKA::target);
    registry.add("RABBIT_GATEWAY_TARGET", () -> "127.0.0.1:" + FreePorts.one());
  }

  @AfterAll
  static void stopGateway() throws InterruptedException {
    KAFKA.close();
  }

  @Test
  void shouldAnswer503AndTurnNotReadyWhileStayingLive() {
    IngressClient ingress = new IngressClient(port);

    IngressClient.Response response =
        ingress.postJson(
            "/api/tweet",
            """
        {"municipality":"mixco","temperature":25,"humidity":70,"weather":"sunny"}""");

    assertThat(response.status()).isEqualTo(503);
    assertThat(TweetForwardingTest.strings(response.json().get("failedPaths")))
        .containsExactly("rabbit");
    assertThat(response.json().get("failures").get(0).get("status").stringValue())
        .isEqualTo("UNAVAILABLE");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              IngressClient.Response readiness = ingress.get("/actuator/health/readiness");
              assertThat(readiness.status()).isEqualTo(503);
              assertThat(
                      readiness
                          .json()
                          .at("/components/gateways/components/rabbit/status")
                          .stringValue())
                  .isEqualTo("DOWN");
              assertThat(
                      readiness
                          .json()
                          .at("/components/gateways/components/rabbit/details/state")
                          .stringValue())
                  .isEqualTo("TRANSIENT_FAILURE");
              assertThat(
                      readiness
                          .json()
                          .at("/components/gateways/components/kafka/status")
                          .stringValue())
                  .isEqualTo("UP");
            });
    IngressClient.Response liveness = ingress.get("/actuator/health/liveness");
    assertThat(liveness.status()).isEqualTo(200);
    assertThat(liveness.json().get("status").stringValue()).isEqualTo("UP");
    assertThat(ingress.get("/actuator/prometheus").body())
        .contains("weather_tweets_rejected_total{application=\"ingress\",reason=\"unavailable\"}")
        .contains("weather_forward_latency_seconds_bucket");
  }
}
