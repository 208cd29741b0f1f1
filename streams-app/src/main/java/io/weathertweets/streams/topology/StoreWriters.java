package io.weathertweets.streams.topology;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The processors at the end of each branch. They write synchronously: when the store throws, the
 * exception fails the task and exactly-once replays it, so nothing is skipped. With the record
 * cache on, they see one update per key per commit, so store operations grow with active keys, not
 * with tweets.
 */
final class StoreWriters {
  private StoreWriters() {}

  private static Municipality municipality(String key) {
    return Municipality.parse(key)
        .orElseThrow(() -> new IllegalStateException("unknown municipality key " + key));
  }

  /** All-time aggregate → municipality hash, and on to the output topic. */
  static ProcessorSupplier<String, Tally, String, AggregateRecord> allTime(
      StoreSink sink, PipelineMetrics metrics, Clock clock) {
    return () ->
        new ContextualProcessor<>() {
          @Override
          public void process(Record<String, Tally> record) {
            Municipality m = municipality(record.key());
            Tally tally = record.value();
            Aggregate a = tally.aggregate();
            sink.writeAllTime(m, a);
            if (tally.lastAcceptedMs() > 0) {
              // One sample per coalesced update: its newest tweet. The older tweets of the same
              // update waited up to one commit interval longer, so a tweet's freshness is at most
              // this sample plus commit.interval.ms.
              metrics.endToEnd(Duration.ofMillis(clock.millis() - tally.lastAcceptedMs()));
            }
            context()
                .forward(
                    record.withValue(
                        new AggregateRecord(m.id(), null, null, a.lastEventMs(), a.toFields())));
          }
        };
  }

  /** Window aggregate (open or just closed) → window hash, and on to the output topic. */
  static ProcessorSupplier<Windowed<String>, Aggregate, String, AggregateRecord> window(
      StoreSink sink) {
    return () ->
        new ContextualProcessor<>() {
          @Override
          public void process(Record<Windowed<String>, Aggregate> record) {
            Municipality m = municipality(record.key().key());
            long start = record.key().window().start();
            Aggregate a = record.value();
            sink.writeWindow(m, start, a);
            context()
                .forward(
                    record
                        .withKey(Topics.windowKey(m.id(), start))
                        .withValue(
                            new AggregateRecord(
                                m.id(),
                                start,
                                record.key().window().end(),
                                a.lastEventMs(),
                                a.toFields())));
          }
        };
  }

  /** Final result of a closed window → one entry of the municipality's series. */
  static ProcessorSupplier<Windowed<String>, Aggregate, Void, Void> series(StoreSink sink) {
    return () ->
        new Processor<>() {
          @Override
          public void process(Record<Windowed<String>, Aggregate> record) {
            sink.appendSeries(
                municipality(record.key().key()), record.key().window().start(), record.value());
          }
        };
  }

  /** Overview of all municipalities → panel hashes and meta. */
  static ProcessorSupplier<String, Overview, Void, Void> overview(StoreSink sink) {
    return () ->
        new Processor<>() {
          @Override
          public void process(Record<String, Overview> record) {
            if (record.value() != null) {
              sink.writeOverview(record.value());
            }
          }
        };
  }
}
