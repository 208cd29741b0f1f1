package io.weathertweets.ingress;

import io.weathertweets.ingress.forward.Routing;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the ingress ({@code weather.ingress.*} in ingress.yml). The gateway addresses are Spring gRPC
 * channels: {@code spring.grpc.client.channel.kafka-gateway.target} and {@code ...rabbit-gateway.target}.
 *
 * @param routing which gateways get every tweet ({@code INGRESS_ROUTING})
 * @param forwardDeadline deadline of each Publish call to a gateway
 * @param retryAfter what a 503 tells the client to wait before retrying
 * @param maxBatch most tweets accepted by one POST /api/tweets
 * @param maxBodySingle largest body of POST /api/tweet
 * @param maxBodyBatch largest body of POST /api/tweets
 */
@ConfigurationProperties("weather.ingress")
public record IngressProperties(
    @DefaultValue("fanout") Routing routing,
    @DefaultValue("5s") Duration forwardDeadline,
    @DefaultValue("1s") Duration retryAfter,
    @DefaultValue("1000") int maxBatch,
    @DefaultValue("16KB") DataSize maxBodySingle,
    @DefaultValue("1MB") DataSize maxBodyBatch) {

  public IngressProperties {
    if (forwardDeadline.isNegative() || forwardDeadline.isZero()) {
      throw new IllegalArgumentException("weather.ingress.forward-deadline must be positive, was " + forwardDeadline);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("weather.ingress.max-batch must be at least 1, was " + maxBatch);
    }
  }
}
