package io.weathertweets.ingress.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.embedded.LocalServers;
import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.ingress.IngressClient;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code GET /api/compare} and {@code GET /api/stores} against the real Redis (6379) and Valkey (6380),
 * under a key prefix of this test run only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=ingress"})
class CompareApiTest {
  static final String PREFIX = "compare-test-" + UUID.randomUUID();
  static final StoreLayout LAYOUT = new StoreLayout(PREFIX);
  static final RedissonClient REDIS = StoreClients.create(LocalServers.redisUrl(), false);
  static final RedissonClient VALKEY = StoreClients.create(LocalServers.valkeyUrl(), false);
  static final long WINDOW = 1_700_000_040_000L;

  @LocalServerPort
  int port;

  @DynamicPropertySource
  static void stores(DynamicPropertyRegistry registry) {
    registry.add("weather.stores.redis-url", LocalServers::redisUrl);
    registry.add("weather.stores.valkey-url", LocalServers::valkeyUrl);
    registry.add("weather.stores.prefix", () -> PREFIX);
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
    Aggregate mixco = Aggregate.EMPTY.plus(25, 70, Condition.SUNNY, 1).plus(-3, 90, Condition.FOGGY, 2);
    Aggregate chinautla = Aggregate.EMPTY.plus(31, 40, Condition.RAINY, 3);
    writeStore(REDIS, mixco, chinautla, "1");
    writeStore(VALKEY, mixco, chinautla, "2");
    IngressClient client = new IngressClient(port);

    IngressClient.Response equal = client.get("/api/compare?window=" + WINDOW);
    assertThat(equal.status()).isEqualTo(200);
    assertThat(equal.json().get("verdict").asString()).isEqualTo("equal");
    assertThat(equal.json().at("/kafka/tweetsTotal").asLong()).isEqualTo(3);
    assertThat(equal.json().at("/window/municipalities/mixco/redis/count").asString()).isEqualTo("2");

    // One tweet more in Valkey's mixco window and all-time hash: exactly those fields must be named.
    Aggregate mixcoPlus = mixco.plus(10, 50, Condition.SUNNY, 4);
    VALKEY.getMap(LAYOUT.municipality(Municipality.MIXCO)).putAll(mixcoPlus.toFields());
    VALKEY.getMap(LAYOUT.window(Municipality.MIXCO, WINDOW)).putAll(mixcoPlus.toFields());

    IngressClient.Response different = client.get("/api/compare?window=" + WINDOW);
    assertThat(different.status()).isEqualTo(200);
    assertThat(different.json().get("verdict").asString()).isEqualTo("different");
    assertThat(different.json().get("differences").valueStream()
        .map(d -> d.get("key").asString() + "." + d.get("field").asString()))
        .contains("municipality:mixco.count", "municipality:mixco.sunny", "municipality:mixco.temperature_avg",
            "window:mixco:" + WINDOW + ".count")
        .doesNotContain("municipality:chinautla.count", "municipality:mixco.updated_at");

    IngressClient.Response stores = client.get("/api/stores");
    assertThat(stores.json().at("/redis/panels/extremes/temperature_max").asString()).isEqualTo("31");
    assertThat(stores.json().at("/valkey/municipalities/mixco/count").asString()).isEqualTo("3");
  }

  @Test
  void shouldAnswer503NamingTheStoreThatCannotBeRead() {
    RedissonClient unreachable = StoreClients.create("redis://127.0.0.1:1", true);
    try {
      CompareService service = new CompareService(
          new io.weathertweets.aggregates.StoreReader(REDIS, LAYOUT),
          new io.weathertweets.aggregates.StoreReader(unreachable, LAYOUT));
      Comparison comparison = service.compare(null);
      assertThat(comparison.verdict()).isEqualTo("unavailable");
      assertThat(comparison.rabbit().reachable()).isFalse();
      assertThat(comparison.rabbit().error()).isNotBlank();
      assertThat(comparison.kafka().reachable()).isTrue();
    } finally {
      unreachable.shutdown();
    }
  }

  private static void writeStore(RedissonClient client, Aggregate mixco, Aggregate chinautla, String updatedAt) {
    Map<String, String> mixcoFields = new java.util.LinkedHashMap<>(mixco.toFields());
    mixcoFields.put("updated_at", updatedAt);
    client.getMap(LAYOUT.municipality(Municipality.MIXCO)).putAll(mixcoFields);
    client.getMap(LAYOUT.municipality(Municipality.CHINAUTLA)).putAll(chinautla.toFields());
    client.getMap(LAYOUT.window(Municipality.MIXCO, WINDOW)).putAll(mixco.toFields());
    Overview.empty().with(Municipality.MIXCO, mixco).with(Municipality.CHINAUTLA, chinautla)
        .panelHashes(LAYOUT).forEach((key, fields) -> client.getMap(key).putAll(fields));
    client.getMap(LAYOUT.meta()).putAll(Map.of("tweets_total", "3", "path", updatedAt));
  }
}
