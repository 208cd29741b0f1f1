package io.weathertweets.streams.topology;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.proto.v1.Tweet;

/**
 * The all-time aggregate of one municipality plus the newest accepted-at time among its tweets. The
 * latter exists only to measure end-to-end latency when the coalesced aggregate reaches the store.
 */
public record Tally(Aggregate aggregate, long lastAcceptedMs) {

  static final Tally EMPTY = new Tally(Aggregate.EMPTY, 0);

  Tally plus(Tweet tweet) {
    return new Tally(aggregate.plus(tweet), Math.max(lastAcceptedMs, tweet.getAcceptedAtMs()));
  }
}
