package io.weathertweets.bridge.store;

import static io.weathertweets.aggregates.Municipality.AMATITLAN;
import static io.weathertweets.aggregates.Municipality.CHINAUTLA;
import static io.weathertweets.aggregates.Municipality.GUATEMALA;
import static io.weathertweets.aggregates.Municipality.MIXCO;
import static io.weathertweets.bridge.TestTweets.T0;
import static io.weathertweets.bridge.TestTweets.tweet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.aggregates.Panel;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.bridge.ValkeyTestSupport;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The batch script on the real Valkey: window boundaries, grace, series, replay guard, text
 * formats.
 */
class BatchScriptTest {
  private static final long MINUTE = 60_000;
  private static final WindowSpec WINDOWS =
      new WindowSpec(Duration.ofMinutes(1), Duration.ofSeconds(10));

  private static RedissonClient client;
  private StoreLayout layout;
  private StoreReader reader;
  private BatchScript script;

  @BeforeAll
  static void connect() {
    client = ValkeyTestSupport.client(ValkeyTestSupport.SHARED_VALKEY);
  }

  @AfterAll
  static void disconnect() {
    client.shutdown();
  }

  @BeforeEach
  void freshPrefix() {
    layout = new StoreLayout("bridge-test-" + UUID.randomUUID());
    reader = new StoreReader(client, layout);
    script =
        new BatchScript(
            client,
            layout,
            WINDOWS,
            Duration.ofHours(1),
            Duration.ofHours(24),
            10_000,
            Duration.ofSeconds(15));
  }

  @AfterEach
  void cleanUp() {
    ValkeyTestSupport.deleteKeys(client, layout.prefix());
  }

  private ApplyResult apply(Tweet... tweets) {
    return script.apply(List.of(tweets), 1_000);
  }

  @Test
  void shouldPutTweetAtWindowEndIntoNextWindow() {
    apply(
        tweet(MIXCO).at(T0 + MINUTE - 1).temperature(10).build(),
        tweet(MIXCO).at(T0 + MINUTE).temperature(30).build());

    assertThat(reader.window(MIXCO, T0).count()).isEqualTo(1);
    assertThat(reader.window(MIXCO, T0).temperatureMax()).isEqualTo(10);
    assertThat(reader.window(MIXCO, T0 + MINUTE).count()).isEqualTo(1);
    assertThat(reader.window(MIXCO, T0 + MINUTE).temperatureMax()).isEqualTo(30);
  }

  @Test
  void shouldAcceptTweetUntilGraceHasPassed() {
    apply(tweet(MIXCO).at(T0).build());
    // Window [T0, T0+60s) closes at stream time T0+70s; one millisecond before, it still takes
    // tweets.
    apply(tweet(GUATEMALA).at(T0 + MINUTE + 10_000 - 1).build());
    ApplyResult result = apply(tweet(MIXCO).at(T0 + 59_999).build());

    assertThat(result.late()).isZero();
    assertThat(result.flags()).isEqualTo("n");
    assertThat(reader.window(MIXCO, T0).count()).isEqualTo(2);
    assertThat(reader.series(MIXCO)).isEmpty();
  }

  @Test
  void shouldDropRecordWhenGraceHasPassed() {
    apply(tweet(MIXCO).at(T0).temperature(5).build());
    apply(tweet(MIXCO).at(T0 + MINUTE + 10_000).build());
    ApplyResult result = apply(tweet(MIXCO).at(T0 + 59_999).temperature(40).build());

    assertThat(result.late()).isEqualTo(1);
    assertThat(result.processed()).isEqualTo(1);
    assertThat(result.flags()).isEqualTo("l");
    assertThat(reader.window(MIXCO, T0).count()).isEqualTo(1);
    // Late tweets still count in the all-time figures.
    assertThat(reader.allTime().get(MIXCO).count()).isEqualTo(3);
    assertThat(reader.allTime().get(MIXCO).temperatureMax()).isEqualTo(40);
  }

