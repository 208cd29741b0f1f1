package io.weathertweets.aggregates;

import java.util.Map;
import java.util.Optional;

/**
 * What a path's consumer says about itself, written every few seconds into its own store ({@link
 * StoreLayout#consumer()}) so that whoever reads the figures also learns how far behind they are:
 * the ingress's {@code /api/compare} and live page, {@code loadgen --verify}, Grafana.
 *
 * @param consumer the service that wrote it ({@code streams-app}, {@code rabbit-bridge})
 * @param reportedAtMs when it was written (the reader's clock judges its age)
 * @param lag tweets waiting for this consumer; -1 when the broker could not be asked
 * @param idleSeconds seconds since the consumer last consumed a tweet
 * @param stalled why the consumer counts as stalled ({@link StallCheck}), empty when it does not
 * @param oldestWaitSeconds how long the oldest tweet waiting for this consumer has waited since it
 *     was accepted ({@link OldestWait}); -1 when not measured
 */
public record ConsumerReport(
    String consumer,
    long reportedAtMs,
    long lag,
    long idleSeconds,
    String stalled,
    long oldestWaitSeconds) {

  public ConsumerReport {
    stalled = stalled == null ? "" : stalled;
  }

  /** A report without the age of the oldest waiting tweet. */
  public ConsumerReport(
      String consumer, long reportedAtMs, long lag, long idleSeconds, String stalled) {
    this(consumer, reportedAtMs, lag, idleSeconds, stalled, -1);
  }

  /** The hash fields, all plain strings. */
  public Map<String, String> toFields() {
    return Map.of(
        "consumer",
        consumer,
        "reported_at",
        Long.toString(reportedAtMs),
        "lag",
        Long.toString(lag),
        "idle_seconds",
        Long.toString(idleSeconds),
        "stalled",
        stalled,
        "oldest_wait_seconds",
        Long.toString(oldestWaitSeconds));
  }

  /** The report in {@code fields}, or empty when there is none or it cannot be read. */
  public static Optional<ConsumerReport> fromFields(Map<String, String> fields) {
    if (fields == null || !fields.containsKey("reported_at")) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ConsumerReport(
              fields.getOrDefault("consumer", "consumer"),
              Long.parseLong(fields.get("reported_at")),
              Long.parseLong(fields.getOrDefault("lag", "-1")),
              Long.parseLong(fields.getOrDefault("idle_seconds", "0")),
              fields.get("stalled"),
              Long.parseLong(fields.getOrDefault("oldest_wait_seconds", "-1"))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** A report, as a reader sees it at {@code nowMs}, in words and figures. */
  public View view(long nowMs, long staleAfterMs) {
    long age = Math.max(0, nowMs - reportedAtMs) / 1000;
    String stall;
    String summary;
    if (age * 1000 > staleAfterMs) {
      stall =
          String.format(
              "no report from the %s for %d s: is it running, and can it reach its store?",
              consumer, age);
      summary = stall;
    } else if (!stalled.isEmpty()) {
      stall = stalled;
      summary =
          String.format(
              "stopped: %,d tweets behind%s, nothing processed for %d s",
              lag, oldestWait(), idleSeconds);
    } else {
      stall = null;
      if (lag < 0) {
        summary =
            "lag unknown (its broker cannot be asked)"
                + oldestWait()
                + ", last tweet processed "
                + idleSeconds
                + " s ago";
      } else if (lag == 0) {
        summary = "caught up";
      } else {
        summary =
            String.format("%,d tweets behind", lag)
                + oldestWait()
                + (idleSeconds >= 5 ? ", nothing processed for " + idleSeconds + " s" : "");
      }
    }
    return new View(
        consumer,
        lag < 0 ? null : lag,
        idleSeconds,
        oldestWaitSeconds < 0 ? null : oldestWaitSeconds,
        age,
        stall,
        summary);
  }

  private String oldestWait() {
    return oldestWaitSeconds < 0 ? "" : ", the oldest waiting " + oldestWaitSeconds + " s";
  }

  /**
   * @param lag tweets behind, {@code null} when unknown
   * @param oldestWaitSeconds how long the oldest waiting tweet has waited, {@code null} when not
   *     measured
   * @param reportAgeSeconds how old the report was when read
   * @param stalled why the path counts as stopped, {@code null} while it does not
   * @param summary one line for a person: "1,204 tweets behind, the oldest waiting 61 s, nothing
   *     processed for 52 s", "caught up"
   */
  public record View(
      String consumer,
      Long lag,
      long idleSeconds,
      Long oldestWaitSeconds,
      long reportAgeSeconds,
      String stalled,
      String summary) {}
}
