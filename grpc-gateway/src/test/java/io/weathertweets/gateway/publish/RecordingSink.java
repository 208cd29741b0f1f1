package io.weathertweets.gateway.publish;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weathertweets.gateway.GatewayProperties;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A sink that acknowledges at once and keeps what it was given: lets tests see what would reach a
 * broker.
 */
public final class RecordingSink implements TweetSink {
  private final List<Tweet> received = new CopyOnWriteArrayList<>();

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public CompletableFuture<Void> send(Tweet tweet) {
    received.add(tweet);
    return CompletableFuture.completedFuture(null);
  }

  public List<Tweet> received() {
    return List.copyOf(received);
  }

  public void clear() {
    received.clear();
  }

  /** The production publisher on top of this sink. */
  public TweetPublisher publisher(GatewayProperties properties) {
    return new TweetPublisher(this, properties, new SimpleMeterRegistry());
  }

  public static GatewayProperties properties(int maxBatchSize) {
    return new GatewayProperties("kafka", maxBatchSize, Duration.ofSeconds(5));
  }
}
