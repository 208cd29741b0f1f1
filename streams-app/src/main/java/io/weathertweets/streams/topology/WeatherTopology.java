package io.weathertweets.streams.topology;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.EventTimeRule;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.proto.v1.Tweet;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The Kafka path of Weather Tweets, as a pure function of its settings.
 *
 * <p>Tweets are read from {@code weather-tweets} (key = municipality, value = v1 Tweet protobuf,
 * event time = the tweet's {@code event_time_ms}). Records that do not decode or break the tweet
 * rules go to {@code weather-tweets-dlq}, event times ahead of acceptance included. Each
 * (municipality, id) is let through once within the de-duplication horizon, and lateness is decided
 * against the municipality's durable stream time ({@link DedupProcessor}); late tweets skip the
 * windows. The tweets, grouped by municipality, feed
 *
 * <ol>
 *   <li>an all-time aggregate ({@code all-time-store}), written to the municipality hash and to the
 *       compacted topic {@code weather-aggregates} under key {@code mixco};
 *   <li>a tumbling-window aggregate ({@code window-store}): every update of a window goes to its
 *       window hash and to {@code weather-aggregates} under key {@code mixco@windowStartMs}; once
 *       the grace period has passed, the window's final result is appended to the municipality's
 *       series stream;
 *   <li>an overview: the all-time table re-grouped to one key ({@code overview-store}) from which
 *       every cross-municipality figure (bar-chart hashes, conditions, extremes, meta) is derived.
 * </ol>
 *
 * Every figure written to the store is derived from complete state, so replays after a crash
 * overwrite with the same values instead of counting twice. The aggregate state (stores,
 * changelogs, suppression buffer, overview repartition topic) is in {@link BinarySerde}'s compact
 * versioned format, which also reads the JSON state of earlier releases; only the output topic is
 * JSON.
 */
public final class WeatherTopology {
  static final String ALL_TIME_STORE = "all-time-store";
  static final String WINDOW_STORE = "window-store";
  static final String OVERVIEW_STORE = "overview-store";
  static final String OVERVIEW_REGROUP = "overview-regroup";
  static final String OVERVIEW_KEY = "all";

  /**
   * What the topology depends on; the window is declared here once and everything derives from it.
   */
  public record Settings(WindowSpec window, Duration dedupHorizon, EventTimeRule time) {
    public static final Settings DEFAULT = new Settings(WindowSpec.DEFAULT, Duration.ofHours(1));

    public Settings(WindowSpec window, Duration dedupHorizon) {
      this(window, dedupHorizon, EventTimeRule.DEFAULT);
    }
  }

  /**
   * The serdes of the aggregate state: the all-time store, the window store (and the suppression
   * buffer behind it), the overview's repartition topic and the overview store. Always {@link
   * #CURRENT} in the application; tests build an earlier release's topology with the serdes it had.
   */
  record StateSerdes(
      Serde<Tally> tally,
      Serde<Aggregate> window,
      Serde<MunicipalityAggregate> regroup,
      Serde<Overview> overview) {
    static final StateSerdes CURRENT =
        new StateSerdes(
            BinarySerde.TALLY.forStore(ALL_TIME_STORE),
            BinarySerde.AGGREGATE.forStore(WINDOW_STORE),
            BinarySerde.MUNICIPALITY_AGGREGATE.forStore(OVERVIEW_REGROUP),
            BinarySerde.OVERVIEW.forStore(OVERVIEW_STORE));
  }

  private WeatherTopology() {}

  public static Topology build(
      Settings settings, StoreSink sink, PipelineMetrics metrics, Clock clock) {
    return build(settings, sink, metrics, clock, StateSerdes.CURRENT);
  }

  static Topology build(
      Settings settings, StoreSink sink, PipelineMetrics metrics, Clock clock, StateSerdes state) {
    StreamsBuilder builder = new StreamsBuilder();
    define(builder, settings, sink, metrics, clock, state);
    return builder.build();
  }

  /** Adds the topology to {@code builder} (the form Spring's StreamsBuilderFactoryBean needs). */
  public static KStream<String, Tweet> define(
      StreamsBuilder builder,
      Settings settings,
      StoreSink sink,
      PipelineMetrics metrics,
      Clock clock) {
    return define(builder, settings, sink, metrics, clock, StateSerdes.CURRENT);
  }

  private static KStream<String, Tweet> define(
      StreamsBuilder builder,
      Settings settings,
      StoreSink sink,
      PipelineMetrics metrics,
      Clock clock,
      StateSerdes state) {
    Serde<Tweet> tweetSerde = Topics.TWEETS.valueSerde();
    WindowSpec window = settings.window();

    // The deserializer dead-letters what breaks the rules, event times ahead of acceptance
    // included, so that no
    // record can move stream time into the future.
    KStream<String, Tweet> source =
        builder.stream(
            Topics.TWEETS.name(),
            Consumed.with(Topics.TWEETS.keySerde(), new TweetSerde(settings.time()))
                .withTimestampExtractor(new TweetTimestampExtractor())
                .withName("weather-tweets-source"));
    KStream<String, Tweet> counted =
        source.processValues(
            new DedupProcessor(window, settings.dedupHorizon(), metrics), Named.as("dedup"));
    KGroupedStream<String, Tweet> byMunicipality =
        counted.groupByKey(Grouped.with("tweets-by-municipality", Serdes.String(), tweetSerde));
    // Only tweets whose window is still open by the durable per-municipality stream time reach the
    // windows; the window aggregate's own (in-memory) stream time starts afresh after a restart and
    // must not decide.
    KGroupedStream<String, Tweet> onTime =
        counted
            .processValues(OnTimeFilter::new, Named.as("on-time"))
            .groupByKey(Grouped.with("on-time-by-municipality", Serdes.String(), tweetSerde));

    KTable<String, Tally> allTime =
        byMunicipality.aggregate(
            () -> Tally.EMPTY,
            (m, tweet, tally) -> tally.plus(tweet),
            Named.as("all-time-aggregate"),
            Materialized.<String, Tally, KeyValueStore<Bytes, byte[]>>as(ALL_TIME_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(state.tally()));
    allTime
        .toStream(Named.as("all-time-updates"))
        .process(StoreWriters.allTime(sink, metrics, clock), Named.as("all-time-writer"))
        .to(Topics.AGGREGATES.name(), Topics.AGGREGATES.produced().withName("all-time-output"));

    KTable<Windowed<String>, Aggregate> windows =
        onTime
            .windowedBy(TimeWindows.ofSizeAndGrace(window.size(), window.grace()))
            .aggregate(
                () -> Aggregate.EMPTY,
                (m, tweet, aggregate) -> aggregate.plus(tweet),
                Named.as("window-aggregate"),
                Materialized.<String, Aggregate, WindowStore<Bytes, byte[]>>as(WINDOW_STORE)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(state.window()));
    windows
        .toStream(Named.as("window-updates"))
        .process(StoreWriters.window(sink), Named.as("window-writer"))
        .to(Topics.AGGREGATES.name(), Topics.AGGREGATES.produced().withName("window-output"));
    windows
        .suppress(
            Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())
                .withName("window-final"))
        .toStream(Named.as("closed-windows"))
        .process(StoreWriters.series(sink), Named.as("series-writer"));

    allTime
        .groupBy(
            (m, tally) ->
                KeyValue.pair(
                    OVERVIEW_KEY, new MunicipalityAggregate(municipality(m), tally.aggregate())),
            Grouped.with(OVERVIEW_REGROUP, Serdes.String(), state.regroup()))
        .aggregate(
            Overview::empty,
            (key, update, overview) -> overview.with(update.municipality(), update.aggregate()),
            // Order-proof: only remove what is still the current value (an adder may have run
            // first).
            (key, old, overview) ->
                old.aggregate().equals(overview.byMunicipality().get(old.municipality()))
                    ? overview.without(old.municipality())
                    : overview,
            Named.as("overview-aggregate"),
            Materialized.<String, Overview, KeyValueStore<Bytes, byte[]>>as(OVERVIEW_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(state.overview()))
        .toStream(Named.as("overview-updates"))
        .process(StoreWriters.overview(sink), Named.as("overview-writer"));
    return source;
  }

  /**
   * The streams configuration the topology's correctness depends on (error handling and dead
   * letters); the runner adds connection, exactly-once and caching settings on top.
   */
  public static Map<String, Object> requiredConfig(PipelineMetrics metrics) {
    Map<String, Object> config = new HashMap<>();
    config.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
    config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, InvalidRecordHandler.class);
    config.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DLQ.name());
    config.put(DeadLetterHandler.METRICS_CONFIG, metrics);
    return config;
  }

  /** Passes tweets still in time for their window; {@link DedupProcessor} marked the others. */
  private static final class OnTimeFilter implements FixedKeyProcessor<String, Tweet, Tweet> {
    private FixedKeyProcessorContext<String, Tweet> context;

    @Override
    public void init(FixedKeyProcessorContext<String, Tweet> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, Tweet> record) {
      if (!DedupProcessor.isLate(record)) {
        context.forward(record);
      }
    }
  }

  private static Municipality municipality(String key) {
    return Municipality.parse(key)
        .orElseThrow(() -> new IllegalStateException("unknown municipality key " + key));
  }

  /** Names of the stores, for interactive queries. */
  public static String allTimeStore() {
    return ALL_TIME_STORE;
  }

  public static String windowStore() {
    return WINDOW_STORE;
  }
}
