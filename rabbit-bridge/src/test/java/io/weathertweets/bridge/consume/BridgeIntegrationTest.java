package io.weathertweets.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.aggregates.Panel;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import io.weathertweets.bridge.BridgeApplication;
import io.weathertweets.bridge.BridgeProperties;
import io.weathertweets.bridge.OwnValkey;
import io.weathertweets.bridge.ValkeyTestSupport;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.redisson.api.RedissonClient;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The whole bridge against the test RabbitMQ and Valkey ({@link LocalServers}). Each test class
 * gets its own exchange, queues and key prefix, publishes over its own connection (as the gateway
 * would), and removes its topology and keys afterwards.
 */
@SpringBootTest(
    classes = BridgeApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "spring.config.name=bridge",
      "weather.rabbit.receive-timeout=50ms",
      "weather.rabbit.lag-interval=200ms",
      "logging.level.io.weathertweets.bridge.consume=DEBUG"
    })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
abstract class BridgeIntegrationTest {
  static final String RABBIT = LocalServers.rabbitUri();
  static final Duration WINDOW = Duration.ofMinutes(1);
  static final Duration GRACE = Duration.ofSeconds(10);

  @Autowired SimpleMessageListenerContainer container;
  @Autowired RedissonClient valkeyClient;
  @Autowired MeterRegistry meters;
  @Autowired BridgeProperties properties;
  @Autowired AmqpAdmin admin;

  private CachingConnectionFactory publisherConnection;
  RabbitTemplate publisher;

  /** Unique names for one test class. */
  record Names(String run) {
    static Names random() {
      return new Names(UUID.randomUUID().toString().substring(0, 8));
    }

    String prefix() {
      return "bridge-it-" + run;
    }

    void register(DynamicPropertyRegistry registry, String valkeyUrl) {
      registry.add("spring.rabbitmq.addresses", () -> RABBIT);
      registry.add("weather.store.url", () -> valkeyUrl);
      registry.add("weather.rabbit.exchange", () -> "test.tweets." + run);
      registry.add("weather.rabbit.queue", () -> "test.tweets.bridge." + run);
      registry.add("weather.rabbit.dead-letter-exchange", () -> "test.tweets.dlx." + run);
      registry.add("weather.rabbit.dead-letter-queue", () -> "test.tweets.bridge.dlq." + run);
      registry.add("weather.store.prefix", this::prefix);
      registry.add("weather.window.size", WINDOW::toString);
      registry.add("weather.window.grace", GRACE::toString);
    }

    /**
     * As {@link #register}, on a Valkey of the test's own that it stops or disturbs: the bridge
     * retries a failed batch quickly (100 ms, then up to 1 s).
     */
    void registerOn(DynamicPropertyRegistry registry, OwnValkey valkey) {
      register(registry, valkey.url());
      registry.add("weather.retry.initial-backoff", () -> "100ms");
      registry.add("weather.retry.max-backoff", () -> "1s");
    }
  }

  @BeforeAll
  void connectPublisher() {
    // amqp-client reads the trailing "/" of RABBIT as the empty vhost (Boot reads it as "/"): host
    // and port here.
    publisherConnection =
        new CachingConnectionFactory(LocalServers.rabbitHost(), LocalServers.rabbitPort());
    // As the gateway does: a publish counts only once the broker confirmed it.
    publisherConnection.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
    publisher = new RabbitTemplate(publisherConnection);
  }

  @AfterAll
  void removeTopologyAndKeys() throws Exception {
    container.stop();
    BridgeProperties.Rabbit rabbit = properties.rabbit();
    admin.deleteQueue(rabbit.queue());
    admin.deleteQueue(rabbit.deadLetterQueue());
    admin.deleteExchange(rabbit.exchange());
    admin.deleteExchange(rabbit.deadLetterExchange());
    ValkeyTestSupport.deleteKeys(valkeyClient, properties.store().prefix());
    publisherConnection.destroy();
    afterCleanup();
  }

  /**
   * Runs after the shared cleanup (JUnit runs a subclass's own @AfterAll before the superclass's).
   */
  void afterCleanup() throws Exception {}

  StoreLayout layout() {
    return properties.store().layout();
  }

  StoreReader reader() {
    return new StoreReader(valkeyClient, layout());
  }

  /** Publishes on one channel, so the queue holds the tweets in this order. */
  void publish(List<Tweet> tweets) {
    publisher.invoke(
        operations -> {
          for (Tweet tweet : tweets) {
            operations.send(
                properties.rabbit().exchange(),
                Municipality.fromProto(tweet.getMunicipality()).id(),
                message(tweet.toByteArray(), tweet.getId()));
          }
          operations.waitForConfirmsOrDie(30_000);
          return null;
        });
  }

  void publishRaw(byte[] body, String messageId) {
    publisher.invoke(
        operations -> {
          operations.send(properties.rabbit().exchange(), "mixco", message(body, messageId));
          operations.waitForConfirmsOrDie(30_000);
          return null;
        });
  }

