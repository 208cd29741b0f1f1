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
 * <p>Old tweets are valid: they count in the all-time figures, and in their window only while it is
 * open.
 */
public record EventTimeRule(Duration maxAhead) {
  /** 2000-01-01T00:00:00Z: nothing this system measures was observed earlier. */
  public static final long EARLIEST_MS = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

  public static final Instant EARLIEST = Instant.ofEpochMilli(EARLIEST_MS);
  public static final EventTimeRule DEFAULT = new EventTimeRule(Duration.ofMinutes(5));

  public EventTimeRule {
    if (maxAhead.isNegative()) {
      throw new IllegalArgumentException(
          "weather.time.max-ahead must not be negative, was " + maxAhead);
    }
  }

  /**
   * The problems of {@code eventMs} (and of {@code acceptedMs}, when set) against {@code
   * referenceMs}: empty when both are acceptable.
   */
  public List<TweetRules.Violation> violations(long eventMs, long acceptedMs, long referenceMs) {
    List<TweetRules.Violation> problems = new ArrayList<>(2);
    long latest = referenceMs + maxAhead.toMillis();
    if (eventMs < EARLIEST_MS) {
      problems.add(
          new TweetRules.Violation(TweetRules.EVENT_TIME, "must not be before " + EARLIEST));
    } else if (eventMs > latest) {
      problems.add(
          new TweetRules.Violation(
              TweetRules.EVENT_TIME,
              "must not be more than "
                  + maxAhead.toSeconds()
                  + " s ahead of the receiver's clock ("
                  + Instant.ofEpochMilli(referenceMs)
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
