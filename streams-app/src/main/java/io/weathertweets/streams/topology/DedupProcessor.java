package io.weathertweets.streams.topology;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Lets each tweet id through once within the horizon (a producer retry or a client resending the same id
 * is counted once), checks that the key is the tweet's municipality, and counts tweets too late for their
 * window. Lateness is judged exactly as the window aggregate downstream judges it: against the largest
 * event time this processor instance has forwarded (which, like the aggregate's own, starts afresh when
 * the task is re-created).
 */
final class DedupProcessor implements FixedKeyProcessorSupplier<String, Tweet, Tweet> {
  static final String STORE = "dedup-store";

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
    // Changelogged like the aggregates, so "seen" and "counted" commit in the same transaction.
    return Set.of(Stores.windowStoreBuilder(
            Stores.persistentWindowStore(STORE, horizon.multipliedBy(2), horizon, false),
            Serdes.String(), Serdes.Long())
        .withCachingDisabled());
  }

  @Override
  public FixedKeyProcessor<String, Tweet, Tweet> get() {
    return new FixedKeyProcessor<>() {
      private FixedKeyProcessorContext<String, Tweet> context;
      private WindowStore<String, Long> seen;
      private long observedStreamTime = Long.MIN_VALUE;

      @Override
      public void init(FixedKeyProcessorContext<String, Tweet> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
      }

      @Override
      public void process(FixedKeyRecord<String, Tweet> record) {
        Tweet tweet = record.value();
        String municipality = Municipality.fromProto(tweet.getMunicipality()).id();
        if (!municipality.equals(record.key())) {
          throw new KeyMismatchException(record.key(), tweet.getId(), municipality);
        }
        long eventMs = record.timestamp();
        long horizonMs = horizon.toMillis();
        try (WindowStoreIterator<Long> earlier = seen.fetch(tweet.getId(), eventMs - horizonMs, eventMs + horizonMs)) {
          if (earlier.hasNext()) {
            metrics.duplicate();
            return;
          }
        }
        seen.put(tweet.getId(), eventMs, eventMs);
        observedStreamTime = Math.max(observedStreamTime, eventMs);
        if (window.isClosed(window.windowStart(eventMs), observedStreamTime)) {
          metrics.late();
        }
        metrics.processed();
        context.forward(record);
      }
    };
  }
}
