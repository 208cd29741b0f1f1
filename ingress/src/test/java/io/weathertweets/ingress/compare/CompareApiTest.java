package io.weathertweets.ingress.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.ConsumerReport;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.ingress.IngressClient;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code GET /api/compare} and {@code GET /api/stores} against the real Redis (6379) and Valkey
 * (6380), under a key prefix of this test run only.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=ingress"})
class CompareApiTest {
  static final String PREFIX = "compare-test-" + UUID.randomUUID();
  static final StoreLayout LAYOUT = new StoreLayout(PREFIX);
  static final RedissonClient REDIS = StoreClients.create(LocalServers.redisUrl(), false);
  static final RedissonClient VALKEY = StoreClients.create(LocalServers.valkeyUrl(), false);
  static final long WINDOW = 1_700_000_040_000L;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void stores(DynamicPropertyRegistry registry) {
    registry.add("weather.store.redis-url", LocalServers::redisUrl);
    registry.add("weather.store.valkey-url", LocalServers::valkeyUrl);
    registry.add("weather.store.prefix", () -> PREFIX);
  }

  @AfterAll
  static void cleanUp() {
    for (RedissonClient client : new RedissonClient[] {REDIS, VALKEY}) {
      client.getKeys().deleteByPattern(PREFIX + ":*");
      client.shutdown();
    }
  }

  @Test
  void shouldReportEqualThenNameEveryFigureThatDiffers() {
    Aggregate mixco =
        Aggregate.EMPTY.plus(25, 70, Condition.SUNNY, 1).plus(-3, 90, Condition.FOGGY, 2);
    Aggregate chinautla = Aggregate.EMPTY.plus(31, 40, Condition.RAINY, 3);
    writeStore(REDIS, mixco, chinautla, "1");
    writeStore(VALKEY, mixco, chinautla, "2");
    IngressClient client = new IngressClient(port);

    IngressClient.Response equal = client.get("/api/compare?window=" + WINDOW);
    assertThat(equal.status()).isEqualTo(200);
    assertThat(equal.json().get("verdict").asString()).isEqualTo("equal");
    assertThat(equal.json().at("/kafka/tweetsTotal").asLong()).isEqualTo(3);
    assertThat(equal.json().at("/window/municipalities/mixco/redis/count").asString())
        .isEqualTo("2");
    // The answer has exactly the fields the served OpenAPI document describes.
    var schemas = client.get("/v3/api-docs").json().get("components").get("schemas");
    assertThat(equal.json().propertyNames())
        .containsExactlyInAnyOrderElementsOf(schemas.at("/Comparison/properties").propertyNames());
    assertThat(equal.json().get("kafka").propertyNames())
        .containsExactlyInAnyOrderElementsOf(schemas.at("/PathSummary/properties").propertyNames());

    // One tweet more in Valkey's mixco window and all-time hash: exactly those fields must be
    // named.
    Aggregate mixcoPlus = mixco.plus(10, 50, Condition.SUNNY, 4);
    VALKEY.getMap(LAYOUT.municipality(Municipality.MIXCO)).putAll(mixcoPlus.toFields());
    VALKEY.getMap(LAYOUT.window(Municipality.MIXCO, WINDOW)).putAll(mixcoPlus.toFields());

    IngressClient.Response different = client.get("/api/compare?window=" + WINDOW);
    assertThat(different.status()).isEqualTo(200);
    assertThat(different.json().get("verdict").asString()).isEqualTo("different");
    assertThat(
            different
                .json()
                .get("differences")
                .valueStream()
                .map(d -> d.get("key").asString() + "." + d.get("field").asString()))
        .contains(
            "municipality:mixco.count",
            "municipality:mixco.sunny",
            "municipality:mixco.temperature_avg",
            "window:mixco:" + WINDOW + ".count")
        .doesNotContain("municipality:chinautla.count", "municipality:mixco.updated_at");

    IngressClient.Response stores = client.get("/api/stores");
    assertThat(stores.json().at("/redis/panels/extremes/temperature_max").asString())
        .isEqualTo("31");
    assertThat(stores.json().at("/valkey/municipalities/mixco/count").asString()).isEqualTo("3");
  }

