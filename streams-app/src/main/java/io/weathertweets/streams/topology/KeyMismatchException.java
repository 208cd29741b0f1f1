package io.weathertweets.streams.topology;

/**
 * A record whose Kafka key is not the municipality of its tweet: grouping by key would miscount it.
 */
final class KeyMismatchException extends RuntimeException {
  KeyMismatchException(String key, String tweetId, String municipality) {
    super(
        "record key '"
            + key
            + "' is not the municipality '"
            + municipality
            + "' of tweet "
            + tweetId
            + "; producers must key weather-tweets by municipality id");
  }
}
