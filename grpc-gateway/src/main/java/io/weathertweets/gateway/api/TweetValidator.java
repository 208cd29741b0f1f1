package io.weathertweets.gateway.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.EventTimeRule;
import io.weathertweets.aggregates.Meters;
import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.TweetRules;
import io.weathertweets.aggregates.TweetRules.Violation;
import io.weathertweets.gateway.GatewayProperties;
import io.weathertweets.proto.v1.Tweet;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Checks a whole request before anything of it is published (a batch is all-or-nothing) and counts
 * what it refuses in {@code weather.tweets.rejected}, tagged with the first offending field.
 */
@Component
class TweetValidator {
  private final int maxBatchSize;
  private final MeterRegistry meters;
  private final EventTimeRule time;
  private final Clock clock;

  @Autowired
  TweetValidator(GatewayProperties properties, MeterRegistry meters, PathSemantics semantics) {
    this(properties, meters, semantics.timeRule(), Clock.systemUTC());
  }

  TweetValidator(
      GatewayProperties properties, MeterRegistry meters, EventTimeRule time, Clock clock) {
    this.maxBatchSize = properties.maxBatchSize();
    this.meters = meters;
    this.time = time;
    this.clock = clock;
  }

  /** One tweet sent on its own (the course service): the message names the field only. */
  void requireValid(Tweet tweet) {
    List<Violation> problems = TweetRules.violations(tweet, clock.millis(), time);
    if (!problems.isEmpty()) {
      reject(problems.getFirst().field(), 1);
      throw new InvalidTweetException(joined(problems));
    }
  }

  /**
   * A batch: the message names the index of the first invalid tweet and its fields, e.g. {@code
   * tweets[3]: humidity: must be between 0 and 100}; {@code context} prefixes it (stream batches).
   */
  void requireValid(List<Tweet> tweets, String context) {
    if (tweets.isEmpty() || tweets.size() > maxBatchSize) {
      reject("batch_size", tweets.size());
      throw new InvalidTweetException(
          context + "tweets: a batch holds 1.." + maxBatchSize + " tweets, got " + tweets.size());
    }
    int firstInvalid = -1;
    List<Violation> firstProblems = List.of();
    int invalid = 0;
    long now = clock.millis();
    for (int i = 0; i < tweets.size(); i++) {
      List<Violation> problems = TweetRules.violations(tweets.get(i), now, time);
      if (!problems.isEmpty()) {
        invalid++;
        if (firstInvalid < 0) {
          firstInvalid = i;
          firstProblems = problems;
        }
      }
    }
    if (firstInvalid >= 0) {
      reject(firstProblems.getFirst().field(), tweets.size());
      String others = invalid > 1 ? " (and " + (invalid - 1) + " more invalid tweet(s))" : "";
      throw new InvalidTweetException(
          context + "tweets[" + firstInvalid + "]: " + joined(firstProblems) + others);
    }
  }

  private void reject(String reason, int tweets) {
    Counter.builder(Meters.TWEETS_REJECTED)
        .description("Tweets refused by the gateway")
        .tag(Meters.REASON, reason)
        .register(meters)
        .increment(Math.max(tweets, 1));
  }

  /** {@code field: reason; field: reason}. */
  private static String joined(List<Violation> problems) {
    return problems.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }
}
