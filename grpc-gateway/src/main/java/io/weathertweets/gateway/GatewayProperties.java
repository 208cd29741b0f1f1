package io.weathertweets.gateway;

import io.weathertweets.aggregates.TweetPath;
import java.time.Duration;
import java.util.Arrays;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What every gateway shares, whatever its sink.
 *
 * @param sink {@code kafka} or {@code rabbit}: the broker this instance publishes to
 * @param maxBatchSize most tweets one request (or one message of a stream) may carry
 * @param ackTimeout longest wait for the broker's acknowledgements of one request; a backstop above
 *     the clients' own timeouts (Kafka's delivery.timeout.ms), so a lost ack never hangs a call
 */
@ConfigurationProperties("weather.gateway")
public record GatewayProperties(String sink, int maxBatchSize, Duration ackTimeout) {

  public GatewayProperties {
    if (Arrays.stream(TweetPath.values()).noneMatch(path -> path.id().equals(sink))) {
      throw new IllegalArgumentException(
          "weather.gateway.sink (GATEWAY_SINK) must be kafka or rabbit, got '" + sink + "'");
    }
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException(
          "weather.gateway.max-batch-size must be positive, got " + maxBatchSize);
    }
    if (ackTimeout == null || ackTimeout.isNegative() || ackTimeout.isZero()) {
      throw new IllegalArgumentException(
          "weather.gateway.ack-timeout must be positive, got " + ackTimeout);
    }
  }
}