  @Test
  void shouldCallTheComparisonUnavailableNamingTheStoreThatCannotBeRead() {
    RedissonClient unreachable = StoreClients.create("redis://127.0.0.1:1", true);
    try {
      CompareService service =
          new CompareService(
              new StoreReaders(
                  new io.weathertweets.aggregates.StoreReader(REDIS, LAYOUT),
                  new io.weathertweets.aggregates.StoreReader(unreachable, LAYOUT),
                  Duration.ofSeconds(30)));
      Comparison comparison = service.compare(null);
      assertThat(comparison.verdict()).isEqualTo(Comparison.Verdict.UNAVAILABLE);
      assertThat(comparison.rabbit().reachable()).isFalse();
      assertThat(comparison.rabbit().error()).isNotBlank();
      assertThat(comparison.kafka().reachable()).isTrue();
    } finally {
      unreachable.shutdown();
    }
  }

  @Test
  void shouldSayHowFarBehindEachPathIsAndWhichOneHasStopped() {
    long now = System.currentTimeMillis();
    // What the consumers write (ConsumerReporter): the Kafka path behind but consuming, the
    // RabbitMQ path's
    // consumer silent for two minutes (process gone, or its store unreachable).
    REDIS
        .getMap(LAYOUT.consumer())
        .putAll(new ConsumerReport("streams-app", now, 1204, 52, null).toFields());
    VALKEY
        .getMap(LAYOUT.consumer())
        .putAll(new ConsumerReport("rabbit-bridge", now - 120_000, 0, 0, null).toFields());
    IngressClient client = new IngressClient(port);

    IngressClient.Response compare = client.get("/api/compare");
    assertThat(compare.json().at("/kafka/consumer/lag").asLong()).isEqualTo(1204);
    assertThat(compare.json().at("/kafka/consumer/summary").asString())
        .isEqualTo("1,204 tweets behind, nothing processed for 52 s");
    assertThat(compare.json().at("/kafka/consumer/stalled").isNull()).isTrue();
    assertThat(compare.json().at("/rabbit/consumer/stalled").asString())
        .startsWith("no report from the rabbit-bridge for 12")
        .contains("is it running");

    // A consumer that calls itself stalled is shown as stopped, with its own reason.
    REDIS
        .getMap(LAYOUT.consumer())
        .putAll(
            new ConsumerReport(
                    "streams-app",
                    now,
                    1204,
                    75,
                    "Kafka path (streams-app) has stopped consuming: 1,204 tweets behind, nothing consumed for 75 s")
                .toFields());
    IngressClient.Response stores = client.get("/api/stores");
    assertThat(stores.json().at("/redis/consumer/stalled").asString())
        .contains("has stopped consuming");
    assertThat(stores.json().at("/redis/consumer/summary").asString())
        .isEqualTo("stopped: 1,204 tweets behind, nothing processed for 75 s");
  }

