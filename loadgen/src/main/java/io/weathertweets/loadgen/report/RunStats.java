package io.weathertweets.loadgen.report;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.loadgen.send.Outcome;
import io.weathertweets.loadgen.tweets.LoadTweet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Counters and the latency histogram, written by every sender thread, read by the progress bar and
 * report.
 */
public final class RunStats {
  /**
   * Latencies are recorded in microseconds, up to one hour, with three significant digits (0.1 %).
   */
  private static final long HIGHEST_TRACKABLE_MICROS = TimeUnit.HOURS.toMicros(1);

  private final LongAdder sent = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Map<String, LongAdder> rejectedBy = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> failedBy = new ConcurrentHashMap<>();
  private final AtomicLongArray acceptedByMunicipality =
      new AtomicLongArray(Municipality.values().length);
  private final Histogram latencyMicros = new ConcurrentHistogram(1, HIGHEST_TRACKABLE_MICROS, 3);

  /**
   * Records one request's answer for every tweet it carried and its latency (one value per
   * request).
   */
  public void record(Outcome outcome, List<LoadTweet> tweets, long latencyNanos) {
    int n = tweets.size();
    sent.add(n);
    switch (outcome.kind()) {
      case ACCEPTED -> {
        accepted.add(n);
        for (LoadTweet tweet : tweets) {
          Optional<Municipality> m = tweet.municipality();
          m.ifPresent(
              municipality -> acceptedByMunicipality.incrementAndGet(municipality.ordinal()));
        }
      }
      case REJECTED -> {
        rejected.add(n);
        rejectedBy.computeIfAbsent(outcome.reason(), k -> new LongAdder()).add(n);
      }
      case FAILED -> {
        failed.add(n);
        failedBy.computeIfAbsent(outcome.reason(), k -> new LongAdder()).add(n);
      }
    }
    latencyMicros.recordValue(
        Math.clamp(TimeUnit.NANOSECONDS.toMicros(latencyNanos), 1, HIGHEST_TRACKABLE_MICROS));
  }

  public long sent() {
    return sent.sum();
  }

  public long accepted() {
    return accepted.sum();
  }

  public long rejected() {
    return rejected.sum();
  }

  public long failed() {
    return failed.sum();
  }

  public Map<String, Long> rejectedBy() {
    return snapshot(rejectedBy);
  }

  public Map<String, Long> failedBy() {
    return snapshot(failedBy);
  }

  /** Accepted tweets per municipality (every municipality present, 0 when none was accepted). */
  public Map<Municipality, Long> acceptedByMunicipality() {
    Map<Municipality, Long> result = new EnumMap<>(Municipality.class);
    for (Municipality m : Municipality.values()) {
      result.put(m, acceptedByMunicipality.get(m.ordinal()));
    }
    return result;
  }

  public Histogram latencyMicros() {
    return latencyMicros.copy();
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
    Map<String, Long> result = new TreeMap<>();
    counters.forEach((k, v) -> result.put(k, v.sum()));
    return result;
  }
}
