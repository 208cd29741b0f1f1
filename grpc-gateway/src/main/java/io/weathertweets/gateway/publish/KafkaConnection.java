package io.weathertweets.gateway.publish;

import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How a Kafka client of the gateway connects, for messages an operator reads. The security protocol
 * is part of it because a client on the wrong one often gets no error at all: a PLAINTEXT client on
 * a TLS listener is disconnected without a word and times out, exactly as if the broker were down.
 */
final class KafkaConnection {
  private KafkaConnection() {}

  /** E.g. {@code bootstrap [kafka:9093], security.protocol SASL_SSL}. */
  static String describe(Map<String, Object> clientConfig) {
    return "bootstrap "
        + clientConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
        + ", security.protocol "
        + clientConfig.getOrDefault(
            CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
            CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL);
  }
}
