package io.weathertweets.gateway.publish;

import io.weathertweets.proto.v1.Tweet;
import java.util.concurrent.CompletableFuture;

/** One broker the gateway publishes to. Exactly one sink exists per gateway instance. */
interface TweetSink {

  /** {@code kafka} or {@code rabbit}: the {@code sink} tag of the meters and of {@code PublishResponse}. */
  String name();

  /**
   * Hands one (valid) tweet to the broker. The future completes when the broker acknowledged it, or
   * exceptionally with a {@link SinkUnavailableException} saying why it did not.
   */
  CompletableFuture<Void> send(Tweet tweet);
}
