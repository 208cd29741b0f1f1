package io.weathertweets.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.resp.RawResp;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.proto.v1.Tweet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * A clean restart (SIGTERM, then a new instance with the same application id) on a real broker,
 * with a 45 s session timeout (Kafka's default): the closing instance leaves the consumer group, so
 * the new one gets every partition at once instead of waiting for the old member's session to
 * expire. The application's own session is shorter (10 s), too short to tell a leave from an expiry
 * here.
 */
@EmbeddedKafka(
    partitions = 6,
    topics = {"weather-tweets", "weather-aggregates", "weather-tweets-dlq"},
    brokerProperties = {
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "group.initial.rebalance.delay.ms=0"
    })
class CleanRestartIT {
  /**
   * Well below the 45 s session timeout a member that stays in the group on close costs its
   * successor.
   */
  private static final Duration BOUND = Duration.ofSeconds(20);

  private final String prefix = "wt-restart-" + UUID.randomUUID();
  private final RawResp raw = RawResp.connect(LocalServers.redisUrl());
  private ChildStreamsApp first;
  private ChildStreamsApp second;

  @AfterEach
  void cleanUp() throws InterruptedException {
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
    raw.deleteAll(prefix);
    raw.close();
  }

  @Test
  void shouldProcessWellBeforeTheSessionTimeoutAfterACleanRestart(EmbeddedKafkaBroker broker)
      throws Exception {
    Path work = Files.createDirectories(Path.of("target", "restart-it", prefix));
    String[] arguments = {
      "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
      "--spring.kafka.streams.application-id=weather-restart-" + UUID.randomUUID(),
      "--spring.kafka.streams.state-dir=" + work.resolve("state").toAbsolutePath(),
      // Long enough that only a member which left on close lets its successor in within BOUND.
      "--spring.kafka.streams.properties.session.timeout.ms=45000",
      "--weather.store.prefix=" + prefix,
      "--server.port=0"
    };

    first = new ChildStreamsApp(work.resolve("first.log"), arguments);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> first.log().contains("REBALANCING -> RUNNING"));
    produce(broker, "before");
    await().atMost(Duration.ofSeconds(30)).until(() -> tweetsTotal() == 1);
    first.close();
    assertThat(first.log())
        .as("closed by SIGTERM, not killed")
        .contains("PENDING_SHUTDOWN -> NOT_RUNNING");
    long closed = System.nanoTime();

    second = new ChildStreamsApp(work.resolve("second.log"), arguments);
    produce(broker, "after");
    // The clock starts when the new instance's Kafka Streams joins the group, so JVM and Spring
    // start-up (slow on a busy machine) are not counted; what remains is the wait for the
    // partitions.
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> second.log().contains("CREATED -> REBALANCING"));
    long joined = System.nanoTime();
    await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> tweetsTotal() == 2);
    long processed = System.nanoTime();
    System.out.printf(
        "clean restart: new tweet processed %.1f s after the new instance joined (%.1f s after the "
            + "old one exited)%n",
        (processed - joined) / 1e9, (processed - closed) / 1e9);
  }

  private long tweetsTotal() {
    String total = raw.hgetall(prefix + ":meta").get("tweets_total");
    return total == null ? 0 : Long.parseLong(total);
  }

  private static void produce(EmbeddedKafkaBroker broker, String id) {
    long now = System.currentTimeMillis();
    Tweet tweet =
        Tweet.newBuilder()
            .setId(id)
            .setMunicipality(Municipality.MIXCO.toProto())
            .setTemperature(20)
            .setHumidity(50)
            .setCondition(Condition.SUNNY.toProto())
            .setEventTimeMs(now)
            .setAcceptedAtMs(now)
            .build();
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.getBrokersAsString(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>("weather-tweets", Municipality.MIXCO.id(), tweet.toByteArray()));
      producer.flush();
    }
  }
}
