package io.weathertweets.streams.topology;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Decides, once and durably, whether a tweet counts and whether it is too late for its window — the
 * same rules as the RabbitMQ path's script, so that both paths hold the same figures:
 *
 * <ul>
 *   <li><b>Identity</b>: a tweet is its municipality and its id. A second tweet with a known
 *       (municipality, id) within the horizon is a duplicate, whatever its other fields. The
 *       horizon is measured in the time the tweets were accepted ({@code accepted_at_ms}), a wall
 *       clock, not in event time: a retry of an old tweet is still recognised, and one skewed event
 *       time cannot switch de-duplication off.
 *   <li><b>Lateness</b>: each municipality has its own stream time, the largest event time of its
 *       counted tweets, kept in a changelogged store ({@code stream-time-store}). A restart, a
 *       rebalance or state rebuilt from the changelog therefore never re-opens a closed window. A
 *       late tweet still counts in the all-time figures; it is forwarded with header {@value
 *       #LATE_HEADER} and kept out of the windows.
 * </ul>
 *
 * Both stores are changelogged like the aggregates, so "seen", "stream time" and "counted" commit
 * in one transaction. The key is also checked to be the tweet's municipality.
 */
final class DedupProcessor implements FixedKeyProcessorSupplier<String, Tweet, Tweet> {
  static final String STORE = "dedup-store";
  static final String STREAM_TIME_STORE = "stream-time-store";
  static final String LATE_HEADER = "weather-late";

  private final WindowSpec window;
  private final Duration horizon;
  private final PipelineMetrics metrics;

  DedupProcessor(WindowSpec window, Duration horizon, PipelineMetrics metrics) {
    this.window = window;
    this.horizon = horizon;
    this.metrics = metrics;
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.windowStoreBuilder(
                Stores.persistentWindowStore(STORE, horizon.multipliedBy(2), horizon, false),
                Serdes.String(),
                Serdes.Long())
            .withCachingDisabled(),
        // Cached: read and moved on nearly every tweet, written to its changelog once per key and
        // commit.
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STREAM_TIME_STORE), Serdes.String(), Serdes.Long())
            .withCachingEnabled());
  }

  static boolean isLate(FixedKeyRecord<String, Tweet> record) {
    return record.headers().lastHeader(LATE_HEADER) != null;
  }

  @Override
  public FixedKeyProcessor<String, Tweet, Tweet> get() {
    return new FixedKeyProcessor<>() {
      private FixedKeyProcessorContext<String, Tweet> context;
      private WindowStore<String, Long> seen;
      private KeyValueStore<String, Long> streamTimes;

      @Override
      public void init(FixedKeyProcessorContext<String, Tweet> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
        this.streamTimes = context.getStateStore(STREAM_TIME_STORE);
      }

      @Override
      public void process(FixedKeyRecord<String, Tweet> record) {
        Tweet tweet = record.value();
        String municipality = Municipality.fromProto(tweet.getMunicipality()).id();
        if (!municipality.equals(record.key())) {
          throw new KeyMismatchException(record.key(), tweet.getId(), municipality);
        }
        String identity = municipality + ":" + tweet.getId();
        long acceptedMs =
            tweet.getAcceptedAtMs() > 0 ? tweet.getAcceptedAtMs() : record.timestamp();
        long horizonMs = horizon.toMillis();
        try (WindowStoreIterator<Long> earlier =
            seen.fetch(identity, acceptedMs - horizonMs, acceptedMs + horizonMs)) {
          if (earlier.hasNext()) {
            metrics.duplicate();
            return;
          }
        }
        seen.put(identity, acceptedMs, acceptedMs);
        long eventMs = tweet.getEventTimeMs();
        Long before = streamTimes.get(municipality);
        long streamTime = before == null ? eventMs : Math.max(before, eventMs);
        if (before == null || streamTime != before) {
          streamTimes.put(municipality, streamTime);
        }
        metrics.processed();
        if (window.isClosed(window.windowStart(eventMs), streamTime)) {
          metrics.late();
          RecordHeaders headers = new RecordHeaders(record.headers().toArray());
          headers.add(LATE_HEADER, new byte[0]);
          context.forward(record.withHeaders(headers));
        } else {
          context.forward(record);
        }
      }
    };
  }
}
