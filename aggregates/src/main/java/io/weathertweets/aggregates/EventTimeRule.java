package io.weathertweets.aggregates;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When a tweet may say it was observed. An event time is accepted when it lies between {@link
 * #EARLIEST} (2000-01-01T00:00:00Z) and the receiver's clock plus {@link #maxAhead()} (default 5
 * minutes, for a client whose clock runs a little fast). Anything further ahead would move stream
 * time into the future and close every window of the municipality early; the edges (ingress,
 * gateways) refuse it with a 400 / {@code INVALID_ARGUMENT}, and the consumers dead-letter it,
 * judged against the tweet's {@code accepted_at_ms}, so a record that reached a broker by another
 * route cannot stop or skew a pipeline either.
 *
 * <p>A tweet forwarded by the ingress is judged by each gateway as the ingress judged it: its event
 * time against its {@code accepted_at_ms} (the ingress's clock when it received the tweet) when
 * that is later than the gateway's own clock, by at most {@link #CLOCK_SKEW}. Otherwise a gateway
 * whose clock lags the ingress's would refuse a tweet near the edge that the other gateway took,
 * and under fan-out the tweet would be counted on one path only. A sender that stamps {@code
 * accepted_at_ms} itself gains at most {@link #CLOCK_SKEW} beyond {@link #maxAhead()}.
 *
 * <p>Old tweets are valid: they count in the all-time figures, and in their window only while it is
 * open.
 */
public record EventTimeRule(Duration maxAhead) {
  /** 2000-01-01T00:00:00Z: nothing this system measures was observed earlier. */
  public static final long EARLIEST_MS = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

  public static final Instant EARLIEST = Instant.ofEpochMilli(EARLIEST_MS);
  public static final EventTimeRule DEFAULT = new EventTimeRule(Duration.ofMinutes(5));

  /**
   * How far the sender's acceptance time may run ahead of the receiver's clock and still be what
   * the event time is judged against; well above the skew of clocks kept by NTP.
   */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  public EventTimeRule {
    if (maxAhead.isNegative()) {
      throw new IllegalArgumentException(
          "weather.time.max-ahead must not be negative, was " + maxAhead);
    }
  }

  /**
   * The problems of {@code eventMs} (and of {@code acceptedMs}, when set) against {@code
   * referenceMs}, the receiver's clock: empty when both are acceptable. The event time is judged
   * against {@code acceptedMs} instead when that is later, by at most {@link #CLOCK_SKEW}.
   */
  public List<TweetRules.Violation> violations(long eventMs, long acceptedMs, long referenceMs) {
    List<TweetRules.Violation> problems = new ArrayList<>(2);
    long latest = referenceMs + maxAhead.toMillis();
    long eventReference =
        Math.max(referenceMs, Math.min(acceptedMs, referenceMs + CLOCK_SKEW.toMillis()));
    if (eventMs < EARLIEST_MS) {
      problems.add(
          new TweetRules.Violation(TweetRules.EVENT_TIME, "must not be before " + EARLIEST));
    } else if (eventMs > eventReference + maxAhead.toMillis()) {
      problems.add(
          new TweetRules.Violation(
              TweetRules.EVENT_TIME,
              "must not be more than "
                  + maxAhead.toSeconds()
                  + " s ahead of the receiver's clock ("
                  + Instant.ofEpochMilli(eventReference)
                  + "); check the client's clock"));
    }
    if (acceptedMs != 0 && (acceptedMs < EARLIEST_MS || acceptedMs > latest)) {
      problems.add(
          new TweetRules.Violation(
              "accepted_at_ms",
              "must be the time a gateway accepted the tweet, "
                  + "not before "
                  + EARLIEST
                  + " nor ahead of the receiver's clock"));
    }
    return problems;
  }
}
