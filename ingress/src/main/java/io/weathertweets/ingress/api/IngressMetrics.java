package io.weathertweets.ingress.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.Meters;
import io.weathertweets.aggregates.TweetPath;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The ingress's own counters; gateway latency is timed by the forwarder ({@code
 * weather.forward.latency}).
 */
@Component
class IngressMetrics {
  private final MeterRegistry registry;
  private final Map<TweetPath, Counter> accepted = new EnumMap<>(TweetPath.class);

  IngressMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (TweetPath path : TweetPath.values()) {
      accepted.put(
          path,
          Counter.builder(Meters.TWEETS_ACCEPTED)
              .description("Tweets acknowledged by a path's gateway and answered 202")
              .tag(Meters.PATH, path.id())
              .register(registry));
    }
  }

  /**
   * Tweets answered 202, counted once per path they were acknowledged on (under fanout each tweet
   * counts on both paths, which makes the figure comparable with {@code
   * weather.tweets.processed{path}}).
   */
  void accepted(List<TweetPath> paths, int tweets) {
    for (TweetPath path : paths) {
      accepted.get(path).increment(tweets);
    }
  }

  /**
   * Tweets refused; {@code reason}: invalid, malformed, too_large, unsupported_media_type,
   * unavailable, ...
   */
  void rejected(String reason, int tweets) {
    Counter.builder(Meters.TWEETS_REJECTED)
        .description(
            "Tweets refused by the ingress (1 per request whose body could not be read as tweets)")
        .tag(Meters.REASON, reason)
        .register(registry)
        .increment(tweets);
  }
}
