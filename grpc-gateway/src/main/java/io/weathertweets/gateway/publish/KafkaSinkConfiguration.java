package io.weathertweets.gateway.publish;

import io.weathertweets.aggregates.TweetPath;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

/**
 * The Kafka sink: only created when {@code weather.gateway.sink=kafka} (the default). The producer
 * itself is Boot's (one shared idempotent producer behind the {@link KafkaTemplate}, configured in
 * gateway.yml).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "weather.gateway.sink", havingValue = "kafka", matchIfMissing = true)
class KafkaSinkConfiguration {

  /**
   * KafkaAdmin creates it at startup when missing; with admin fail-fast off, a down broker only
   * logs.
   */
  @Bean
  NewTopic weatherTweetsTopic(KafkaSinkProperties properties) {
    return TopicBuilder.name(TweetPath.KAFKA_TOPIC)
        .partitions(properties.partitions())
        .replicas(properties.replicationFactor())
        .build();
  }

  @Bean
  KafkaSink kafkaSink(KafkaTemplate<String, byte[]> template) {
    return new KafkaSink(template, TweetPath.KAFKA_TOPIC);
  }

  /**
   * Replaces Boot's LoggingProducerListener, which logs an ERROR per failed record (a thousand
   * lines for one failed batch); the failure is reported once per request by GrpcErrors and counted
   * in weather.tweets.rejected{reason=broker_unavailable}.
   */
  @Bean
  ProducerListener<Object, Object> kafkaProducerListener() {
    return new ProducerListener<>() {};
  }

  /** Named "broker" in both sinks so the readiness group can include it whichever sink runs. */
  @Bean
  KafkaBrokerHealthIndicator brokerHealthIndicator(KafkaAdmin admin, NewTopic weatherTweetsTopic) {
    return new KafkaBrokerHealthIndicator(admin, weatherTweetsTopic);
  }
}