  static Message message(byte[] body, String messageId) {
    return MessageBuilder.withBody(body)
        .setContentType("application/x-protobuf")
        .setMessageId(messageId)
        .setDeliveryMode(MessageDeliveryMode.PERSISTENT)
        .build();
  }

  double count(String meter) {
    return meters.get(meter).tag("path", "rabbit").counter().count();
  }

  /**
   * The bridge counts a batch after Valkey applied it, so its counters may trail the store's
   * figures by a moment: wait for them to reach the exact values.
   */
  void awaitCounted(long processed, long duplicates, long late) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(count("weather.tweets.processed")).isEqualTo(processed);
              assertThat(count("weather.tweets.duplicates")).isEqualTo(duplicates);
              assertThat(count("weather.tweets.late")).isEqualTo(late);
            });
  }

  void awaitTweetsTotal(long expected, Duration atMost) {
    try {
      await()
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () ->
                  assertThat(reader().meta().get("tweets_total"))
                      .as(this::diagnostics)
                      .isEqualTo(Long.toString(expected)));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // Where are the missing tweets: held by the consumer (they return to the queue when it stops)
      // or gone?
      Thread.getAllStackTraces()
          .forEach(
              (thread, stack) -> {
                if (thread.getName().contains("Container")) {
                  System.out.println("Stack of " + thread.getName() + ":");
                  for (StackTraceElement element : stack) {
                    System.out.println("    at " + element);
                  }
                }
              });
      container.stop();
      QueueInformation queue = admin.getQueueInfo(properties.rabbit().queue());
      throw new AssertionError(
          e.getMessage()
              + "; after stopping the consumer the queue holds "
              + (queue == null ? "?" : queue.getMessageCount())
              + " messages",
          e);
    }
  }

  /** What the bridge was doing, for a failure message that says where the tweets are. */
  private String diagnostics() {
    QueueInformation queue = admin.getQueueInfo(properties.rabbit().queue());
    return "tweets_total (processed="
        + count("weather.tweets.processed")
        + ", duplicates="
        + count("weather.tweets.duplicates")
        + ", store write failures="
        + count("weather.store.write.failures")
        + ", dlq="
        + count("weather.tweets.dlq")
        + ", dead-lettered="
        + admin.getQueueInfo(properties.rabbit().deadLetterQueue()).getMessageCount()
        + ", queue ready="
        + (queue == null ? "?" : queue.getMessageCount())
        + ", consumers="
        + (queue == null ? "?" : queue.getConsumerCount())
        + ", container running="
        + container.isRunning()
        + ")";
  }

  /**
   * Stops the consumer, which hands every unacknowledged delivery back to the queue, then counts
   * what is left: zero proves every tweet was acknowledged, not just applied.
   */
  void assertNothingLeftInQueue() {
    container.stop();
    QueueInformation info = admin.getQueueInfo(properties.rabbit().queue());
    assertThat(info).isNotNull();
    assertThat(info.getMessageCount()).as("messages left in the queue").isZero();
    assertThat(admin.getQueueInfo(properties.rabbit().deadLetterQueue()).getMessageCount())
        .as("messages dead-lettered")
        .isZero();
  }

  /**
   * Every figure of the store layout against the independent ground truth, then the cross-path
   * contract.
   */
  void assertStoreEquals(GroundTruth truth) {
    StoreLayout layout = layout();
    StoreReader reader = reader();

    // Numbers, from the plain-loop truth.
    for (Municipality m : Municipality.values()) {
      GroundTruth.Figures expected = truth.allTime.get(m);
      Map<String, String> stored = reader.hash(layout.municipality(m));
      if (expected == null) {
        assertThat(stored).as(m.id()).isEmpty();
        continue;
      }
      assertFigures(m.id(), stored, expected);
      assertThat(stored).containsKey("updated_at");
      assertThat(reader.hash(layout.panel(Panel.REPORTS)))
          .containsEntry(m.id(), Long.toString(expected.count));
      assertThat(reader.hash(layout.panel(Panel.TEMPERATURE_MAX)))
          .containsEntry(m.id(), Long.toString(expected.temperatureMax));
      assertThat(reader.hash(layout.panel(Panel.TEMPERATURE_MIN)))
          .containsEntry(m.id(), Long.toString(expected.temperatureMin));
      assertThat(Double.parseDouble(reader.hash(layout.panel(Panel.TEMPERATURE_AVG)).get(m.id())))
          .isCloseTo((double) expected.temperatureSum / expected.count, within(0.005));
      assertThat(Double.parseDouble(reader.hash(layout.panel(Panel.HUMIDITY_AVG)).get(m.id())))
          .isCloseTo((double) expected.humiditySum / expected.count, within(0.005));

      TreeMap<Long, GroundTruth.Figures> windows = truth.windows.getOrDefault(m, new TreeMap<>());
      Map<Long, Aggregate> series = reader.series(m);
      for (Map.Entry<Long, GroundTruth.Figures> w : windows.entrySet()) {
        assertFigures(
            m.id() + " window " + w.getKey(),
            reader.hash(layout.window(m, w.getKey())),
            w.getValue());
      }
      List<Long> closed = windows.keySet().stream().filter(truth::isClosed).toList();
      assertThat(series.keySet()).as(m.id() + " series entries").containsExactlyElementsOf(closed);
      for (Long start : closed) {
        GroundTruth.Figures w = windows.get(start);
        Aggregate entry = series.get(start);
        assertThat(entry.count()).isEqualTo(w.count);
        assertThat(entry.temperatureSum()).isEqualTo(w.temperatureSum);
        assertThat((long) entry.temperatureMin()).isEqualTo(w.temperatureMin);
        assertThat((long) entry.temperatureMax()).isEqualTo(w.temperatureMax);
        assertThat(entry.humiditySum()).isEqualTo(w.humiditySum);
        for (Condition c : Condition.values()) {
          assertThat(entry.conditionCount(c)).isEqualTo(w.conditions.get(c));
        }
      }
    }
    Map<String, String> conditions = reader.hash(layout.panel(Panel.CONDITIONS));
    for (Condition c : Condition.values()) {
      long sum = truth.allTime.values().stream().mapToLong(f -> f.conditions.get(c)).sum();
      assertThat(conditions).containsEntry(c.id(), Long.toString(sum));
    }
    Municipality hottest = null;
    Municipality coldest = null;
    for (Municipality m : Municipality.values()) {
      GroundTruth.Figures f = truth.allTime.get(m);
      if (f == null) {
        continue;
      }
      if (hottest == null || f.temperatureMax > truth.allTime.get(hottest).temperatureMax) {
        hottest = m;
      }
      if (coldest == null || f.temperatureMin < truth.allTime.get(coldest).temperatureMin) {
        coldest = m;
      }
    }
    assertThat(reader.hash(layout.panel(Panel.EXTREMES)))
        .containsEntry("temperature_max", Long.toString(truth.allTime.get(hottest).temperatureMax))
        .containsEntry("temperature_max_municipality", hottest.id())
        .containsEntry("temperature_min", Long.toString(truth.allTime.get(coldest).temperatureMin))
        .containsEntry("temperature_min_municipality", coldest.id());
    assertThat(reader.meta())
        .containsEntry("tweets_total", Long.toString(truth.counted))
        .containsEntry("last_event_at", Long.toString(truth.lastEvent))
        .containsEntry("window_size_ms", Long.toString(WINDOW.toMillis()))
        .containsEntry("grace_ms", Long.toString(GRACE.toMillis()))
        .containsEntry("path", "rabbit");

    // Text, against what the Kafka path writes for the same tweets: Aggregate.toFields and
    // Overview.
    Map<Municipality, Aggregate> byMunicipality = new EnumMap<>(Municipality.class);
    truth.allTimeTweets.forEach(
        (m, tweets) -> {
          Aggregate a = Aggregate.EMPTY;
          for (Tweet t : tweets) {
            a = a.plus(t);
          }
          byMunicipality.put(m, a);
          Map<String, String> stored = new HashMap<>(reader.hash(layout.municipality(m)));
          stored.remove("updated_at");
          assertThat(stored).as(m.id() + " all-time text").isEqualTo(a.toFields());
        });
    truth.windowTweets.forEach(
        (m, windows) ->
            windows.forEach(
                (start, tweets) -> {
                  Aggregate a = Aggregate.EMPTY;
                  for (Tweet t : tweets) {
                    a = a.plus(t);
                  }
                  assertThat(reader.hash(layout.window(m, start)))
                      .as(m.id() + " window text")
                      .isEqualTo(a.toFields());
                  if (truth.isClosed(start)) {
                    assertThat(reader.series(m).get(start)).isEqualTo(a.figures());
                  }
                }));
    new Overview(byMunicipality)
        .panelHashes(layout)
        .forEach((key, fields) -> assertThat(reader.hash(key)).as(key).isEqualTo(fields));
  }

  private static void assertFigures(
      String what, Map<String, String> stored, GroundTruth.Figures expected) {
    assertThat(stored)
        .as(what)
        .containsEntry("count", Long.toString(expected.count))
        .containsEntry("temperature_sum", Long.toString(expected.temperatureSum))
        .containsEntry("temperature_min", Long.toString(expected.temperatureMin))
        .containsEntry("temperature_max", Long.toString(expected.temperatureMax))
        .containsEntry("humidity_sum", Long.toString(expected.humiditySum));
    for (Condition c : Condition.values()) {
      assertThat(stored).as(what).containsEntry(c.id(), Long.toString(expected.conditions.get(c)));
    }
    assertThat(Double.parseDouble(stored.get("temperature_avg")))
        .as(what)
        .isCloseTo((double) expected.temperatureSum / expected.count, within(0.005));
    assertThat(Double.parseDouble(stored.get("humidity_avg")))
        .as(what)
        .isCloseTo((double) expected.humiditySum / expected.count, within(0.005));
  }
}
