package io.weathertweets.gateway.publish;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.proto.v1.Tweet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.KafkaException;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends each tweet as one record, key = municipality id, to the tweets topic; done when acks=all
 * answered.
 */
class KafkaSink implements TweetSink {
  private final KafkaTemplate<String, byte[]> template;
  private final String topic;

  KafkaSink(KafkaTemplate<String, byte[]> template, String topic) {
    this.template = template;
    this.topic = topic;
  }

  @Override
  public String name() {
    return TweetPath.KAFKA.id();
  }

  @Override
  public CompletableFuture<Void> send(Tweet tweet) {
    String key = Municipality.fromProto(tweet.getMunicipality()).id();
    try {
      return template
          .send(topic, key, tweet.toByteArray())
          .handle(
              (result, failure) -> {
                if (failure != null) {
                  throw unavailable(tweet, failure);
                }
                return null;
              });
    } catch (KafkaException | org.springframework.kafka.KafkaException e) {
      return CompletableFuture.failedFuture(unavailable(tweet, e));
    }
  }

  private SinkUnavailableException unavailable(Tweet tweet, Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return new SinkUnavailableException(
        name(),
        "broker did not acknowledge tweet "
            + tweet.getId()
            + " on topic "
            + topic
            + " ("
            + KafkaConnection.describe(template.getProducerFactory().getConfigurationProperties())
            + "): "
            + root.getMessage(),
        failure);
  }
}
