package io.weathertweets.aggregates;

import java.time.Duration;
import java.util.LinkedHashMap;
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
 * @param semantics the window, dedup horizon and event-time rule the consumer runs with, so that a
 *     reader can tell two paths configured differently from two paths that disagree; {@code null}
 *     when the report does not say (written by a consumer that predates it)
 */
public record ConsumerReport(
    String consumer,
    long reportedAtMs,
    long lag,
    long idleSeconds,
    String stalled,
    long oldestWaitSeconds,
    PathSemantics semantics) {

  private static final String REPORTED_AT = "reported_at";
  private static final String WINDOW_SIZE = "window_size_ms";
  private static final String GRACE = "grace_ms";
  private static final String DEDUP_HORIZON = "dedup_horizon_ms";
  private static final String MAX_AHEAD = "max_ahead_ms";

  /**
   * The report time the semantics were written with: a consumer of a release that does not write
   * them leaves an earlier release's fields in the hash, and those are not what it runs with.
   */
  private static final String SEMANTICS_AT = "semantics_at";

  public ConsumerReport {
    stalled = stalled == null ? "" : stalled;
  }

  /** A report that does not say what semantics its consumer runs with. */
  public ConsumerReport(
      String consumer,
      long reportedAtMs,
      long lag,
      long idleSeconds,
      String stalled,
      long oldestWaitSeconds) {
    this(consumer, reportedAtMs, lag, idleSeconds, stalled, oldestWaitSeconds, null);
  }

  /** A report without the age of the oldest waiting tweet nor the semantics. */
  public ConsumerReport(
      String consumer, long reportedAtMs, long lag, long idleSeconds, String stalled) {
    this(consumer, reportedAtMs, lag, idleSeconds, stalled, -1);
  }

  /**
   * The hash fields, all plain strings; the semantics as {@code window_size_ms}, {@code grace_ms},
   * {@code dedup_horizon_ms} and {@code max_ahead_ms}.
   */
  public Map<String, String> toFields() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("consumer", consumer);
    fields.put(REPORTED_AT, Long.toString(reportedAtMs));
    fields.put("lag", Long.toString(lag));
    fields.put("idle_seconds", Long.toString(idleSeconds));
    fields.put("stalled", stalled);
    fields.put("oldest_wait_seconds", Long.toString(oldestWaitSeconds));
    if (semantics != null) {
      fields.put(WINDOW_SIZE, Long.toString(semantics.window().size().toMillis()));
      fields.put(GRACE, Long.toString(semantics.window().grace().toMillis()));
      fields.put(DEDUP_HORIZON, Long.toString(semantics.dedup().horizon().toMillis()));
      fields.put(MAX_AHEAD, Long.toString(semantics.time().maxAhead().toMillis()));
      fields.put(SEMANTICS_AT, Long.toString(reportedAtMs));
    }
    return fields;
  }

  /** The report in {@code fields}, or empty when there is none or it cannot be read. */
  public static Optional<ConsumerReport> fromFields(Map<String, String> fields) {
    if (fields == null || !fields.containsKey(REPORTED_AT)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new ConsumerReport(
              fields.getOrDefault("consumer", "consumer"),
              Long.parseLong(fields.get(REPORTED_AT)),
              Long.parseLong(fields.getOrDefault("lag", "-1")),
              Long.parseLong(fields.getOrDefault("idle_seconds", "0")),
              fields.get("stalled"),
              Long.parseLong(fields.getOrDefault("oldest_wait_seconds", "-1")),
              semantics(fields)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static PathSemantics semantics(Map<String, String> fields) {
    if (!fields.containsKey(WINDOW_SIZE)
        || !fields.containsKey(GRACE)
        || !fields.containsKey(DEDUP_HORIZON)
        || !fields.containsKey(MAX_AHEAD)
        || !fields.get(REPORTED_AT).equals(fields.get(SEMANTICS_AT))) {
      return null;
    }
    return new PathSemantics(
        new PathSemantics.Window(millis(fields, WINDOW_SIZE), millis(fields, GRACE)),
        new PathSemantics.Dedup(millis(fields, DEDUP_HORIZON)),
        new PathSemantics.Time(millis(fields, MAX_AHEAD)));
  }

  private static Duration millis(Map<String, String> fields, String field) {
    return Duration.ofMillis(Long.parseLong(fields.get(field)));
  }

  /**
   * A report, as a reader sees it at {@code nowMs}, in words and figures. A stale report's
   * semantics are unknown: its consumer may have been replaced since.
   */
  public View view(long nowMs, long staleAfterMs) {
    long age = Math.max(0, nowMs - reportedAtMs) / 1000;
    boolean stale = age * 1000 > staleAfterMs;
    String stall;
    String summary;
    if (stale) {
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
        summary,
        stale ? null : semantics);
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
   * @param semantics what the consumer runs with; {@code null} when its report does not say
   */
  public record View(
      String consumer,
      Long lag,
      long idleSeconds,
      Long oldestWaitSeconds,
      long reportAgeSeconds,
      String stalled,
      String summary,
      PathSemantics semantics) {}
}
