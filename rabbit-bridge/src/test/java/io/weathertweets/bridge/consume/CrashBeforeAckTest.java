package io.weathertweets.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.OldestWait;
import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.StallCheck;
import io.weathertweets.bridge.BridgeProperties;
import io.weathertweets.bridge.ValkeyTestSupport;
import io.weathertweets.bridge.store.BatchScript;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The bridge dies between "batch applied in Valkey" and "batch acknowledged": its connection to
 * RabbitMQ drops (as when the process is killed), the broker redelivers every unacknowledged tweet,
 * and the replay guard must keep every figure exact.
 */
@Import(CrashBeforeAckTest.Crash.class)
class CrashBeforeAckTest extends BridgeIntegrationTest {
  private static final Names NAMES = Names.random();

  @DynamicPropertySource
  static void names(DynamicPropertyRegistry registry) {
    NAMES.register(registry, ValkeyTestSupport.SHARED_VALKEY);
  }

  @TestConfiguration
  static class Crash {
    @Bean
    @Primary
    CrashingListener crashingListener(
        BatchScript script,
        MeterRegistry meters,
        BridgeProperties properties,
        PathSemantics semantics) {
      return new CrashingListener(script, meters, properties, semantics);
    }
  }

  static class CrashingListener extends TweetBatchListener {
    final AtomicBoolean crashAfterNextApply = new AtomicBoolean();
    final AtomicInteger crashedBatchSize = new AtomicInteger();

    CrashingListener(
        BatchScript script,
        MeterRegistry meters,
        BridgeProperties properties,
        PathSemantics semantics) {
      super(
          script,
          meters,
          properties,
          semantics,
          new StallCheck("RabbitMQ path", StallCheck.DEFAULT_LIMIT, System.currentTimeMillis()),
          new OldestWait());
    }

    @Override
    protected void beforeAck(Channel channel, List<Message> messages) {
      if (crashAfterNextApply.compareAndSet(true, false)) {
        crashedBatchSize.set(messages.size());
        // The TCP connection goes away with everything unacknowledged on it, as with a killed
        // process.
        channel.getConnection().abort();
      }
    }
  }

  @Autowired CrashingListener listener;

  @Test
  void shouldCountEveryTweetOnceWhenTheConsumerDiesBeforeAcking() {
    List<Tweet> deliveries = TweetSequence.of(3_000, 7, "crash");
    GroundTruth truth = TweetSequence.truth(deliveries);
    listener.crashAfterNextApply.set(true);

    publish(deliveries);

    awaitTweetsTotal(truth.counted, Duration.ofSeconds(60));
    assertThat(listener.crashAfterNextApply).isFalse();
    assertThat(listener.crashedBatchSize.get()).isPositive();
    // The applied-but-unacknowledged batch came back and was recognised, tweet by tweet.
    await(
        () ->
            assertThat(count("weather.tweets.duplicates"))
                .isGreaterThanOrEqualTo(truth.duplicates + listener.crashedBatchSize.get() - 1));
    assertThat(count("weather.tweets.processed")).isEqualTo(truth.counted);
    assertNothingLeftInQueue();
    assertStoreEquals(truth);
  }

  private static void await(org.awaitility.core.ThrowingRunnable assertion) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(assertion);
  }
}
