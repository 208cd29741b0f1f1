package io.weathertweets.streams.topology;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;

/**
 * Where the topology materialises its aggregates (Redis in production). Every call carries complete
 * state and must be idempotent: after a crash Kafka Streams replays from the last commit and calls
 * again with the same or newer values. A call returns only once the write is durable in the store,
 * and throws if it never will be, so that exactly-once processing aborts and replays instead of
 * skipping the update.
 */
public interface StoreSink {

  /** Overwrites the all-time hash of {@code m}. */
  void writeAllTime(Municipality m, Aggregate aggregate);

  /**
   * Overwrites every cross-municipality hash (bar charts, conditions, extremes) and the meta hash.
   */
  void writeOverview(Overview overview);

  /**
   * Overwrites the hash of the (possibly still open) window of {@code m} starting at {@code
   * windowStartMs}.
   */
  void writeWindow(Municipality m, long windowStartMs, Aggregate aggregate);

  /**
   * Appends the closed window to the series of {@code m}; a no-op if that window is already there.
   */
  void appendSeries(Municipality m, long windowStartMs, Aggregate aggregate);
}