  @Test
  void shouldWriteSeriesEntryOnceWhenStreamTimePassesWindowEndPlusGrace() {
    apply(
        tweet(MIXCO).at(T0 + 1_000).temperature(11).humidity(61).condition(Condition.RAINY).build(),
        tweet(MIXCO).at(T0 + 2_000).temperature(14).humidity(70).build());
    Map<String, String> windowBefore = reader.hash(layout.window(MIXCO, T0));

    ApplyResult otherMunicipality = apply(tweet(CHINAUTLA).at(T0 + 5 * MINUTE).build());
    ApplyResult notYet = apply(tweet(MIXCO).at(T0 + MINUTE + 9_999).build());
    ApplyResult closing = apply(tweet(MIXCO).at(T0 + MINUTE + 10_000).build());
    ApplyResult later = apply(tweet(CHINAUTLA).at(T0 + 5 * MINUTE + 70_000).build());

    // Each municipality has its own stream time: chinautla running ahead closes none of mixco's
    // windows.
    assertThat(otherMunicipality.closedWindows()).isZero();
    assertThat(notYet.closedWindows()).isZero();
    assertThat(closing.closedWindows()).isEqualTo(1);
    assertThat(reader.series(MIXCO)).containsOnlyKeys(T0);
    Map<String, String> entry =
        client
            .<String, String>getStream(layout.series(MIXCO), StringCodec.INSTANCE)
            .range(
                org.redisson.api.stream.StreamMessageId.MIN,
                org.redisson.api.stream.StreamMessageId.MAX)
            .values()
            .iterator()
            .next();
    assertThat(new ArrayList<>(entry.keySet())).containsExactly(Aggregate.NUMERIC_FIELDS);
    assertThat(entry).isEqualTo(windowBefore);
    // Chinautla's window at T0+5min closes with its own jump: one entry per closed window, never
    // twice.
    assertThat(later.closedWindows()).isEqualTo(1);
    assertThat(reader.series(CHINAUTLA)).containsOnlyKeys(T0 + 5 * MINUTE);
    assertThat(
            client
                .getScoredSortedSet(
                    layout.prefix() + ":bridge:open_windows:chinautla", StringCodec.INSTANCE)
                .readAll())
        .containsExactly("chinautla:" + (T0 + 6 * MINUTE));
  }

  @Test
  void shouldTreatTheSameIdInTwoMunicipalitiesAsTwoTweets() {
    ApplyResult result =
        apply(
            tweet(MIXCO).id("client-1").at(T0).build(),
            tweet(GUATEMALA).id("client-1").at(T0).build(),
            tweet(MIXCO).id("client-1").at(T0 + 5).build());

    assertThat(result.flags()).isEqualTo("nnd");
    assertThat(reader.allTime().get(MIXCO).count()).isEqualTo(1);
    assertThat(reader.allTime().get(GUATEMALA).count()).isEqualTo(1);
  }

  @Test
  void shouldJudgeLatenessPerMunicipality() {
    apply(tweet(GUATEMALA).at(T0 + 10 * MINUTE).build());
    ApplyResult mixco = apply(tweet(MIXCO).at(T0).build());

    assertThat(mixco.late()).isZero();
    assertThat(reader.window(MIXCO, T0).count()).isEqualTo(1);
  }

  @Test
  void shouldCloseWindowOpenedInTheSameBatch() {
    ApplyResult result =
        apply(tweet(AMATITLAN).at(T0).build(), tweet(AMATITLAN).at(T0 + 2 * MINUTE).build());

    assertThat(result.closedWindows()).isEqualTo(1);
    assertThat(reader.series(AMATITLAN).get(T0).count()).isEqualTo(1);
  }

  @Test
  void shouldExpireWindowHashes() {
    apply(tweet(MIXCO).at(T0).build());

    long ttl = client.getBucket(layout.window(MIXCO, T0), StringCodec.INSTANCE).remainTimeToLive();
    assertThat(ttl).isBetween(Duration.ofHours(23).toMillis(), Duration.ofHours(24).toMillis());
  }

  @Test
  void shouldCountTweetOnceWhenRedelivered() {
    Tweet once = tweet(MIXCO).at(T0).temperature(25).build();
    Tweet other = tweet(MIXCO).at(T0 + 1).temperature(27).build();

    ApplyResult first = apply(once);
    ApplyResult again = apply(once, other, other);

    assertThat(first.processed()).isEqualTo(1);
    assertThat(again.processed()).isEqualTo(1);
    assertThat(again.duplicates()).isEqualTo(2);
    assertThat(again.flags()).isEqualTo("dnd");
    assertThat(reader.allTime().get(MIXCO).count()).isEqualTo(2);
    assertThat(reader.window(MIXCO, T0).count()).isEqualTo(2);
    assertThat(reader.meta()).containsEntry("tweets_total", "2");
  }

