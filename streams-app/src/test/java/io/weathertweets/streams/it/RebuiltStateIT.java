package io.weathertweets.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.resp.RawResp;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.proto.v1.Tweet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * State that is rebuilt, as on every pod restart with an {@code emptyDir}, and state that belongs
 * elsewhere, as when a developer resets a local Kafka or a cluster is rebuilt under a persistent
 * volume. The real app runs in a child JVM against real brokers and the real Redis.
 */
class RebuiltStateIT {
  private static final long MINUTE = 60_000;

  private final List<String> prefixes = new ArrayList<>();
  private final List<ChildStreamsApp> apps = new ArrayList<>();
  private final RawResp raw = RawResp.connect(LocalServers.redisUrl());
  private final List<EmbeddedKafkaBroker> clusters = new ArrayList<>();

  @AfterEach
  void cleanUp() throws InterruptedException {
    for (ChildStreamsApp app : apps) {
      app.close();
    }
    clusters.forEach(EmbeddedKafkaBroker::destroy);
    prefixes.forEach(raw::deleteAll);
    raw.close();
  }

  /**
   * A window closed before a restart stays closed after it, even though the state was wiped and
   * rebuilt from the changelog: a late tweet for it counts all-time only, and neither its hash nor
   * its series entry changes.
   */
  @Test
  void shouldKeepAClosedWindowClosedWhenStateIsRebuiltFromTheChangelog() throws Exception {
    EmbeddedKafkaBroker broker = newCluster();
    String prefix = prefix();
    String appId = "weather-rebuilt-" + UUID.randomUUID();
    Path work = Files.createDirectories(Path.of("target", "rebuilt-it", prefix));
    Path state = work.resolve("state");
    long t0 = (System.currentTimeMillis() / MINUTE - 10) * MINUTE;

    ChildStreamsApp first =
        start(work.resolve("first.log"), broker.getBrokersAsString(), appId, state, prefix);
    produce(broker.getBrokersAsString(), tweet("a", t0 + 5_000, 10), tweet("b", t0 + 75_000, 20));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> raw.xrange(prefix + ":series:mixco").size() == 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> count(prefix + ":municipality:mixco") == 2);
    first.close();
    deleteRecursively(
        state); // a pod restart on an emptyDir: everything is restored from the changelogs

    ChildStreamsApp second =
        start(work.resolve("second.log"), broker.getBrokersAsString(), appId, state, prefix);
    produce(broker.getBrokersAsString(), tweet("c", t0 + 30_000, 30), tweet("d", t0 + 80_000, 40));
    await().atMost(Duration.ofSeconds(90)).until(() -> count(prefix + ":municipality:mixco") == 4);
    // The all-time hash is written before the window hashes of the same commit: wait until d's
    // window shows, then hold, so that a late write to the closed window (the defect: stream time
    // started afresh) cannot slip past.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count(prefix + ":window:mixco:" + (t0 + MINUTE)) == 2);

