package io.weathertweets.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.bridge.OwnValkey;
import io.weathertweets.proto.v1.Tweet;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Valkey stops answering in the middle of the stream and comes back with its data: the bridge must
 * acknowledge nothing meanwhile, retry the same batch, and end with exact figures and an empty
 * queue.
 *
 * <p>The test runs its own {@code valkey-server} (the shared one on 6380 serves others) and freezes
 * it with SIGSTOP: the TCP connections stay open and commands hang, which is what a stalled or
 * partitioned store looks like to a client; SIGCONT brings it back with everything it held.
 */
class ValkeyOutageTest extends BridgeIntegrationTest {
  private static final Names NAMES = Names.random();
  private static final long ACCEPTED_BEFORE_MS = 60_000;
  private static OwnValkey valkey;

  @DynamicPropertySource
  static void names(DynamicPropertyRegistry registry) throws IOException {
    valkey = OwnValkey.start();
    NAMES.registerOn(registry, valkey);
  }

  @Override
  void afterCleanup() throws Exception {
    valkey.close();
  }

  @Test
  void shouldApplyEveryTweetExactlyOnceWhenValkeyStallsMidStream() throws Exception {
    // Accepted a minute before they are published, so that an age counted from the moment the
    // bridge took the batch
    // (and not from acceptance) is told apart.
    long createdFrom = System.currentTimeMillis() - ACCEPTED_BEFORE_MS;
    List<Tweet> deliveries =
        TweetSequence.of(4_000, 11, "outage").stream()
            .map(
                t ->
                    t.toBuilder().setAcceptedAtMs(t.getAcceptedAtMs() - ACCEPTED_BEFORE_MS).build())
            .toList();
    long createdUntil = System.currentTimeMillis() - ACCEPTED_BEFORE_MS;
    GroundTruth truth = TweetSequence.truth(deliveries);
    List<Tweet> first = deliveries.subList(0, 1_000);
    List<Tweet> rest = deliveries.subList(1_000, deliveries.size());

    publish(first);
    await().atMost(Duration.ofSeconds(30)).until(() -> count("weather.tweets.processed") > 0);
    valkey.freeze();
    publish(rest);
    // At least one batch failed against the frozen server, and nothing of it may have been
    // acknowledged.
    await().atMost(Duration.ofSeconds(60)).until(() -> count("weather.store.write.failures") >= 2);
    assertThat(admin.getQueueInfo(properties.rabbit().queue()).getMessageCount()).isPositive();
    // The batch retried in hand holds the oldest waiting tweets: their age is reported exactly, and
    // it grows.
    long now = System.currentTimeMillis();
    assertThat(oldestWaitSeconds())
        .isBetween((now - createdUntil) / 1000 - 1, (now - createdFrom) / 1000 + 1);
    valkey.thaw();

    awaitTweetsTotal(truth.counted, Duration.ofSeconds(90));
    // Exact even if a timed-out attempt did run on the server: its retry recognises its own batch
    // token.
    // One run read 3,962 of 4,000 processed right after the store's total was complete.
    awaitCounted(truth.counted, truth.duplicates, truth.late);
    assertThat(count("weather.tweets.dlq")).isZero();
    assertNothingLeftInQueue();
    assertStoreEquals(truth);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(oldestWaitSeconds()).isZero());
  }

  private long oldestWaitSeconds() {
    return (long) meters.get("weather.consumer.oldest.wait").tag("path", "rabbit").gauge().value();
  }
}
