package io.weathertweets.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Routing {@code kafka}: only the Kafka gateway is called, and only its channel is part of
 * readiness.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=ingress", "weather.ingress.routing=kafka"})
class KafkaRoutingTest extends WithFakeGateways {

  @LocalServerPort int port;

  @DynamicPropertySource
  static void gateways(DynamicPropertyRegistry registry) {
    // The Spring gRPC channel properties themselves, as a launcher sharing one JVM would override
    // them.
    registry.add("spring.grpc.client.channel.kafka-gateway.target", KAFKA::target);
    registry.add("spring.grpc.client.channel.rabbit-gateway.target", RABBIT::target);
  }

  @Test
  void shouldCallOnlyTheKafkaGatewayAndWatchOnlyItsChannel() {
    IngressClient ingress = new IngressClient(port);

    IngressClient.Response single =
        ingress.postJson(
            "/api/tweet",
            """
        {"municipality":"mixco","temperature":25,"humidity":70,"weather":"sunny"}""");
    IngressClient.Response batch =
        ingress.postJson(
            "/api/tweets",
            """
        [{"municipality":"mixco","temperature":25,"humidity":70,"weather":"sunny"}]""");

    assertThat(single.status()).isEqualTo(202);
    assertThat(TweetForwardingTest.strings(single.json().get("paths"))).containsExactly("kafka");
    assertThat(batch.status()).isEqualTo(202);
    assertThat(TweetForwardingTest.strings(batch.json().get("paths"))).containsExactly("kafka");
    assertThat(KAFKA.requests()).hasSize(2);
    assertThat(RABBIT.requests()).isEmpty();
    IngressClient.Response readiness = ingress.get("/actuator/health/readiness");
    assertThat(readiness.status()).isEqualTo(200);
    assertThat(readiness.json().at("/components/gateways/components").propertyNames())
        .containsExactly("kafka");
  }
}
