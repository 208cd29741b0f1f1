package io.weathertweets.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.bridge.ValkeyTestSupport;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class BridgeEndToEndTest extends BridgeIntegrationTest {
  private static final Names NAMES = Names.random();

  @DynamicPropertySource
  static void names(DynamicPropertyRegistry registry) {
    NAMES.register(registry, ValkeyTestSupport.SHARED_VALKEY);
  }

  @Test
  void shouldComputeEveryFigureExactlyForTenThousandTweets() {
    List<Tweet> deliveries = TweetSequence.of(10_000, 42, "e2e");
    GroundTruth truth = TweetSequence.truth(deliveries);
    // The sequence must exercise what it claims to: late tweets, duplicates, closed and open
    // windows.
    assertThat(truth.counted).isEqualTo(10_000);
    assertThat(truth.duplicates).isPositive();
    assertThat(truth.late).isPositive();
    assertThat(truth.windows.values().iterator().next().keySet()).hasSizeGreaterThanOrEqualTo(5);

    publish(deliveries);

    awaitTweetsTotal(10_000, Duration.ofSeconds(60));
    assertNothingLeftInQueue();
    assertStoreEquals(truth);
    assertThat(count("weather.tweets.processed")).isEqualTo(10_000);
    assertThat(count("weather.tweets.duplicates")).isEqualTo(truth.duplicates);
    assertThat(count("weather.tweets.late")).isEqualTo(truth.late);
    assertThat(count("weather.tweets.dlq")).isZero();
    assertThat(meters.get("weather.bridge.batch.size").summary().max()).isLessThanOrEqualTo(200);
    assertThat(meters.get("weather.e2e.latency").tag("path", "rabbit").timer().count())
        .isEqualTo(10_000);
    assertThat(reader().meta()).containsKeys("e2e_p50_ms", "e2e_p99_ms");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(meters.get("weather.consumer.lag").tag("path", "rabbit").gauge().value())
                    .isZero());
  }
}
