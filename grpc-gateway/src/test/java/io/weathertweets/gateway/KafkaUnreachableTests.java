package io.weathertweets.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.grpc.test.autoconfigure.AutoConfigureTestGrpcTransport;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A Kafka gateway with its bootstrap server on a closed port, and a max-ahead of three hours (the
 * consumers' PathSemantics setting, which the gateway judges event time with).
 */
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
      "spring.grpc.server.health.schedule.period=500ms",
      "weather.time.max-ahead=3h"
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
  void shouldJudgeEventTimeWithTheConfiguredMaxAhead() {
    long now = System.currentTimeMillis();
    // Two hours ahead passes validation and reaches the (unreachable) broker; four hours does not.
    assertThatThrownBy(() -> publishOne(now + 7_200_000))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThatThrownBy(() -> publishOne(now + 14_400_000))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("event_time_ms");
            });
  }

  private void publishOne(long eventTimeMs) {
    TweetIngestServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .publish(
            PublishRequest.newBuilder()
                .addTweets(
                    TestTweets.tweet("mixco").build().toBuilder().setEventTimeMs(eventTimeMs))
                .build());
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
