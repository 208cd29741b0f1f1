package io.weathertweets.gateway.publish;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param exchange the durable topic exchange tweets are published to (routing key = municipality
 *     id)
 */
@ConfigurationProperties("weather.rabbit")
record RabbitSinkProperties(String exchange) {}