  @Test
  void shouldReportWhatTheFirstExecutionDidWhenTheSameBatchIsRetried() {
    apply(tweet(GUATEMALA).at(T0 + 2 * MINUTE).build());
    Tweet inWindow = tweet(MIXCO).at(T0 + 2 * MINUTE + 1).build();
    Tweet late = tweet(MIXCO).at(T0).build();
    List<Tweet> batch = List.of(inWindow, late, inWindow);

    // The first execution ran although its caller saw a timeout; the retry carries the same token.
    ApplyResult first = script.apply(batch, "1099511627775", 1_000);
    Map<String, String> storeAfterFirst = reader.hash(layout.municipality(MIXCO));
    ApplyResult retry = script.apply(batch, "1099511627775", 2_000);
    ApplyResult redelivery = script.apply(batch, "12345", 3_000);

    assertThat(first).isEqualTo(new ApplyResult(2, 1, 1, 0, "nld"));
    assertThat(retry).isEqualTo(first);
    assertThat(redelivery).isEqualTo(new ApplyResult(0, 3, 0, 0, "ddd"));
    assertThat(reader.hash(layout.municipality(MIXCO))).isEqualTo(storeAfterFirst);
    assertThat(reader.meta()).containsEntry("tweets_total", "3");
  }

  @Test
  void shouldRememberTweetIdsForTheDedupHorizonOnly() {
    Tweet tweet = tweet(MIXCO).at(T0).build();
    apply(tweet);

    long ttl =
        client
            .getBucket(layout.prefix() + ":seen:mixco:" + tweet.getId(), StringCodec.INSTANCE)
            .remainTimeToLive();
    assertThat(ttl).isBetween(Duration.ofMinutes(59).toMillis(), Duration.ofHours(1).toMillis());
  }

  @Test
  void shouldWriteTheSameTextAsAggregateAndOverview() {
    // Means chosen to hit rounding corners: -1/300 (C prints "-0.00"), 1/8 (exact tie, half-even
    // down), 3/8 (tie, up), 1/40 (binary slightly above .025) and a plain negative mean.
    List<Tweet> tweets = new ArrayList<>();
    tweets.add(tweet(MIXCO).at(T0).temperature(-1).humidity(1).condition(Condition.FOGGY).build());
    for (int i = 1; i < 300; i++) {
      tweets.add(tweet(MIXCO).at(T0 + i).temperature(0).humidity(0).build());
    }
    tweets.add(
        tweet(GUATEMALA).at(T0).temperature(1).humidity(3).condition(Condition.CLOUDY).build());
    for (int i = 1; i < 8; i++) {
      tweets.add(
          tweet(GUATEMALA)
              .at(T0 + i)
              .temperature(0)
              .humidity(0)
              .condition(Condition.RAINY)
              .build());
    }
    tweets.add(tweet(AMATITLAN).at(T0).temperature(1).humidity(0).build());
    for (int i = 1; i < 40; i++) {
      tweets.add(tweet(AMATITLAN).at(T0 + i).temperature(0).humidity(0).build());
    }
    tweets.add(tweet(CHINAUTLA).at(T0).temperature(-50).humidity(100).build());
    tweets.add(tweet(CHINAUTLA).at(T0 + 1).temperature(-7).humidity(99).build());
    tweets.add(tweet(CHINAUTLA).at(T0 + 2).temperature(60).humidity(98).build());
    // Apply in two batches to exercise both the "new hash" and the "update" writes.
    script.apply(tweets.subList(0, 150), 1_000);
    script.apply(tweets.subList(150, tweets.size()), 2_000);

    Map<Municipality, Aggregate> expected = new LinkedHashMap<>();
    for (Tweet t : tweets) {
      Municipality m = Municipality.fromProto(t.getMunicipality());
      expected.put(m, expected.getOrDefault(m, Aggregate.EMPTY).plus(t));
    }
    assertThat(expected.get(MIXCO).temperatureAvg()).isEqualTo("0.00");
    for (Map.Entry<Municipality, Aggregate> e : expected.entrySet()) {
      Map<String, String> stored = new HashMap<>(reader.hash(layout.municipality(e.getKey())));
      assertThat(stored.remove("updated_at")).isEqualTo("2000");
      assertThat(stored).isEqualTo(e.getValue().toFields());
      assertThat(reader.hash(layout.window(e.getKey(), T0))).isEqualTo(e.getValue().toFields());
    }
    new Overview(expected)
        .panelHashes(layout)
        .forEach((key, fields) -> assertThat(reader.hash(key)).as(key).isEqualTo(fields));
    assertThat(reader.meta())
        .containsEntry("tweets_total", Long.toString(tweets.size()))
        .containsEntry("last_event_at", Long.toString(T0 + 299))
        .containsEntry("window_size_ms", "60000")
        .containsEntry("grace_ms", "10000")
        .containsEntry("path", "rabbit");
  }

