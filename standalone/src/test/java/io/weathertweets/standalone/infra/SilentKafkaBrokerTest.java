package io.weathertweets.standalone.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.embedded.FreePorts;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.embedded.TcpProxy;
import io.weathertweets.proto.v1.Condition;
import io.weathertweets.proto.v1.Municipality;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.streams.StreamsApplication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The streams-app's connections to its Kafka broker go silent: the network dropped them without a
 * FIN or a RST (a node cut off, a NAT or firewall that forgot them), so only the clients' request
 * timeout can tell them from slow ones. A proxy between the streams-app and the broker stops
 * carrying the open connections' bytes while new ones pass to the same broker. The Kafka path must
 * count the tweets that arrive meanwhile within {@link #BOUND} of the silence.
 */
class SilentKafkaBrokerTest {
  /**
   * With Kafka's 30 s request timeout the path counted again after 215 s, with 10 s after 72 s (the
   * broker aborted the stuck commit's transaction and fenced the producer); with the application's
   * 5 s after 12 s. When the silence outlasts the session (a heartbeat lost in it), the member is
   * dropped and rejoins: Kafka's 60 s default API timeout then held the rebalance's topic check on
   * a silent connection, 79 s until counting again after a partition healed; with the application's
   * 5 s, 19-21 s.
   */
  private static final Duration BOUND = Duration.ofSeconds(40);

  private final String prefix = "wt-silent-kafka-" + UUID.randomUUID();
  private final String applicationId = "weather-silent-" + UUID.randomUUID();
  private TcpProxy proxy;
  private EmbeddedKafka kafka;
  private ConfigurableApplicationContext streams;
  private RedissonClient redis;

  @AfterEach
  void stop() {
    if (streams != null) {
      streams.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (redis != null) {
      redis.getKeys().deleteByPattern(prefix + ":*");
      redis.shutdown();
    }
  }

  @Test
  void shouldCountTheTweetsThatArriveAfterItsBrokerWentSilent(@TempDir Path dir) throws Exception {
    startBehindProxy(dir);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      sendAndAwaitCounted(producer, 0, 50);

      int silenced = proxy.silence();
      long silentAt = System.nanoTime();
      assertThat(silenced).as("the streams-app's open connections").isPositive();
      send(producer, 50, 100);
      await()
          .atMost(BOUND.plusSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> tweetsTotal() == 100);
      Duration took = Duration.ofNanos(System.nanoTime() - silentAt);
      System.out.printf("the Kafka path counted again %d ms after the silence%n", took.toMillis());
      assertThat(took).as("from the silence until every tweet is counted").isLessThan(BOUND);
    }
  }

  /**
   * The broker is partitioned away for longer than the consumer's session (10 s): the member is
   * dropped from the group and its producer fenced, so the stream thread rejoins and its tasks are
   * rebuilt. Once the network heals, the path must count again within {@link #BOUND}.
   */
  @Test
  void shouldCountAgainSoonAfterAPartitionLongerThanItsSession(@TempDir Path dir) throws Exception {
    startBehindProxy(dir);
    try (KafkaProducer<String, byte[]> producer = producer()) {
      sendAndAwaitCounted(producer, 0, 50);

      assertThat(proxy.partition()).as("the streams-app's open connections").isPositive();
      send(producer, 50, 100);
      // Longer than session.timeout.ms: the group coordinator drops the member meanwhile.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> groupMembers() == 0);
      proxy.restore();
      long healedAt = System.nanoTime();
      await()
          .atMost(BOUND.plusSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> tweetsTotal() == 100);
      Duration took = Duration.ofNanos(System.nanoTime() - healedAt);
      System.out.printf(
          "the Kafka path counted again %d ms after the partition healed%n", took.toMillis());
      assertThat(took).as("from the heal until every tweet is counted").isLessThan(BOUND);
    }
  }

  private void startBehindProxy(Path dir) throws java.io.IOException {
    int[] ports = FreePorts.distinct(3);
    proxy = new TcpProxy("localhost", ports[2]);
    kafka =
        EmbeddedKafka.startBehindProxy(
            dir.resolve("kafka"), ports[0], ports[1], ports[2], proxy.port());
    redis = StoreClients.create(LocalServers.redisUrl(), false);
    streams =
        new SpringApplicationBuilder(StreamsApplication.class)
            .properties("spring.config.name=streams")
            .run(
                "--spring.kafka.bootstrap-servers=127.0.0.1:" + proxy.port(),
                "--spring.kafka.streams.application-id=" + applicationId,
                "--spring.kafka.streams.state-dir=" + dir.resolve("state").toAbsolutePath(),
                "--weather.store.url=" + LocalServers.redisUrl(),
                "--weather.store.prefix=" + prefix,
                "--server.port=0");
  }

  /** Sends tweets {@code from..to} and waits until the store counts {@code to} in all. */
  private void sendAndAwaitCounted(KafkaProducer<String, byte[]> producer, int from, int to) {
    send(producer, from, to);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> tweetsTotal() == to);
  }

  /** The test's own producer uses the broker's PLAINTEXT listener, past the proxy. */
  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** Members of the streams-app's consumer group, as the broker sees them. */
  private int groupMembers() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      return admin
          .describeConsumerGroups(List.of(applicationId))
          .describedGroups()
          .get(applicationId)
          .get(5, TimeUnit.SECONDS)
          .members()
          .size();
    }
  }

  private long tweetsTotal() {
    String total = redis.<String, String>getMap(prefix + ":meta").get("tweets_total");
    return total == null ? 0 : Long.parseLong(total);
  }

  private static void send(KafkaProducer<String, byte[]> producer, int from, int to) {
    long now = System.currentTimeMillis();
    for (int i = from; i < to; i++) {
      Municipality municipality = Municipality.forNumber(1 + i % 4);
      Tweet tweet =
          Tweet.newBuilder()
              .setId("silent-" + i)
              .setMunicipality(municipality)
              .setTemperature(20)
              .setHumidity(60)
              .setCondition(Condition.SUNNY)
              .setEventTimeMs(now)
              .setAcceptedAtMs(now)
              .build();
      producer.send(
          new ProducerRecord<>(
              "weather-tweets",
              io.weathertweets.aggregates.Municipality.fromProto(municipality).id(),
              tweet.toByteArray()));
    }
    producer.flush();
  }
}