    assertThat(second.log()).contains("REBALANCING -> RUNNING");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(raw.hgetall(prefix + ":window:mixco:" + t0))
                    .as("the closed window " + t0)
                    .containsEntry("count", "1")
                    .containsEntry("temperature_max", "10"));
    Map<String, Map<String, String>> series = raw.xrange(prefix + ":series:mixco");
    assertThat(series).hasSize(1);
    assertThat(series.values().iterator().next()).containsEntry("count", "1");
  }

  /**
   * The same state directory and application id, pointed at a new, empty cluster: nothing of the
   * first cluster may be counted again: neither in the municipality's figures, nor in its window,
   * nor in the total over all municipalities (the first cluster also had tweets of a municipality
   * the second has none of yet). In this scenario Kafka Streams 4.2 would also restore every store
   * from scratch without the wipe (each checkpointed offset lies past the new, empty changelog's
   * end: TaskCorruptedException), so the figures alone do not fail without {@code StateOrigin}; the
   * log line says that the wipe happened before Kafka Streams started.
   */
  @Test
  void shouldNotCountStateOfAnotherKafkaCluster() throws Exception {
    EmbeddedKafkaBroker broker = newCluster();
    String appId = "weather-foreign-" + UUID.randomUUID();
    Path work = Files.createDirectories(Path.of("target", "rebuilt-it", appId));
    Path state = work.resolve("state");
    long windowStart = (System.currentTimeMillis() / MINUTE - 1) * MINUTE;
    long t0 = windowStart + 1_000;

    String firstPrefix = prefix();
    ChildStreamsApp first =
        start(work.resolve("first.log"), broker.getBrokersAsString(), appId, state, firstPrefix);
    List<Tweet> many = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.add(tweet("first-" + i, t0 + i, 20));
    }
    for (int i = 0; i < 20; i++) {
      many.add(tweet("first-g-" + i, Municipality.GUATEMALA, t0 + i, 25));
    }
    produce(broker.getBrokersAsString(), many.toArray(Tweet[]::new));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> count(firstPrefix + ":municipality:mixco") == 50);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "70".equals(raw.hgetall(firstPrefix + ":meta").get("tweets_total")));
    first.close();

    EmbeddedKafkaBroker otherCluster = newCluster();
    String secondPrefix = prefix();
    ChildStreamsApp second =
        start(
            work.resolve("second.log"),
            otherCluster.getBrokersAsString(),
            appId,
            state,
            secondPrefix);
    produce(
        otherCluster.getBrokersAsString(),
        tweet("second-1", t0 + 100, 30),
        tweet("second-2", t0 + 101, 31),
        tweet("second-3", t0 + 102, 32));

    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> count(secondPrefix + ":municipality:mixco") >= 3);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> count(secondPrefix + ":municipality:mixco") == 3);
    String window = secondPrefix + ":window:mixco:" + windowStart;
    await().atMost(Duration.ofSeconds(30)).until(() -> count(window) >= 3);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(count(window)).as("tweets in " + window).isEqualTo(3));
    assertThat(raw.hgetall(secondPrefix + ":meta")).containsEntry("tweets_total", "3");
    assertThat(second.log()).contains("wiping it");
  }

  /** A Kafka cluster of its own: nothing another test wrote can reach this one's streams app. */
  private EmbeddedKafkaBroker newCluster() {
    EmbeddedKafkaBroker cluster =
        new EmbeddedKafkaKraftBroker(
                1, 6, "weather-tweets", "weather-aggregates", "weather-tweets-dlq")
            .brokerProperties(
                Map.of(
                    "transaction.state.log.replication.factor",
                    "1",
                    "transaction.state.log.min.isr",
                    "1",
                    "group.initial.rebalance.delay.ms",
                    "0",
                    "group.min.session.timeout.ms",
                    "3000"));
    cluster.afterPropertiesSet();
    clusters.add(cluster);
    return cluster;
  }

  private String prefix() {
    String prefix = "wt-rebuilt-" + UUID.randomUUID();
    prefixes.add(prefix);
    return prefix;
  }

  private long count(String key) {
    String count = raw.hgetall(key).get("count");
    return count == null ? 0 : Long.parseLong(count);
  }

  private ChildStreamsApp start(Path log, String brokers, String appId, Path state, String prefix) {
    ChildStreamsApp app =
        new ChildStreamsApp(
            log,
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--spring.kafka.streams.application-id=" + appId,
            "--spring.kafka.streams.state-dir=" + state.toAbsolutePath(),
            "--spring.kafka.streams.properties.session.timeout.ms=4000",
            "--spring.kafka.streams.properties.heartbeat.interval.ms=1000",
            "--weather.store.prefix=" + prefix,
            "--server.port=0");
    apps.add(app);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> app.log().contains("REBALANCING -> RUNNING"));
    return app;
  }

  private static Tweet tweet(String id, long eventMs, int temperature) {
    return tweet(id, Municipality.MIXCO, eventMs, temperature);
  }

  private static Tweet tweet(String id, Municipality municipality, long eventMs, int temperature) {
    return Tweet.newBuilder()
        .setId(id)
        .setMunicipality(municipality.toProto())
        .setTemperature(temperature)
        .setHumidity(50)
        .setCondition(Condition.SUNNY.toProto())
        .setEventTimeMs(eventMs)
        .setAcceptedAtMs(System.currentTimeMillis())
        .build();
  }

  private static void produce(String brokers, Tweet... tweets) {
    Map<String, Object> config =
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (Tweet tweet : tweets) {
        producer.send(
            new ProducerRecord<>(
                "weather-tweets",
                Municipality.fromProto(tweet.getMunicipality()).id(),
                tweet.toByteArray()));
      }
      producer.flush();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
