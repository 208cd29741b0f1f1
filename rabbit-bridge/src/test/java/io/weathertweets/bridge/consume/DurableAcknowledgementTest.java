package io.weathertweets.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.weathertweets.bridge.OwnValkey;
import io.weathertweets.proto.v1.Tweet;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole bridge acknowledges a batch only after Valkey confirmed it fsynced to its append-only
 * file ({@code weather.store.durability=local-aof}): while Valkey stops confirming, batches are
 * applied but neither counted as processed nor acknowledged, and once it confirms again every tweet
 * is acknowledged and counted once.
 *
 * <p>Own {@code valkey-server} with {@code appendonly yes}; {@code appendfsync no}, switched on at
 * runtime, stands for a disk that has not fsynced yet (Valkey then never confirms WAITAOF).
 */
class DurableAcknowledgementTest extends BridgeIntegrationTest {
  private static final Names NAMES = Names.random();
  private static OwnValkey valkey;

  @DynamicPropertySource
  static void names(DynamicPropertyRegistry registry) throws IOException {
    valkey = OwnValkey.startWithAof();
    NAMES.registerOn(registry, valkey);
    registry.add("weather.store.durability", () -> "local-aof");
    registry.add("weather.store.durability-timeout", () -> "300ms");
  }

  @Override
  void afterCleanup() throws Exception {
    valkey.close();
  }

  private double notConfirmed() {
    Counter counter =
        meters.find("weather.store.durability.failures").tag("reason", "not-confirmed").counter();
    return counter == null ? 0 : counter.count();
  }

  private long tweetsTotal() {
    String total = reader().meta().get("tweets_total");
    return total == null ? 0 : Long.parseLong(total);
  }

  @Test
  void shouldAcknowledgeABatchOnlyOnceValkeyConfirmedItsFsync() {
    List<Tweet> deliveries = TweetSequence.of(2_000, 17, "durable");
    GroundTruth truth = TweetSequence.truth(deliveries);
    List<Tweet> first = deliveries.subList(0, 600);
    GroundTruth firstTruth = TweetSequence.truth(first);

    publish(first);
    awaitTweetsTotal(firstTruth.counted, Duration.ofSeconds(30));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> count("weather.tweets.processed") == firstTruth.counted);
    assertThat(valkey.waitaofCalls()).as("WAITAOF calls on Valkey").isPositive();

    valkey.node().setConfig("appendfsync", "no");
    publish(deliveries.subList(first.size(), deliveries.size()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> notConfirmed() >= 2 && tweetsTotal() > firstTruth.counted);
    // In Valkey, but not confirmed durable: not reported processed, hence not acknowledged.
    assertThat(count("weather.tweets.processed")).isEqualTo(firstTruth.counted);

    valkey.node().setConfig("appendfsync", "always");
    awaitTweetsTotal(truth.counted, Duration.ofSeconds(60));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("weather.tweets.processed") == truth.counted);
    assertThat(count("weather.tweets.duplicates")).isEqualTo(truth.duplicates);
    assertThat(count("weather.tweets.late")).isEqualTo(truth.late);
    assertNothingLeftInQueue();
    assertStoreEquals(truth);
  }
}
