package io.weathertweets.gateway.publish;

import java.util.stream.Collectors;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.amqp.health.RabbitHealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The RabbitMQ sink: only created when {@code weather.gateway.sink=rabbit}. Publisher confirms
 * (correlated), returns and mandatory are switched on in gateway.yml; the template and connection
 * factory are Boot's.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "weather.gateway.sink", havingValue = "rabbit")
class RabbitSinkConfiguration {

  /**
   * The gateway owns the exchange (Boot's RabbitAdmin declares it on the first connection); the
   * queues bound to it belong to their consumers (rabbit-bridge declares weather.tweets.bridge).
   */
  @Bean
  TopicExchange weatherTweetsExchange(RabbitSinkProperties properties) {
    return new TopicExchange(properties.exchange(), true, false);
  }

  @Bean
  RabbitSink rabbitSink(
      RabbitTemplate template,
      RabbitSinkProperties properties,
      RabbitConnectionDetails connection) {
    // The sink's guarantee rests on these three settings of gateway.yml: fail at startup, not
    // silently later.
    if (!template.getConnectionFactory().isPublisherConfirms()
        || !template.getConnectionFactory().isPublisherReturns()
        || !Boolean.TRUE.equals(template.isMandatoryFor(new Message(new byte[0])))) {
      throw new IllegalStateException(
          "The rabbit sink needs spring.rabbitmq.publisher-confirm-type=correlated, "
              + "spring.rabbitmq.publisher-returns=true and spring.rabbitmq.template.mandatory=true");
    }
    String addresses =
        connection.getAddresses().stream()
            .map(address -> address.host() + ":" + address.port())
            .collect(Collectors.joining(","));
    return new RabbitSink(template, properties.exchange(), addresses);
  }

  /**
   * Boot's own Rabbit indicator is switched off in gateway.yml (so a Kafka gateway never reports
   * the broker it does not use); this one is named "broker" like the Kafka one, so the readiness
   * group is the same.
   */
  @Bean
  RabbitHealthIndicator brokerHealthIndicator(RabbitTemplate template) {
    return new RabbitHealthIndicator(template);
  }
}
