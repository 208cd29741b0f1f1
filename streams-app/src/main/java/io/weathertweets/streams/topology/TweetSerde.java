package io.weathertweets.streams.topology;

import com.google.protobuf.InvalidProtocolBufferException;
import io.weathertweets.aggregates.EventTimeRule;
import io.weathertweets.aggregates.TweetRules;
import io.weathertweets.proto.v1.Tweet;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * v1 Tweet protobuf. The deserializer also applies {@link TweetRules}: a record that decodes but
 * breaks a rule fails here, like undecodable bytes, so that both reach the dead-letter topic
 * through the one deserialization exception handler instead of two error paths.
 */
final class TweetSerde implements Serde<Tweet> {
  private final EventTimeRule time;

  TweetSerde(EventTimeRule time) {
    this.time = time;
  }

  TweetSerde() {
    this(EventTimeRule.DEFAULT);
  }

  @Override
  public Serializer<Tweet> serializer() {
    return (topic, tweet) -> tweet == null ? null : tweet.toByteArray();
  }

  @Override
  public Deserializer<Tweet> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        throw new SerializationException("weather tweet: null value (tombstone) is not a tweet");
      }
      Tweet tweet;
      try {
        tweet = Tweet.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new SerializationException(
            "weather tweet: not a v1 Tweet protobuf: " + e.getMessage(), e);
      }
      List<TweetRules.Violation> violations = TweetRules.consumerViolations(tweet, time);
      if (!violations.isEmpty()) {
        throw new SerializationException(
            "weather tweet " + tweet.getId() + " is invalid: " + violations);
      }
      return tweet;
    };
  }
}
