package io.weathertweets.streams.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.aggregates.resp.RawResp;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.embedded.TcpProxy;
import io.weathertweets.streams.topology.PipelineMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** The Redis writer against the test Redis ({@link LocalServers}), under a prefix of its own. */
class RedisStoreSinkTest {
  private static final long NOW = Instant.parse("2026-01-01T12:00:00Z").toEpochMilli();
  private static final long W0 = Instant.parse("2026-01-01T11:00:00Z").toEpochMilli();

  private final String prefix = "wt-test-" + UUID.randomUUID();
  private final StoreLayout layout = new StoreLayout(prefix);
  private final RedissonClient redisson =
      StoreClients.create(LocalServers.redisUrl(), false, Duration.ofSeconds(2));
  private final RawResp raw = RawResp.connect(LocalServers.redisUrl());
  private final RedisStoreSink sink = sink(redisson);

  // mixco: 25 sunny/70, 31 rainy/80, 18 rainy/65; chinautla: -4 foggy/90, -9 cloudy/95
  private final Aggregate mixco =
      Aggregate.EMPTY
          .plus(25, 70, io.weathertweets.aggregates.Condition.SUNNY, W0 + 1)
          .plus(31, 80, io.weathertweets.aggregates.Condition.RAINY, W0 + 2)
          .plus(18, 65, io.weathertweets.aggregates.Condition.RAINY, W0 + 3);
  private final Aggregate chinautla =
      Aggregate.EMPTY
          .plus(-4, 90, io.weathertweets.aggregates.Condition.FOGGY, W0 + 4)
          .plus(-9, 95, io.weathertweets.aggregates.Condition.CLOUDY, W0 + 5);

