package io.weathertweets.streams.topology;

import static io.weathertweets.streams.TweetBuilder.tweet;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.streams.InMemoryStoreSink;
import io.weathertweets.streams.TweetBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeatherTopologyTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final WindowSpec WINDOW =
      new WindowSpec(Duration.ofMinutes(1), Duration.ofSeconds(10));

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PipelineMetrics metrics = new PipelineMetrics(registry);
  private final InMemoryStoreSink sink = new InMemoryStoreSink();
  private TopologyTestDriver driver;
  private TestInputTopic<String, Tweet> tweets;
  private TestInputTopic<String, byte[]> rawTweets;
  private TestOutputTopic<String, AggregateRecord> aggregates;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @TempDir Path stateDir;

  @BeforeEach
  void startDriver() {
    driver = newDriver();
  }

  /**
   * A driver on {@link #stateDir}. TopologyTestDriver wipes that directory on {@code close()}, so a
   * second driver starts without local state; restarts on kept or rebuilt state are tested on a
   * real broker (streams-app's *IT classes).
   */
  private TopologyTestDriver newDriver() {
    return newDriver(WeatherTopology.StateSerdes.CURRENT);
  }

  private TopologyTestDriver newDriver(WeatherTopology.StateSerdes state) {
    Properties props = new Properties();
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.putAll(WeatherTopology.requiredConfig(metrics));
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "weather-topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    Clock clock = Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC);
    TopologyTestDriver started =
        new TopologyTestDriver(
            WeatherTopology.build(
                new WeatherTopology.Settings(WINDOW, Duration.ofHours(1)),
                sink,
                metrics,
                clock,
                state),
            props,
            T0);
    driver = started;
    tweets =
        driver.createInputTopic(
            Topics.TWEETS.name(), new StringSerializer(), Topics.TWEETS.valueSerde().serializer());
    rawTweets =
        driver.createInputTopic(
            Topics.TWEETS.name(), new StringSerializer(), new ByteArraySerializer());
    aggregates =
        driver.createOutputTopic(
            Topics.AGGREGATES.name(),
            new StringDeserializer(),
            Topics.AGGREGATES.valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            Topics.DLQ.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    return started;
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private void send(TweetBuilder builder) {
    Tweet tweet = builder.build();
    tweets.pipeInput(builder.key(), tweet, tweet.getEventTimeMs());
  }

  private Aggregate allTimeInStore(String municipality) {
    KeyValueStore<String, ValueAndTimestamp<Tally>> store =
        driver.getTimestampedKeyValueStore(WeatherTopology.allTimeStore());
    ValueAndTimestamp<Tally> tally = store.get(municipality);
    return tally == null ? null : tally.value().aggregate();
  }

  private Aggregate windowInStore(String municipality, Instant windowStart) {
    WindowStore<String, ValueAndTimestamp<Aggregate>> store =
        driver.getTimestampedWindowStore(WeatherTopology.windowStore());
    ValueAndTimestamp<Aggregate> value = store.fetch(municipality, windowStart.toEpochMilli());
    return value == null ? null : value.value();
  }

  private double counter(String name) {
    return registry.get(name).tag("path", "kafka").counter().count();
  }

  @Test
  void shouldPutTweetAtTheExclusiveEndOfAWindowIntoTheNextWindow() {
    send(tweet("mixco").at(T0).temperature(10));
    send(tweet("mixco").at(T0.plusMillis(59_999)).temperature(20));
    send(tweet("mixco").at(T0.plusSeconds(60)).temperature(30));

    assertThat(windowInStore("mixco", T0).count()).isEqualTo(2);
    assertThat(windowInStore("mixco", T0).temperatureSum()).isEqualTo(30);
    assertThat(windowInStore("mixco", T0.plusSeconds(60)).count()).isEqualTo(1);
    assertThat(windowInStore("mixco", T0.plusSeconds(60)).temperatureMax()).isEqualTo(30);
    assertThat(sink.window(Municipality.MIXCO, T0.toEpochMilli()).count()).isEqualTo(2);
    assertThat(sink.window(Municipality.MIXCO, T0.plusSeconds(60).toEpochMilli()).count())
        .isEqualTo(1);
    assertThat(allTimeInStore("mixco").count()).isEqualTo(3);
  }

  @Test
  void shouldCountTweetWithinGraceInItsWindow() {
    send(tweet("mixco").at(T0.plusSeconds(5)).temperature(10));
    send(
        tweet("mixco")
            .at(T0.plusSeconds(69))
            .temperature(20)); // stream time 69 s: window [0, 60) open until 70 s
    send(tweet("mixco").at(T0.plusSeconds(30)).temperature(30));

    assertThat(windowInStore("mixco", T0).count()).isEqualTo(2);
    assertThat(windowInStore("mixco", T0).temperatureMax()).isEqualTo(30);
    assertThat(counter("weather.tweets.late")).isZero();
    assertThat(sink.series).isEmpty();
  }

  @Test
  void shouldDropRecordWhenGraceHasPassedButStillCountItAllTime() {
    send(tweet("mixco").at(T0.plusSeconds(5)).temperature(10));
    send(
        tweet("mixco")
            .at(T0.plusSeconds(70))
            .temperature(20)); // window [0, 60) closes at 60 + 10 s
    send(tweet("mixco").at(T0.plusSeconds(30)).temperature(30));

    assertThat(windowInStore("mixco", T0).count()).isEqualTo(1);
    assertThat(windowInStore("mixco", T0).temperatureMax()).isEqualTo(10);
    assertThat(counter("weather.tweets.late")).isEqualTo(1);
    assertThat(allTimeInStore("mixco").count()).isEqualTo(3);
    assertThat(allTimeInStore("mixco").temperatureMax()).isEqualTo(30);
    // The closed window's final result went to the series exactly once, without the late tweet.
    assertThat(sink.series.get(Municipality.MIXCO)).containsOnlyKeys(T0.toEpochMilli());
    assertThat(sink.series.get(Municipality.MIXCO).get(T0.toEpochMilli()).count()).isEqualTo(1);
  }

  @Test
  void shouldReportHighestTemperatureWhenAllAreNegative() {
    send(tweet("chinautla").at(T0).temperature(-5));
    send(tweet("chinautla").at(T0.plusSeconds(1)).temperature(-12));
    send(tweet("chinautla").at(T0.plusSeconds(2)).temperature(-3));

    Aggregate a = allTimeInStore("chinautla");
    assertThat(a.temperatureMax()).isEqualTo(-3);
    assertThat(a.temperatureMin()).isEqualTo(-12);
    assertThat(a.temperatureAvg()).isEqualTo("-6.67");
    assertThat(sink.lastOverview().panelHashes(StoreLayout.DEFAULT).get("weather:extremes"))
        .containsEntry("temperature_max", "-3")
        .containsEntry("temperature_max_municipality", "chinautla")
        .containsEntry("temperature_min", "-12");
  }

  @Test
  void shouldCountEachConditionSeparately() {
    send(tweet("guatemala").at(T0).condition(Condition.SUNNY));
    send(tweet("guatemala").at(T0.plusSeconds(1)).condition(Condition.RAINY));
    send(tweet("guatemala").at(T0.plusSeconds(2)).condition(Condition.RAINY));
    send(tweet("guatemala").at(T0.plusSeconds(3)).condition(Condition.FOGGY));

    Aggregate a = allTimeInStore("guatemala");
    assertThat(a.sunny()).isEqualTo(1);
    assertThat(a.cloudy()).isZero();
    assertThat(a.rainy()).isEqualTo(2);
    assertThat(a.foggy()).isEqualTo(1);
    assertThat(sink.lastOverview().panelHashes(StoreLayout.DEFAULT).get("weather:conditions"))
        .isEqualTo(Map.of("sunny", "1", "cloudy", "0", "rainy", "2", "foggy", "1"));
  }

  @Test
  void shouldKeepMunicipalitiesApartWhenInterleaved() {
    send(tweet("mixco").at(T0).temperature(10).humidity(40));
    send(tweet("amatitlan").at(T0.plusSeconds(1)).temperature(30).humidity(90));
    send(tweet("mixco").at(T0.plusSeconds(2)).temperature(14).humidity(60));
    send(tweet("amatitlan").at(T0.plusSeconds(3)).temperature(31).humidity(80));
    send(tweet("guatemala").at(T0.plusSeconds(4)).temperature(22).humidity(55));

    assertThat(allTimeInStore("mixco"))
        .isEqualTo(new Aggregate(2, 24, 10, 14, 100, 2, 0, 0, 0, T0.plusSeconds(2).toEpochMilli()));
    assertThat(allTimeInStore("amatitlan").figures())
        .isEqualTo(new Aggregate(2, 61, 30, 31, 170, 2, 0, 0, 0, 0));
    assertThat(allTimeInStore("guatemala").count()).isEqualTo(1);
    assertThat(allTimeInStore("chinautla")).isNull();

    Overview overview = sink.lastOverview();
    assertThat(overview.tweetsTotal()).isEqualTo(5);
    assertThat(overview.panelHashes(StoreLayout.DEFAULT).get("weather:reports"))
        .isEqualTo(Map.of("mixco", "2", "amatitlan", "2", "guatemala", "1"));
    assertThat(sink.allTime.get(Municipality.AMATITLAN).humidityAvg()).isEqualTo("85.00");

    Map<String, AggregateRecord> latest = aggregates.readKeyValuesToMap();
    assertThat(latest.get("mixco").fields())
        .containsEntry("count", "2")
        .containsEntry("temperature_avg", "12.00");
    assertThat(latest.get("mixco").windowStartMs()).isNull();
    String windowKey = Topics.windowKey("amatitlan", T0.toEpochMilli());
    assertThat(latest.get(windowKey).fields())
        .containsEntry("count", "2")
        .containsEntry("temperature_sum", "61");
    assertThat(latest.get(windowKey).windowEndMs()).isEqualTo(T0.plusSeconds(60).toEpochMilli());
  }

  @Test
  void shouldAggregateEveryMunicipalityAndConditionOfTheCatalogue() {
    for (Municipality m : Municipality.values()) {
      for (Condition c : Condition.values()) {
        send(
            tweet(m.id())
                .at(T0.plusSeconds(c.ordinal()))
                .temperature(m.ordinal())
                .humidity(c.ordinal())
                .condition(c));
      }
    }
    // Closes the first window: one series entry per municipality.
    for (Municipality m : Municipality.values()) {
      send(tweet(m.id()).at(T0.plusSeconds(120)));
    }

    Map<Municipality, Aggregate> expected = new java.util.EnumMap<>(Municipality.class);
    for (Municipality m : Municipality.values()) {
      Aggregate a = Aggregate.EMPTY;
      for (Condition c : Condition.values()) {
        a = a.plus(m.ordinal(), c.ordinal(), c, T0.plusSeconds(c.ordinal()).toEpochMilli());
      }
      assertThat(sink.window(m, T0.toEpochMilli()).figures()).as(m.id()).isEqualTo(a.figures());
      assertThat(sink.series.get(m)).as(m.id()).containsOnlyKeys(T0.toEpochMilli());
      expected.put(m, a.plus(20, 50, Condition.SUNNY, T0.plusSeconds(120).toEpochMilli()));
      assertThat(sink.allTime.get(m).figures()).as(m.id()).isEqualTo(expected.get(m).figures());
    }
    assertThat(sink.lastOverview().panelHashes(StoreLayout.DEFAULT))
        .isEqualTo(new Overview(expected).panelHashes(StoreLayout.DEFAULT));
    assertThat(sink.lastOverview().panelHashes(StoreLayout.DEFAULT).get("weather:reports"))
        .containsOnlyKeys(Municipality.ids());
    assertThat(sink.lastOverview().panelHashes(StoreLayout.DEFAULT).get("weather:conditions"))
        .containsOnlyKeys(Condition.ids());
  }

  @Test
  void shouldSendUndecodableAndInvalidRecordsToTheDeadLetterTopicAndGoOn() {
    rawTweets.pipeInput("mixco", new byte[] {(byte) 0xff, 0x00, 0x13, 0x37}, T0);
    send(tweet("mixco").at(T0).humidity(150));
    send(tweet("guatemala").at(T0.plusSeconds(1)).temperature(25));

    assertThat(deadLetters.readValuesToList()).hasSize(2);
    assertThat(counter("weather.tweets.dlq")).isEqualTo(2);
    assertThat(allTimeInStore("mixco")).isNull();
    assertThat(allTimeInStore("guatemala").temperatureSum()).isEqualTo(25);
    assertThat(counter("weather.tweets.processed")).isEqualTo(1);
  }

  @Test
  void shouldSendRecordKeyedByAnotherMunicipalityToTheDeadLetterTopic() {
    Tweet tweet = tweet("mixco").at(T0).build();
    tweets.pipeInput("guatemala", tweet, T0);
    send(tweet("mixco").at(T0.plusSeconds(1)));

    var dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isEqualTo(tweet.toByteArray());
    assertThat(allTimeInStore("guatemala")).isNull();
    assertThat(allTimeInStore("mixco").count()).isEqualTo(1);
  }

  @Test
  void shouldCountATweetRetriedWithTheSameIdOnce() {
    send(tweet("mixco").id("same").at(T0).temperature(10));
    send(tweet("mixco").id("same").at(T0).temperature(10));
    send(tweet("mixco").id("other").at(T0.plusSeconds(1)).temperature(20));

    assertThat(allTimeInStore("mixco").count()).isEqualTo(2);
    assertThat(windowInStore("mixco", T0).count()).isEqualTo(2);
    assertThat(counter("weather.tweets.duplicates")).isEqualTo(1);
  }

  @Test
  void shouldAppendEachClosedWindowToTheSeriesWithItsFinalFigures() {
    send(tweet("mixco").at(T0.plusSeconds(1)).temperature(10));
    send(tweet("mixco").at(T0.plusSeconds(2)).temperature(20));
    send(tweet("mixco").at(T0.plusSeconds(61)).temperature(5));
    send(tweet("mixco").at(T0.plusSeconds(200)).temperature(7)); // closes [0,60) and [60,120)

    var series = sink.series.get(Municipality.MIXCO);
    assertThat(series).containsOnlyKeys(T0.toEpochMilli(), T0.plusSeconds(60).toEpochMilli());
    assertThat(series.get(T0.toEpochMilli()).toFields())
        .containsEntry("count", "2")
        .containsEntry("temperature_avg", "15.00");
    assertThat(series.get(T0.plusSeconds(60).toEpochMilli()).temperatureSum()).isEqualTo(5);
  }

  @Test
  void shouldMeasureEndToEndFromAcceptedTimeOfNewestTweet() {
    send(tweet("mixco").at(T0).acceptedAt(T0.plusSeconds(3600 - 2).toEpochMilli()));

    var timer = registry.get("weather.e2e.latency").tag("path", "kafka").timer();
    assertThat(timer.count()).isEqualTo(1);
    assertThat(timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(2000);
  }

  // --- Hostile clocks, restarts and identity: each of these failed before the time rules were made
  // durable.

  @Test
  void shouldDeadLetterATweetStampedFarAheadOfItsAcceptanceAndKeepWindowsOpen() {
    send(tweet("mixco").at(T0.plusSeconds(5)).temperature(10));
    // Two hours ahead of the time it was accepted: it would move stream time two hours on and close
    // every window.
    send(tweet("mixco").at(T0.plusSeconds(7200)).acceptedAt(T0.plusSeconds(6).toEpochMilli()));
    send(tweet("mixco").at(T0.plusSeconds(30)).temperature(30));

    assertThat(deadLetters.readValuesToList()).hasSize(1);
    assertThat(counter("weather.tweets.late")).isZero();
    assertThat(windowInStore("mixco", T0).count()).isEqualTo(2);
    assertThat(allTimeInStore("mixco").count()).isEqualTo(2);
    assertThat(sink.series).isEmpty();
  }

  @Test
  void shouldDeadLetterEventTimesThatOverflowWindowArithmetic() {
    for (long hostile : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 253_402_300_800_000L, -1}) {
      tweets.pipeInput(
          "mixco",
          tweet("mixco").at(T0).build().toBuilder()
              .setEventTimeMs(hostile)
              .setAcceptedAtMs(0)
              .build(),
          T0.toEpochMilli());
    }
    send(tweet("mixco").at(T0.plusSeconds(1)));

    assertThat(deadLetters.readValuesToList()).hasSize(4);
    assertThat(allTimeInStore("mixco").count()).isEqualTo(1);
  }

  @Test
  void shouldRecogniseARetryOfAnOldTweetByItsAcceptanceTime() {
    Instant now = T0.plusSeconds(10_800);
    // Buffered by a client for three hours: its event time is far behind the stream time when it
    // arrives.
    send(tweet("mixco").at(now).temperature(1));
    send(tweet("mixco").id("buffered").at(T0).acceptedAt(now.toEpochMilli()).temperature(2));
    send(
        tweet("mixco")
            .id("buffered")
            .at(T0)
            .acceptedAt(now.plusSeconds(5).toEpochMilli())
            .temperature(2));

    assertThat(allTimeInStore("mixco").count()).isEqualTo(2);
    assertThat(counter("weather.tweets.duplicates")).isEqualTo(1);
  }

  @Test
  void shouldTreatTheSameIdInTwoMunicipalitiesAsTwoTweetsAsTheBridgeDoes() {
    send(tweet("mixco").id("client-1").at(T0));
    send(tweet("guatemala").id("client-1").at(T0));
    send(tweet("mixco").id("client-1").at(T0.plusMillis(5)));

    assertThat(allTimeInStore("mixco").count()).isEqualTo(1);
    assertThat(allTimeInStore("guatemala").count()).isEqualTo(1);
    assertThat(counter("weather.tweets.duplicates")).isEqualTo(1);
  }

  // --- Upgrading: state written by an earlier release's format

  /**
   * Writes what the releases before the binary format wrote (JSON of the same records) until {@link
   * #upgrade}, then what this release writes; reads with this release's serde throughout, counting
   * the values it reads in the earlier format after the upgrade. (The driver wipes its state
   * directory on close, so the upgrade happens in one driver.)
   */
  private static final class Upgrading<T> implements Serde<T> {
    private final Serde<T> earlier;
    private final Serde<T> current;
    private final int[] legacyReadsAfterUpgrade;
    private final boolean[] upgraded;

    Upgrading(Class<T> type, Serde<T> current, boolean[] upgraded, int[] legacyReads) {
      this.earlier = new JsonSerde<>(type);
      this.current = current;
      this.upgraded = upgraded;
      this.legacyReadsAfterUpgrade = legacyReads;
    }

    @Override
    public Serializer<T> serializer() {
      return (topic, value) ->
          (upgraded[0] ? current : earlier).serializer().serialize(topic, value);
    }

    @Override
    public Deserializer<T> deserializer() {
      return (topic, bytes) -> {
        if (upgraded[0] && bytes != null && bytes.length > 0 && bytes[0] == '{') {
          legacyReadsAfterUpgrade[0]++;
        }
        return current.deserializer().deserialize(topic, bytes);
      };
    }
  }

  @Test
  void shouldContinueCountingExactlyOnStateAnEarlierReleaseWroteInJson() {
    boolean[] upgraded = {false};
    int[] legacyReads = {0};
    WeatherTopology.StateSerdes current = WeatherTopology.StateSerdes.CURRENT;
    driver.close();
    newDriver(
        new WeatherTopology.StateSerdes(
            new Upgrading<>(Tally.class, current.tally(), upgraded, legacyReads),
            new Upgrading<>(Aggregate.class, current.window(), upgraded, legacyReads),
            new Upgrading<>(MunicipalityAggregate.class, current.regroup(), upgraded, legacyReads),
            new Upgrading<>(Overview.class, current.overview(), upgraded, legacyReads)));
    send(tweet("mixco").id("m1").at(T0.plusSeconds(1)).temperature(10).humidity(40));
    send(tweet("mixco").id("m2").at(T0.plusSeconds(2)).temperature(20).humidity(60));
    send(tweet("guatemala").id("g1").at(T0.plusSeconds(3)).temperature(-4).humidity(90));
    assertThat(sink.lastOverview().tweetsTotal()).isEqualTo(3);

    upgraded[0] = true; // from here on, this release's format is written
    send(tweet("mixco").id("m3").at(T0.plusSeconds(4)).temperature(30).humidity(50));
    send(tweet("mixco").id("m1").at(T0.plusSeconds(1)).temperature(10).humidity(40)); // a retry
    send(tweet("guatemala").id("g2").at(T0.plusSeconds(5)).temperature(6).humidity(70));
    send(tweet("amatitlan").id("a1").at(T0.plusSeconds(6)).temperature(25).humidity(55));

    assertThat(legacyReads[0])
        .as("values read in the earlier format after the upgrade")
        .isPositive();
    assertThat(allTimeInStore("mixco").figures())
        .isEqualTo(new Aggregate(3, 60, 10, 30, 150, 3, 0, 0, 0, 0));
    assertThat(allTimeInStore("guatemala").figures())
        .isEqualTo(new Aggregate(2, 2, -4, 6, 160, 2, 0, 0, 0, 0));
    assertThat(windowInStore("mixco", T0).count()).isEqualTo(3);
    assertThat(windowInStore("mixco", T0).temperatureSum()).isEqualTo(60);
    assertThat(windowInStore("guatemala", T0).count()).isEqualTo(2);
    assertThat(counter("weather.tweets.duplicates")).isEqualTo(1);
    Overview overview = sink.lastOverview();
    assertThat(overview.tweetsTotal()).isEqualTo(6);
    assertThat(overview.panelHashes(StoreLayout.DEFAULT).get("weather:reports"))
        .isEqualTo(Map.of("mixco", "3", "guatemala", "2", "amatitlan", "1"));

    // The window that was open across the upgrade closes with its complete figures, once.
    send(tweet("mixco").id("m4").at(T0.plusSeconds(200)).temperature(1));
    assertThat(sink.series.get(Municipality.MIXCO)).containsOnlyKeys(T0.toEpochMilli());
    assertThat(sink.series.get(Municipality.MIXCO).get(T0.toEpochMilli()).count()).isEqualTo(3);
  }
}
