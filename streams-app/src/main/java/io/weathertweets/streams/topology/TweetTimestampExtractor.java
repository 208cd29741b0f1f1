package io.weathertweets.streams.topology;

import io.weathertweets.proto.v1.Tweet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/** Windows follow the time the weather was observed, not when the broker received the record. */
final class TweetTimestampExtractor implements TimestampExtractor {

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof Tweet tweet && tweet.getEventTimeMs() > 0) {
      return tweet.getEventTimeMs();
    }
    // Only reachable for values the deserializer let through without an event time, which
    // TweetRules forbids.
    return record.timestamp();
  }
}
