package io.weathertweets.streams.topology;

import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.proto.v1.Tweet;
import org.apache.kafka.common.serialization.Serdes;

/** Every topic the streams app reads or writes, with its serdes. */
public final class Topics {

  /** Input: key = municipality id ("mixco"), value = v1 Tweet protobuf bytes. */
  public static final Topic<String, Tweet> TWEETS =
      new Topic<>(TweetPath.KAFKA_TOPIC, Serdes.String(), new TweetSerde());

  /**
   * Output, compacted: the latest aggregate per key. Key "mixco" = all-time aggregate of mixco; key
   * "mixco@1767225600000" = the window of mixco starting at that epoch millisecond. Value = JSON.
   */
  public static final Topic<String, AggregateRecord> AGGREGATES =
      new Topic<>("weather-aggregates", Serdes.String(), new JsonSerde<>(AggregateRecord.class));

  /**
   * Dead letters: records that are not a decodable, valid v1 tweet, written by Kafka Streams' own
   * dead-letter support with the original key and value bytes plus headers naming the exception.
   */
  public static final Topic<byte[], byte[]> DLQ =
      new Topic<>("weather-tweets-dlq", Serdes.ByteArray(), Serdes.ByteArray());

  private Topics() {}

  /** The output-topic key of a window: {@code municipality@windowStartMs}. */
  public static String windowKey(String municipality, long windowStartMs) {
    return municipality + "@" + windowStartMs;
  }
}
