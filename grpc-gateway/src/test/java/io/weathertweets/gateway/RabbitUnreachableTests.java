package io.weathertweets.gateway;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.grpc.test.autoconfigure.AutoConfigureTestGrpcTransport;
import org.springframework.boot.test.context.SpringBootTest;

/** A RabbitMQ gateway with its broker on a closed port. */
@SpringBootTest(
    properties = {
      "spring.config.name=gateway",
      "weather.gateway.sink=rabbit",
      "spring.rabbitmq.addresses=amqp://guest:guest@127.0.0.1:1/",
      "spring.grpc.server.health.schedule.delay=100ms",
      "spring.grpc.server.health.schedule.period=500ms"
    })
@AutoConfigureTestGrpcTransport
class RabbitUnreachableTests extends UnreachableBrokerContract {

  @Test
  void shouldAnswerUnavailableAtOnce() {
    assertBatchUnavailableWithin(Duration.ofSeconds(3), "rabbit:", "not reachable", "127.0.0.1:1");
  }

  @Test
  void shouldAnswerUnavailableToCourseClients() {
    assertCourseTweetUnavailable("rabbit");
  }

  @Test
  void shouldBeNotReadyAndNotServing() {
    assertNotReadyAndNotServing();
  }
}