  private RedisStoreSink sink(RedissonClient client) {
    return new RedisStoreSink(
        client,
        layout,
        WindowSpec.DEFAULT,
        Duration.ofHours(24),
        10_000,
        new PipelineMetrics(new SimpleMeterRegistry()),
        Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC),
        Duration.ofMillis(100),
        Duration.ofMillis(200),
        LocalServers.redisUrl());
  }

  @AfterEach
  void cleanUp() {
    raw.deleteAll(prefix);
    raw.close();
    redisson.shutdown();
  }

  @Test
  void shouldWriteTheMunicipalityHashExactlyAsTheLayout() {
    sink.writeAllTime(Municipality.MIXCO, mixco);

    String key = prefix + ":municipality:mixco";
    assertThat(raw.type(key)).isEqualTo("hash");
    assertThat(raw.hgetall(key))
        .isEqualTo(
            Map.ofEntries(
                Map.entry("count", "3"),
                Map.entry("temperature_sum", "74"),
                Map.entry("temperature_min", "18"),
                Map.entry("temperature_max", "31"),
                Map.entry("temperature_avg", "24.67"),
                Map.entry("humidity_sum", "215"),
                Map.entry("humidity_avg", "71.67"),
                Map.entry("sunny", "1"),
                Map.entry("cloudy", "0"),
                Map.entry("rainy", "2"),
                Map.entry("foggy", "0"),
                Map.entry("updated_at", Long.toString(NOW))));
  }

  @Test
  void shouldWritePanelHashesAndMetaFromTheOverview() {
    sink.writeOverview(
        Overview.empty().with(Municipality.MIXCO, mixco).with(Municipality.CHINAUTLA, chinautla));

    assertThat(raw.hgetall(prefix + ":temperature_avg"))
        .isEqualTo(Map.of("mixco", "24.67", "chinautla", "-6.50"));
    assertThat(raw.hgetall(prefix + ":temperature_max"))
        .isEqualTo(Map.of("mixco", "31", "chinautla", "-4"));
    assertThat(raw.hgetall(prefix + ":temperature_min"))
        .isEqualTo(Map.of("mixco", "18", "chinautla", "-9"));
    assertThat(raw.hgetall(prefix + ":humidity_avg"))
        .isEqualTo(Map.of("mixco", "71.67", "chinautla", "92.50"));
    assertThat(raw.hgetall(prefix + ":reports")).isEqualTo(Map.of("mixco", "3", "chinautla", "2"));
    assertThat(raw.hgetall(prefix + ":conditions"))
        .isEqualTo(Map.of("sunny", "1", "cloudy", "1", "rainy", "2", "foggy", "1"));
    assertThat(raw.hgetall(prefix + ":extremes"))
        .isEqualTo(
            Map.of(
                "temperature_max",
                "31",
                "temperature_max_municipality",
                "mixco",
                "temperature_min",
                "-9",
                "temperature_min_municipality",
                "chinautla"));
    assertThat(raw.type(prefix + ":meta")).isEqualTo("hash");
    assertThat(raw.hgetall(prefix + ":meta"))
        .containsEntry("tweets_total", "5")
        .containsEntry("last_event_at", Long.toString(W0 + 5))
        .containsEntry("window_size_ms", "60000")
        .containsEntry("grace_ms", "10000")
        .containsEntry("path", "kafka")
        .containsKeys("e2e_p50_ms", "e2e_p99_ms");
  }

  @Test
  void shouldWriteAWindowHashThatExpires() {
    sink.writeWindow(Municipality.MIXCO, W0, mixco);

    String key = prefix + ":window:mixco:" + W0;
    assertThat(raw.type(key)).isEqualTo("hash");
    assertThat(raw.hgetall(key))
        .containsEntry("count", "3")
        .containsEntry("temperature_avg", "24.67");
    assertThat((Long) raw.call("PTTL", key))
        .isBetween(Duration.ofHours(23).toMillis(), Duration.ofHours(24).toMillis());
  }

  @Test
  void shouldAppendAClosedWindowOnceEvenWhenItIsReplayed() {
    sink.appendSeries(Municipality.MIXCO, W0, mixco);
    sink.appendSeries(Municipality.MIXCO, W0 + 60_000, chinautla);
    // A replay after a crash re-emits windows that are already there.
    sink.appendSeries(Municipality.MIXCO, W0, mixco);
    sink.appendSeries(Municipality.MIXCO, W0 + 60_000, chinautla);

    String key = prefix + ":series:mixco";
    assertThat(raw.type(key)).isEqualTo("stream");
    Map<String, Map<String, String>> entries = raw.xrange(key);
    assertThat(entries).containsOnlyKeys(W0 + "-0", (W0 + 60_000) + "-0");
    assertThat(entries.get(W0 + "-0")).isEqualTo(mixco.toFields());
    assertThat(entries.get((W0 + 60_000) + "-0")).containsEntry("temperature_min", "-9");
  }

  @Test
  void shouldLeaveTheSameFiguresWhenAllUpdatesAreReplayed() {
    Runnable updates =
        () -> {
          sink.writeAllTime(Municipality.MIXCO, mixco);
          sink.writeAllTime(Municipality.CHINAUTLA, chinautla);
          sink.writeWindow(Municipality.MIXCO, W0, mixco);
          sink.appendSeries(Municipality.MIXCO, W0, mixco);
          sink.writeOverview(
              Overview.empty()
                  .with(Municipality.MIXCO, mixco)
                  .with(Municipality.CHINAUTLA, chinautla));
        };
    updates.run();
    Map<String, Object> first = snapshot();
    updates.run();
    updates.run();

    assertThat(snapshot()).isEqualTo(first);
  }

  @Test
  void shouldWaitForRedisAndThenWriteWhenRedisWasUnreachable() throws Exception {
    try (TcpProxy proxy = new TcpProxy(LocalServers.redisHost(), LocalServers.redisPort())) {
      RedissonClient viaProxy =
          StoreClients.create("redis://127.0.0.1:" + proxy.port(), false, Duration.ofMillis(500));
      try {
        RedisStoreSink proxied = sink(viaProxy);
        proxied.writeAllTime(Municipality.MIXCO, mixco);
        proxy.cut();

        CompletableFuture<Void> write =
            CompletableFuture.runAsync(
                () -> proxied.writeAllTime(Municipality.CHINAUTLA, chinautla));
        // Still retrying, not skipped and not failed, while Redis is away.
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(3))
            .until(() -> !write.isDone());
        assertThat(raw.hgetall(prefix + ":municipality:chinautla")).isEmpty();

        proxy.restore();
        write.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(raw.hgetall(prefix + ":municipality:chinautla")).containsEntry("count", "2");
      } finally {
        viaProxy.shutdown();
      }
    }
  }

  @Test
  void shouldFailInsteadOfRetryingOnceStopped() {
    try (TcpProxy proxy = new TcpProxy(LocalServers.redisHost(), LocalServers.redisPort())) {
      RedissonClient viaProxy =
          StoreClients.create("redis://127.0.0.1:" + proxy.port(), false, Duration.ofMillis(300));
      try {
        RedisStoreSink proxied = sink(viaProxy);
        proxy.cut();
        proxied.stop();
        assertThatThrownBy(() -> proxied.writeAllTime(Municipality.MIXCO, mixco))
            .isInstanceOf(RedisStoreSink.StoreUnavailableException.class);
      } finally {
        viaProxy.shutdown();
      }
    }
  }

  @Test
  void shouldAuthenticateWithThePasswordInTheUrl() {
    // The shared Redis has no password: a URL carrying one must reach the server's AUTH and be
    // refused there, which proves the password is taken from the URL rather than ignored.
    RedissonClient withPassword = null;
    try {
      withPassword =
          StoreClients.create(
              "redis://:wrong-secret@" + LocalServers.redisHost() + ":" + LocalServers.redisPort(),
              false,
              Duration.ofSeconds(1));
      RedissonClient client = withPassword;
      assertThatThrownBy(() -> client.getBucket("x").get()).hasStackTraceContaining("AUTH");
    } catch (RuntimeException e) {
      assertThat(e).hasStackTraceContaining("AUTH");
    } finally {
      if (withPassword != null) {
        withPassword.shutdown();
      }
    }
  }

  private Map<String, Object> snapshot() {
    Map<String, Object> all = new TreeMap<>();
    for (String key :
        new String[] {
          "municipality:mixco",
          "municipality:chinautla",
          "window:mixco:" + W0,
          "temperature_avg",
          "temperature_max",
          "temperature_min",
          "humidity_avg",
          "reports",
          "conditions",
          "extremes",
          "meta"
        }) {
      Map<String, String> hash = new LinkedHashMap<>(raw.hgetall(prefix + ":" + key));
      hash.remove("updated_at");
      all.put(key, hash);
    }
    all.put("series:mixco", raw.xrange(prefix + ":series:mixco"));
    return all;
  }

  /**
   * A fenced or paused instance, or a task that lost its state, writes older figures: they must
   * never replace newer ones (the versions are counts, which only grow).
   */
  @Test
  void shouldNeverReplaceNewerFiguresWithOlderOnes() {
    Aggregate one =
        Aggregate.EMPTY.plus(25, 70, io.weathertweets.aggregates.Condition.SUNNY, W0 + 1);
    sink.writeWindow(Municipality.MIXCO, W0, mixco);
    sink.writeAllTime(Municipality.MIXCO, mixco);
    sink.writeOverview(
        Overview.empty().with(Municipality.MIXCO, mixco).with(Municipality.CHINAUTLA, chinautla));

    sink.writeWindow(Municipality.MIXCO, W0, one);
    sink.writeAllTime(Municipality.MIXCO, one);
    sink.writeOverview(Overview.empty().with(Municipality.MIXCO, one));

    assertThat(raw.hgetall(prefix + ":window:mixco:" + W0)).containsEntry("count", "3");
    assertThat(raw.hgetall(prefix + ":municipality:mixco")).containsEntry("count", "3");
    assertThat(raw.hgetall(prefix + ":meta")).containsEntry("tweets_total", "5");
    assertThat(raw.hgetall(prefix + ":reports")).containsEntry("mixco", "3");
    // A replay of the same figures, and newer ones, are written.
    Aggregate four = mixco.plus(20, 60, io.weathertweets.aggregates.Condition.CLOUDY, W0 + 9);
    sink.writeWindow(Municipality.MIXCO, W0, four);
    assertThat(raw.hgetall(prefix + ":window:mixco:" + W0)).containsEntry("count", "4");
  }
}
