package io.weathertweets.streams.it;

import static io.weathertweets.streams.it.StoreAssertions.assertStoreMatches;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.ConsumerReport;
import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.resp.RawResp;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.streams.StreamsApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/**
 * The whole app (Spring context, Kafka Streams, Redisson) on a real Kafka broker (embedded KRaft)
 * and the real Redis: 10,000 deterministic tweets in, every figure of the layout compared with an
 * independent ground truth.
 */
@SpringBootTest(
    classes = StreamsApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.config.name=streams",
      "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
      "spring.kafka.streams.properties.num.stream.threads=2"
    })
// No weather-tweets topic and no auto-creation: the app must create its input topic itself before
// Kafka Streams starts (a streams app started before the kafka gateway otherwise stalls for a
// session timeout).
@EmbeddedKafka(
    partitions = 6,
    topics = {"weather-aggregates", "weather-tweets-dlq"},
    brokerProperties = {
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      "num.partitions=6",
      "auto.create.topics.enable=false"
    })
class StreamsPipelineIT {
  private static final String PREFIX = "wt-it-" + UUID.randomUUID();
  private static final RawResp RAW = RawResp.connect(LocalServers.redisUrl());

  @DynamicPropertySource
  static void isolate(DynamicPropertyRegistry registry) throws Exception {
    Path stateDir = Files.createTempDirectory("weather-streams-it");
    registry.add("weather.store.prefix", () -> PREFIX);
    registry.add(
        "spring.kafka.streams.application-id", () -> "weather-streams-it-" + UUID.randomUUID());
    registry.add("spring.kafka.streams.state-dir", stateDir::toString);
    registry.add("weather.store.url", LocalServers::redisUrl);
    // Not the defaults, so the consumer report below shows what was bound (neither changes what
    // the tweets below count: they are accepted seconds apart and their event times lie behind).
    registry.add("weather.dedup.horizon", () -> "2h");
    registry.add("weather.time.max-ahead", () -> "7m");
  }

  @Autowired EmbeddedKafkaBroker broker;

  @Autowired MeterRegistry meters;

  @LocalServerPort int port;

  @AfterAll
  static void cleanUp() {
    RAW.deleteAll(PREFIX);
    RAW.close();
  }

