package io.weathertweets.ingress.compare;

import com.fasterxml.jackson.annotation.JsonValue;
import io.weathertweets.aggregates.ConsumerReport;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Redis (Kafka Streams path) against Valkey (RabbitMQ path). */
record Comparison(
    Verdict verdict,
    long checkedAt,
    PathSummary kafka,
    PathSummary rabbit,
    List<Difference> differences,
    Map<String, Map<String, Map<String, String>>> municipalities,
    WindowComparison window) {

  /**
   * {@code equal} when every figure matches, {@code different} otherwise, {@code unavailable} when
   * a store could not be read (answered with 503).
   */
  enum Verdict {
    EQUAL,
    DIFFERENT,
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
      Map<String, Map<String, Map<String, String>>> municipalities,
      List<Difference> differences) {}
}
