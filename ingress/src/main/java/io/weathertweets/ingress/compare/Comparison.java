package io.weathertweets.ingress.compare;

import io.weathertweets.aggregates.ConsumerReport;
import java.util.List;
import java.util.Map;

/**
 * Redis (Kafka Streams path) against Valkey (RabbitMQ path). {@code verdict} is {@code equal} when every
 * figure matches, {@code different} otherwise, {@code unavailable} when a store could not be read.
 */
record Comparison(
    String verdict,
    long checkedAt,
    PathSummary kafka,
    PathSummary rabbit,
    List<Difference> differences,
    Map<String, Map<String, Map<String, String>>> municipalities,
    WindowComparison window) {

  /**
   * What one path reports about itself: latencies from the path's own meta hash, lag and stall from its
   * consumer's report ({@code consumer} is {@code null} when that consumer has written none).
   */
  record PathSummary(String store, boolean reachable, String error, Long tweetsTotal, Long lastEventAt,
      Double e2eP50Ms, Double e2eP99Ms, ConsumerReport.View consumer) {}

  /** One figure that differs: where ({@code key}, {@code field}) and both values ({@code null} = absent). */
  record Difference(String key, String field, String redis, String valkey) {}

  /** The same comparison for one window start, per municipality. */
  record WindowComparison(long windowStart, Map<String, Map<String, Map<String, String>>> municipalities,
      List<Difference> differences) {}
}
