package io.weathertweets.gateway.publish;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.proto.v1.Tweet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes each tweet as a persistent message (routing key = municipality id, messageId = tweet
 * id) and completes on the broker's publisher confirm. A return (mandatory, no queue bound) fails
 * the tweet even though the broker then acks it: an unroutable tweet is a lost tweet.
 */
class RabbitSink implements TweetSink {
  static final String CONTENT_TYPE = "application/x-protobuf";
  private final RabbitTemplate template;
  private final String exchange;
  private final String brokerAddresses;

  /**
   * @param brokerAddresses host:port list, without credentials, for error messages
   */
  RabbitSink(RabbitTemplate template, String exchange, String brokerAddresses) {
    this.template = template;
    this.exchange = exchange;
    this.brokerAddresses = brokerAddresses;
  }

  @Override
  public String name() {
    return TweetPath.RABBIT.id();
  }

  /**
   * All tweets of a call go out on one channel. Spring keeps a channel with unconfirmed messages
   * out of its cache until the broker confirmed them, so sending each tweet on its own would open
   * (and later close) one channel per tweet in flight; scoped to one channel, a call of any size
   * costs one.
   */
  @Override
  public List<CompletableFuture<Void>> sendAll(List<Tweet> tweets) {
    if (tweets.size() == 1) {
      return List.of(send(tweets.getFirst()));
    }
    try {
      return template.invoke(operations -> TweetSink.super.sendAll(tweets));
    } catch (AmqpException e) {
      // Opening the scoped channel failed: the broker is not reachable.
      return List.of(unreachable(e));
    }
  }

  @Override
  public CompletableFuture<Void> send(Tweet tweet) {
    String routingKey = Municipality.fromProto(tweet.getMunicipality()).id();
    MessageProperties properties = new MessageProperties();
    properties.setContentType(CONTENT_TYPE);
    properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
    properties.setMessageId(tweet.getId());
    // Random correlation id, not the tweet id: a client retry may have the same id in flight twice.
    CorrelationData correlation = new CorrelationData();
    try {
      template.send(
          exchange, routingKey, new Message(tweet.toByteArray(), properties), correlation);
    } catch (AmqpException e) {
      return unreachable(e);
    }
    return correlation
        .getFuture()
        .thenApply(
            confirm -> {
              ReturnedMessage returned = correlation.getReturned();
              if (returned != null) {
                throw new SinkUnavailableException(
                    name(),
                    "no queue bound to exchange "
                        + exchange
                        + " for routing key "
                        + routingKey
                        + " ("
                        + returned.getReplyText()
                        + "); start rabbit-bridge",
                    null);
              }
              if (!confirm.ack()) {
                throw new SinkUnavailableException(
                    name(),
                    "broker did not confirm tweet "
                        + tweet.getId()
                        + " on exchange "
                        + exchange
                        + ": "
                        + confirm.reason(),
                    null);
              }
              return null;
            });
  }

  private CompletableFuture<Void> unreachable(AmqpException e) {
    return CompletableFuture.failedFuture(
        new SinkUnavailableException(
            name(), "broker not reachable at " + brokerAddresses + " (" + describe(e) + ")", e));
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root;
  }
}
