package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TweetPathTest {

  @Test
  void shouldNameEachPathAsResponsesMetricsAndStoresDo() {
    assertThat(TweetPath.KAFKA.id()).isEqualTo("kafka");
    assertThat(TweetPath.RABBIT.id()).isEqualTo("rabbit");
    assertThat(TweetPath.KAFKA.store()).isEqualTo("redis");
    assertThat(TweetPath.RABBIT.store()).isEqualTo("valkey");
    assertThat(TweetPath.RABBIT.describe()).isEqualTo("RabbitMQ path (rabbit-bridge)");
    assertThat(TweetPath.KAFKA.describe()).isEqualTo("Kafka path (streams-app)");
  }
}
