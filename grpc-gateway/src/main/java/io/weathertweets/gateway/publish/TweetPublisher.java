package io.weathertweets.gateway.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.weathertweets.aggregates.Meters;
import io.weathertweets.gateway.GatewayProperties;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Service;

/**
 * Publishes already validated tweets to this gateway's sink and tells when the broker acknowledged
 * all of them. All-or-nothing from the caller's view: if any tweet is not acknowledged the whole
 * request fails with {@link SinkUnavailableException}, even if some tweets did reach the broker (a
 * retry with the same ids is harmless, the aggregation paths count an id once).
 */
@Service
public class TweetPublisher {
  private final TweetSink sink;
  private final Duration ackTimeout;
  private final Counter published;
  private final Counter unavailable;
  private final Timer latency;

  TweetPublisher(TweetSink sink, GatewayProperties properties, MeterRegistry meters) {
    this.sink = sink;
    this.ackTimeout = properties.ackTimeout();
    this.published =
        Counter.builder("weather.tweets.published")
            .description("Tweets acknowledged by the gateway's broker")
            .tag("sink", sink.name())
            .register(meters);
    this.unavailable =
        Counter.builder(Meters.TWEETS_REJECTED)
            .description("Tweets refused by the gateway")
            .tag(Meters.REASON, "broker_unavailable")
            .register(meters);
    this.latency =
        Timer.builder("weather.publish.latency")
            .description(
                "From handing a call's tweets to the broker client until the broker acknowledged each")
            .tag("sink", sink.name())
            .publishPercentileHistogram()
            .register(meters);
  }

  /** {@code kafka} or {@code rabbit}. */
  public String sinkName() {
    return sink.name();
  }

  /**
   * Sends every tweet, then completes when all were acknowledged, or exceptionally with a {@link
   * SinkUnavailableException} once every send has settled (or {@code weather.gateway.ack-timeout}
   * passed) and at least one failed.
   */
  public CompletableFuture<Void> publish(List<Tweet> tweets) {
    long now = System.currentTimeMillis();
    List<Tweet> stamped = new ArrayList<>(tweets.size());
    for (Tweet given : tweets) {
      // A v1 client that talks to the gateway directly (not through the ingress) sends no
      // acceptance time:
      // this gateway is where the tweet was accepted, so end-to-end latency is measured from here.
      stamped.add(
          given.getAcceptedAtMs() > 0 ? given : given.toBuilder().setAcceptedAtMs(now).build());
    }
    long start = System.nanoTime();
    List<CompletableFuture<Void>> acks = sink.sendAll(stamped);
    for (CompletableFuture<Void> ack : acks) {
      ack.thenRun(
          () -> {
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            published.increment();
          });
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
        .orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (ok, failure) -> {
              if (failure == null) {
                return null;
              }
              unavailable.increment(tweets.size());
              throw asUnavailable(failure, tweets.size());
            });
  }

  private SinkUnavailableException asUnavailable(Throwable failure, int tweetCount) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof SinkUnavailableException unavailable) {
      return unavailable;
    }
    if (cause instanceof TimeoutException) {
      return new SinkUnavailableException(
          sink.name(),
          "the broker did not acknowledge "
              + tweetCount
              + " tweet(s) within "
              + ackTimeout.toMillis()
              + " ms",
          cause);
    }
    return new SinkUnavailableException(sink.name(), "publishing failed: " + cause, cause);
  }
}
