package io.weathertweets.gateway.publish;

import io.weathertweets.aggregates.TweetPath;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param exchange the durable topic exchange tweets are published to (routing key = municipality
 *     id)
 */
@ConfigurationProperties("weather.rabbit")
@Validated
record RabbitSinkProperties(@DefaultValue(TweetPath.RABBIT_EXCHANGE) @NotBlank String exchange) {}