  @Test
  void shouldWriteEveryMunicipalityConditionAndPanelOfTheCatalogue() {
    // Every municipality with every condition; the last municipality of the catalogue has both
    // extremes, so a list in the script that missed it would show in every panel hash.
    List<Tweet> tweets = new ArrayList<>();
    Municipality[] municipalities = Municipality.values();
    for (int i = 0; i < municipalities.length; i++) {
      for (Condition c : Condition.values()) {
        tweets.add(
            tweet(municipalities[i])
                .at(T0 + tweets.size())
                .temperature(i < municipalities.length - 1 ? i : c.ordinal() == 0 ? 60 : -50)
                .humidity(10 * i + c.ordinal())
                .condition(c)
                .build());
      }
    }
    script.apply(tweets, 1_000);

    Map<Municipality, Aggregate> expected = new LinkedHashMap<>();
    for (Tweet t : tweets) {
      Municipality m = Municipality.fromProto(t.getMunicipality());
      expected.put(m, expected.getOrDefault(m, Aggregate.EMPTY).plus(t));
    }
    Map<String, Map<String, String>> panels = new Overview(expected).panelHashes(layout);
    assertThat(panels.keySet())
        .containsExactlyElementsOf(
            java.util.Arrays.stream(Panel.values()).map(layout::panel).toList());
    panels.forEach(
        (key, fields) -> assertThat(reader.hash(key)).as(key).containsExactlyEntriesOf(fields));
    String last = municipalities[municipalities.length - 1].id();
    assertThat(reader.hash(layout.panel(Panel.EXTREMES)))
        .containsEntry("temperature_max_municipality", last)
        .containsEntry("temperature_min_municipality", last);
    for (Municipality m : municipalities) {
      assertThat(reader.hash(layout.panel(Panel.REPORTS)))
          .containsEntry(m.id(), Integer.toString(Condition.values().length));
    }
  }

  @Test
  void shouldNameTheFirstMunicipalityInOrderOnTies() {
    apply(
        tweet(CHINAUTLA).at(T0).temperature(30).build(),
        tweet(GUATEMALA).at(T0).temperature(30).build(),
        tweet(AMATITLAN).at(T0).temperature(-3).build(),
        tweet(MIXCO).at(T0).temperature(-3).build());

    assertThat(reader.hash(layout.panel(Panel.EXTREMES)))
        .containsExactlyEntriesOf(
            orderedMap(
                "temperature_max",
                "30",
                "temperature_max_municipality",
                "guatemala",
                "temperature_min",
                "-3",
                "temperature_min_municipality",
                "mixco"));
    assertThat(reader.hash(layout.panel(Panel.CONDITIONS)))
        .containsExactlyEntriesOf(
            orderedMap("sunny", "4", "cloudy", "0", "rainy", "0", "foggy", "0"));
  }

  @Test
  void shouldRefuseInvalidTweetsBeforeTouchingTheStore() {
    Tweet invalid = tweet(MIXCO).at(T0).temperature(99).build();

    assertThatThrownBy(() -> apply(tweet(MIXCO).at(T0).build(), invalid))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("temperature");
    assertThat(reader.meta()).isEmpty();
  }

  private static Map<String, String> orderedMap(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }
}
