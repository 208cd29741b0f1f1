package io.weathertweets.gateway;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.grpc.test.autoconfigure.AutoConfigureTestGrpcTransport;
import org.springframework.boot.test.context.SpringBootTest;

/** A Kafka gateway with its bootstrap server on a closed port. */
@SpringBootTest(
    properties = {
      "spring.config.name=gateway",
      "weather.gateway.sink=kafka",
      "spring.kafka.bootstrap-servers=127.0.0.1:1",
      "spring.kafka.producer.properties.max.block.ms=2000",
      "spring.kafka.producer.properties.request.timeout.ms=2000",
      "spring.kafka.producer.properties.delivery.timeout.ms=4000",
      "spring.kafka.admin.operation-timeout=1s",
      "spring.grpc.server.health.schedule.delay=100ms",
      "spring.grpc.server.health.schedule.period=500ms"
    })
@AutoConfigureTestGrpcTransport
class KafkaUnreachableTests extends UnreachableBrokerContract {

  @Test
  void shouldAnswerUnavailableAfterOneMetadataWaitNotOnePerTweet() {
    // max.block.ms is 2 s: five tweets each waiting for metadata would take 10 s.
    assertBatchUnavailableWithin(
        Duration.ofMillis(3_500), "kafka:", "weather-tweets", "127.0.0.1:1");
  }

  @Test
  void shouldAnswerUnavailableToCourseClients() {
    assertCourseTweetUnavailable("kafka");
  }

  @Test
  void shouldBeNotReadyAndNotServing() {
    assertNotReadyAndNotServing();
  }
}
