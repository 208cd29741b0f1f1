package io.weathertweets.loadgen.tweets;

/** The tweets of one run, addressed by index so that concurrent senders need no shared iterator. */
public interface TweetSource {

  /** How many tweets the source holds (the run sends at most this many). */
  long size();

  LoadTweet get(long index);

  /** A v1 tweet id for a tweet that has none of its own; stable for the same source and index. */
  String fallbackId(long index);
}