  @Test
  void shouldCallItAConfigMismatchWhenTheConsumersRunWithDifferentSemantics() {
    long now = System.currentTimeMillis();
    PathSemantics oneMinute =
        new PathSemantics(
            new PathSemantics.Window(Duration.ofMinutes(1), Duration.ofSeconds(10)),
            new PathSemantics.Dedup(Duration.ofHours(1)),
            new PathSemantics.Time(Duration.ofMinutes(5)));
    PathSemantics twoMinutes =
        new PathSemantics(
            new PathSemantics.Window(Duration.ofMinutes(2), Duration.ofSeconds(10)),
            oneMinute.dedup(),
            oneMinute.time());
    IngressClient client = new IngressClient(port);
    try {
      // What the consumers write (ConsumerReporter), the RabbitMQ path's with a 2 min window.
      REDIS
          .getMap(LAYOUT.consumer())
          .putAll(new ConsumerReport("streams-app", now, 0, 0, null, -1, oneMinute).toFields());
      VALKEY
          .getMap(LAYOUT.consumer())
          .putAll(new ConsumerReport("rabbit-bridge", now, 0, 0, null, 0, twoMinutes).toFields());

      IngressClient.Response mismatch = client.get("/api/compare");
      assertThat(mismatch.status()).isEqualTo(200);
      assertThat(mismatch.json().get("verdict").asString()).isEqualTo("configs_differ");
      // The setting leads; how many figures differ stays in view.
      assertThat(mismatch.json().get("message").asString())
          .startsWith("configs differ: window size 60 s vs 120 s (Kafka path vs RabbitMQ path); ")
          .matches(".*; [0-9]+ figures? differs?");
      assertThat(mismatch.json().at("/kafka/consumer/semantics/window/size").asString())
          .isEqualTo("PT1M");
      assertThat(mismatch.json().at("/rabbit/consumer/semantics/window/size").asString())
          .isEqualTo("PT2M");
      assertThat(mismatch.json().at("/rabbit/consumer/semantics/dedup/horizon").asString())
          .isEqualTo("PT1H");

      // The same semantics on both sides: the figures decide again.
      VALKEY
          .getMap(LAYOUT.consumer())
          .putAll(new ConsumerReport("rabbit-bridge", now, 0, 0, null, 0, oneMinute).toFields());
      IngressClient.Response agreed = client.get("/api/compare");
      assertThat(agreed.json().get("verdict").asString()).isIn("equal", "different");
      assertThat(agreed.json().get("message").asString()).doesNotContain("configs differ");
    } finally {
      // The other tests here expect reports of their own, or none.
      REDIS.getMap(LAYOUT.consumer()).delete();
      VALKEY.getMap(LAYOUT.consumer()).delete();
    }
  }

  @Test
  void shouldListTheNewestClosedWindowsOfBothStoresOldestFirst() {
    for (RedissonClient store : new RedissonClient[] {REDIS, VALKEY}) {
      RStream<String, String> series =
          store.getStream(LAYOUT.series(Municipality.AMATITLAN), StringCodec.INSTANCE);
      for (int i = 0; i < 5; i++) {
        Aggregate window = Aggregate.EMPTY.plus(10 + i, 50, Condition.RAINY, i);
        series.add(
            new StreamMessageId(WINDOW + i * 60_000L, 0), StreamAddArgs.entries(window.toFields()));
      }
    }
    IngressClient client = new IngressClient(port);

    IngressClient.Response windows = client.get("/api/windows?municipality=amatitlan&last=3");
    assertThat(windows.status()).isEqualTo(200);
    for (String store : new String[] {"redis", "valkey"}) {
      assertThat(windows.json().get(store).valueStream().map(w -> w.get("start").asLong()))
          .containsExactly(WINDOW + 120_000, WINDOW + 180_000, WINDOW + 240_000);
      assertThat(windows.json().get(store).get(2).get("temperature_avg").asString())
          .isEqualTo("14.00");
    }

    IngressClient.Response unknown = client.get("/api/windows?municipality=atlantis");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body())
        .contains("municipality must be one of [mixco, guatemala, amatitlan, chinautla]");
  }

  private static void writeStore(
      RedissonClient client, Aggregate mixco, Aggregate chinautla, String updatedAt) {
    Map<String, String> mixcoFields = new java.util.LinkedHashMap<>(mixco.toFields());
    mixcoFields.put("updated_at", updatedAt);
    client.getMap(LAYOUT.municipality(Municipality.MIXCO)).putAll(mixcoFields);
    client.getMap(LAYOUT.municipality(Municipality.CHINAUTLA)).putAll(chinautla.toFields());
    client.getMap(LAYOUT.window(Municipality.MIXCO, WINDOW)).putAll(mixco.toFields());
    Overview.empty()
        .with(Municipality.MIXCO, mixco)
        .with(Municipality.CHINAUTLA, chinautla)
        .panelHashes(LAYOUT)
        .forEach((key, fields) -> client.getMap(key).putAll(fields));
    client.getMap(LAYOUT.meta()).putAll(Map.of("tweets_total", "3", "path", updatedAt));
  }
}
