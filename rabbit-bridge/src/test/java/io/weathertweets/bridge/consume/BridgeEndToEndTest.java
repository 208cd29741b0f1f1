package io.weathertweets.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.aggregates.ConsumerReport;
import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.bridge.ValkeyTestSupport;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.ReflectionTestUtils;

class BridgeEndToEndTest extends BridgeIntegrationTest {
  private static final Names NAMES = Names.random();

  @DynamicPropertySource
  static void names(DynamicPropertyRegistry registry) {
    NAMES.register(registry, ValkeyTestSupport.SHARED_VALKEY);
    // Not the defaults, so the consumer report shows what was bound (neither changes what the
    // tweets below count: they are published seconds apart and their event times lie behind).
    registry.add("weather.dedup.horizon", () -> "2h");
    registry.add("weather.time.max-ahead", () -> "7m");
  }

  /**
   * The ingress tells two paths configured differently from two paths that disagree by what each
   * consumer reports it runs with.
   */
  @Test
  void shouldWriteTheSemanticsItRunsWithIntoItsConsumerReport() {
    PathSemantics configured =
        new PathSemantics(
            new PathSemantics.Window(WINDOW, GRACE),
            new PathSemantics.Dedup(Duration.ofHours(2)),
            new PathSemantics.Time(Duration.ofMinutes(7)));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(reader().consumerReport())
                    .get()
                    .extracting(ConsumerReport::semantics)
                    .isEqualTo(configured));
  }

  /**
   * Prefetch, batch size and concurrency come from Spring Boot's listener settings in bridge.yml;
   * what the listener relies on is fixed whatever they say.
   */
  @Test
  void shouldBuildTheContainerFromSpringBootsListenerSettings() {
    assertThat(ReflectionTestUtils.getField(container, "prefetchCount")).isEqualTo(500);
    assertThat(ReflectionTestUtils.getField(container, "batchSize")).isEqualTo(200);
    assertThat(ReflectionTestUtils.getField(container, "concurrentConsumers")).isEqualTo(1);
    assertThat(container.getAcknowledgeMode()).isEqualTo(AcknowledgeMode.MANUAL);
    assertThat(container.isConsumerBatchEnabled()).isTrue();
    assertThat(ReflectionTestUtils.getField(container, "missingQueuesFatal")).isEqualTo(true);
    // weather.rabbit.receive-timeout=50ms in BridgeIntegrationTest.
    assertThat(ReflectionTestUtils.getField(container, "receiveTimeout")).isEqualTo(50L);
    assertThat(ReflectionTestUtils.getField(container, "batchReceiveTimeout")).isEqualTo(50L);
    assertThat(container.getQueueNames()).containsExactly(properties.rabbit().queue());
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
    awaitCounted(10_000, truth.duplicates, truth.late);
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
