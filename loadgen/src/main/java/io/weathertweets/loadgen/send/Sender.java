package io.weathertweets.loadgen.send;

import io.weathertweets.loadgen.tweets.LoadTweet;
import java.util.List;

/** Sends one request carrying the given tweets and waits for the answer. Thread-safe. */
public interface Sender extends AutoCloseable {

  Outcome send(List<LoadTweet> tweets);

  /** How many tweets one request carries at most. */
  int tweetsPerRequest();

  @Override
  void close();
}
