package io.weathertweets.gateway.publish;

import io.weathertweets.proto.v1.Tweet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One broker the gateway publishes to. Exactly one sink exists per gateway instance. */
interface TweetSink {

  /**
   * {@code kafka} or {@code rabbit}: the {@code sink} tag of the meters and of {@code
   * PublishResponse}.
   */
  String name();

  /**
   * Hands one (valid) tweet to the broker. The future completes when the broker acknowledged it, or
   * exceptionally with a {@link SinkUnavailableException} saying why it did not.
   */
  CompletableFuture<Void> send(Tweet tweet);

  /**
   * Hands the tweets of one call to the broker, in order, and returns one future per tweet handed
   * over. Stops at the first tweet that fails at once (the broker is not reachable: the rest would
   * only wait as long again), so the list may be shorter than {@code tweets}; its last future is
   * then the failed one.
   */
  default List<CompletableFuture<Void>> sendAll(List<Tweet> tweets) {
    List<CompletableFuture<Void>> acks = new ArrayList<>(tweets.size());
    for (Tweet tweet : tweets) {
      CompletableFuture<Void> ack = send(tweet);
      acks.add(ack);
      if (ack.isCompletedExceptionally()) {
        break;
      }
    }
    return acks;
  }
}
