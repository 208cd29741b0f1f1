package io.weathertweets.bridge.consume;

import static io.weathertweets.aggregates.Municipality.GUATEMALA;
import static io.weathertweets.aggregates.Municipality.MIXCO;
import static io.weathertweets.bridge.TestTweets.T0;
import static io.weathertweets.bridge.TestTweets.tweet;
import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.bridge.ValkeyTestSupport;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class PoisonMessageTest extends BridgeIntegrationTest {
  private static final Names NAMES = Names.random();

  @DynamicPropertySource
  static void names(DynamicPropertyRegistry registry) {
    NAMES.register(registry, ValkeyTestSupport.SHARED_VALKEY);
  }

  @Test
  void shouldDeadLetterPoisonAndGoOnWithTheRestOfTheBatch() {
    // Dead-lettering through the queue's x-dead-letter-exchange is RabbitMQ's; Qpid requeues a
    // rejected message.
    Assumptions.assumeTrue(
        LocalServers.realRabbitMq(), "needs RabbitMQ: dead-lettering via x-dead-letter-exchange");
    byte[] garbage = {(byte) 0xff, 0x01, 0x02, 0x03};
    Tweet outOfRange = tweet(MIXCO).id("too-hot").at(T0).temperature(99).build();
    Tweet good = tweet(GUATEMALA).id("good").at(T0).temperature(21).build();

    publishRaw(garbage, "garbage");
    publish(List.of(outOfRange, good));

    awaitTweetsTotal(1, Duration.ofSeconds(30));
    assertThat(reader().allTime()).containsOnlyKeys(GUATEMALA);
    assertThat(count("weather.tweets.dlq")).isEqualTo(2);
    assertThat(count("weather.tweets.processed")).isEqualTo(1);

    List<Message> deadLettered = new ArrayList<>();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Message m = publisher.receive(properties.rabbit().deadLetterQueue());
              if (m != null) {
                deadLettered.add(m);
              }
              return deadLettered.size() == 2;
            });
    assertThat(deadLettered)
        .extracting(m -> m.getMessageProperties().getMessageId())
        .containsExactly("garbage", "too-hot");
    assertThat(deadLettered.get(0).getBody()).isEqualTo(garbage);
    assertThat(deadLettered.get(1).getBody()).isEqualTo(outOfRange.toByteArray());
    assertThat(deadLettered.get(1).getMessageProperties().<Object>getHeader("x-death")).isNotNull();
    assertThat(admin.getQueueInfo(properties.rabbit().queue()).getMessageCount()).isZero();
  }
}
