package io.weathertweets.gateway.publish;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The Kafka sink: only created when {@code weather.gateway.sink=kafka} (the default). The producer itself
 * is Boot's (one shared idempotent producer behind the {@link KafkaTemplate}, configured in gateway.yml).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "weather.gateway.sink", havingValue = "kafka", matchIfMissing = true)
class KafkaSinkConfiguration {

  /** KafkaAdmin creates it at startup when missing; with admin fail-fast off, a down broker only logs. */
  @Bean
  NewTopic weatherTweetsTopic(KafkaSinkProperties properties) {
    return TopicBuilder.name(properties.topic())
        .partitions(properties.partitions())
        .replicas(properties.replicationFactor())
        .build();
  }

  @Bean
  KafkaSink kafkaSink(KafkaTemplate<String, byte[]> template, KafkaSinkProperties properties) {
    return new KafkaSink(template, properties.topic());
  }

  /** Named "broker" in both sinks so the readiness group can include it whichever sink runs. */
  @Bean
  KafkaBrokerHealthIndicator brokerHealthIndicator(KafkaAdmin admin) {
    return new KafkaBrokerHealthIndicator(admin);
  }
}