  /**
   * The ingress tells two paths configured differently from two paths that disagree by what each
   * consumer reports it runs with.
   */
  @Test
  void shouldWriteTheSemanticsItRunsWithIntoItsConsumerReport() {
    PathSemantics configured =
        new PathSemantics(
            new PathSemantics.Window(Duration.ofMinutes(1), Duration.ofSeconds(10)),
            new PathSemantics.Dedup(Duration.ofHours(2)),
            new PathSemantics.Time(Duration.ofMinutes(7)));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        ConsumerReport.fromFields(RAW.hgetall(new StoreLayout(PREFIX).consumer())))
                    .get()
                    .extracting(ConsumerReport::semantics)
                    .isEqualTo(configured));
  }

  @Test
  void shouldMaterialiseExactlyTheGroundTruthOfTenThousandTweets() throws Exception {
    TweetStream stream = new TweetStream(20260301L, 10_000, TweetStream.recentStart(), 50);
    GroundTruth truth = new GroundTruth(stream.unique, 60_000, 10_000);
    assertThat(truth.windows.get("mixco")).hasSizeGreaterThan(4);
    assertThat(stream.sent.size()).isGreaterThan(stream.unique.size());

    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
      assertThat(
              admin
                  .describeTopics(List.of("weather-tweets"))
                  .allTopicNames()
                  .get()
                  .get("weather-tweets")
                  .partitions())
          .as("input topic created by the app with the broker's default partitions")
          .hasSize(6);
    }

    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      // Poison written straight into the topic, as a misbehaving producer would: undecodable and
      // invalid.
      producer.send(new ProducerRecord<>("weather-tweets", "mixco", new byte[] {1, 2, 3}));
      producer.send(
          new ProducerRecord<>("weather-tweets", "guatemala", INVALID_TWEET.toByteArray()));
      for (Tweet tweet : stream.sent) {
        producer.send(
            new ProducerRecord<>(
                "weather-tweets",
                TweetStream.key(tweet),
                tweet.toBuilder()
                    .setAcceptedAtMs(System.currentTimeMillis())
                    .build()
                    .toByteArray()));
      }
      producer.flush();
    }

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertStoreMatches(RAW, PREFIX, truth));

    assertThat(meters.get("weather.tweets.dlq").tag("path", "kafka").counter().count())
        .isEqualTo(2);
    assertDeadLetterTopicHoldsThePoisonAsWritten();
    assertThat(meters.get("weather.tweets.duplicates").tag("path", "kafka").counter().count())
        .isEqualTo(stream.sent.size() - stream.unique.size());
    assertThat(meters.get("weather.e2e.latency").tag("path", "kafka").timer().count()).isPositive();
    assertThat(meters.find("kafka.stream.thread.commit.total").meters())
        .as("Kafka Streams client metrics")
        .isNotEmpty();
    assertThat(RAW.hgetall(PREFIX + ":meta")).containsKeys("e2e_p50_ms", "e2e_p99_ms");
    assertOutputTopicHoldsTheAllTimeFigures(truth);
    assertInteractiveQueriesServeTheStores(truth);
  }

  private static final Tweet INVALID_TWEET =
      Tweet.newBuilder()
          .setId("poison-humidity")
          .setMunicipality(io.weathertweets.proto.v1.Municipality.GUATEMALA)
          .setTemperature(20)
          .setHumidity(150)
          .setCondition(io.weathertweets.proto.v1.Condition.SUNNY)
          .setEventTimeMs(System.currentTimeMillis())
          .build();

  private void assertDeadLetterTopicHoldsThePoisonAsWritten() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, byte[]> dead = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      consumer.subscribe(List.of("weather-tweets-dlq"));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                  dead.put(r.key(), r.value());
                }
                assertThat(dead).containsOnlyKeys("mixco", "guatemala");
              });
    }
    assertThat(dead.get("mixco")).containsExactly(1, 2, 3);
    assertThat(dead.get("guatemala")).isEqualTo(INVALID_TWEET.toByteArray());
  }

  private void assertOutputTopicHoldsTheAllTimeFigures(GroundTruth truth) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, String> latest = new HashMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("weather-aggregates"));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                  latest.put(r.key(), r.value());
                }
                truth.allTime.forEach(
                    (m, figures) ->
                        assertThat(latest.get(m))
                            .as("output of " + m)
                            .contains("\"count\":\"" + figures.count + "\"")
                            .contains("\"temperature_sum\":\"" + figures.temperatureSum + "\""));
              });
    }
    assertThat(latest.keySet()).anyMatch(k -> k.startsWith("mixco@"));
  }

  private void assertInteractiveQueriesServeTheStores(GroundTruth truth) {
    RestClient http = RestClient.create("http://localhost:" + port);
    @SuppressWarnings("unchecked")
    Map<String, Object> mixco = http.get().uri("/api/aggregates/mixco").retrieve().body(Map.class);
    assertThat(mixco).containsEntry("municipality", "mixco");
    assertThat(mixco.get("all_time")).isEqualTo(truth.allTime.get("mixco").fields());
    @SuppressWarnings("unchecked")
    Map<String, Object> all = http.get().uri("/api/aggregates").retrieve().body(Map.class);
    assertThat(all).containsOnlyKeys(truth.allTime.keySet());
    String prometheus = http.get().uri("/actuator/prometheus").retrieve().body(String.class);
    assertThat(prometheus)
        .contains(
            "weather_tweets_processed_total{",
            "weather_e2e_latency_seconds_bucket{",
            "weather_store_write_latency_seconds_count{",
            "weather_tweets_dlq_total{",
            "weather_tweets_late_total{",
            "kafka_stream_thread_commit_total",
            "kafka_consumer_fetch_manager_records_lag_max");
    // Per-store RocksDB and per-node metrics, read by nothing, are left out of every scrape.
    assertThat(prometheus).doesNotContain("kafka_stream_state_", "kafka_stream_processor_node_");
    assertThat(
            http.get()
                .uri("/actuator/health/readiness")
                .retrieve()
                .toBodilessEntity()
                .getStatusCode()
                .value())
        .isEqualTo(200);
    try {
      http.get().uri("/api/aggregates/atlantis").retrieve().toBodilessEntity();
      throw new AssertionError("expected 404 for an unknown municipality");
    } catch (HttpClientErrorException.NotFound expected) {
      assertThat(expected.getStatusCode().value()).isEqualTo(404);
    }
  }
}
