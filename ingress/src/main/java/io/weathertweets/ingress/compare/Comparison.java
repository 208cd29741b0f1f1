package io.weathertweets.ingress.compare;

import com.fasterxml.jackson.annotation.JsonValue;
import io.weathertweets.aggregates.ConsumerReport;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Redis (Kafka Streams path) against Valkey (RabbitMQ path).
 *
 * @param message the verdict in one line for a person: {@code the paths agree}, {@code 3 figures
 *     differ}, {@code configs differ: window size 60 s vs 120 s (Kafka path vs RabbitMQ path)},
 *     {@code valkey cannot be read}
 */
record Comparison(
    Verdict verdict,
    String message,
    long checkedAt,
    PathSummary kafka,
    PathSummary rabbit,
    List<Difference> differences,
    Map<String, PerStore<Map<String, String>>> municipalities,
    WindowComparison window) {

  /**
   * {@code equal} when every figure matches, {@code different} otherwise, {@code configs_differ}
   * when the two consumers report different semantics (window size or grace, dedup horizon,
   * max-ahead: their figures cannot agree, whatever they are), {@code unavailable} when a store
   * could not be read (answered with 503).
   */
  enum Verdict {
    EQUAL,
    DIFFERENT,
    CONFIGS_DIFFER,
    UNAVAILABLE;

    @JsonValue
    String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What one path reports about itself: latencies from the path's own meta hash, lag and stall from
   * its consumer's report ({@code consumer} is {@code null} when that consumer has written none).
   */
  record PathSummary(
      String store,
      boolean reachable,
      String error,
      Long tweetsTotal,
      Long lastEventAt,
      Double e2eP50Ms,
      Double e2eP99Ms,
      ConsumerReport.View consumer) {}

  /**
   * One figure that differs: where ({@code key}, {@code field}) and both values ({@code null} =
   * absent).
   */
  record Difference(String key, String field, String redis, String valkey) {}

  /** The same comparison for one window start, per municipality. */
  record WindowComparison(
      long windowStart,
      Map<String, PerStore<Map<String, String>>> municipalities,
      List<Difference> differences) {}
}
