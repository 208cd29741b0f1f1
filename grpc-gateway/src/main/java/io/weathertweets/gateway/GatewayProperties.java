package io.weathertweets.gateway;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What every gateway shares, whatever its sink.
 *
 * @param sink {@code kafka} or {@code rabbit} ({@code GATEWAY_SINK}, a {@code TweetPath} id): the
 *     broker this instance publishes to
 * @param maxBatchSize most tweets one request (or one message of a stream) may carry
 * @param ackTimeout longest wait for the broker's acknowledgements of one request; a backstop only:
 *     Kafka fails a send after delivery.timeout.ms (10 s) and a dead RabbitMQ connection nacks its
 *     pending confirms, so this fires only if an ack is lost for good
 */
@ConfigurationProperties("weather.gateway")
@Validated
public record GatewayProperties(
    // Exactly the id, as the sinks' @ConditionalOnProperty compares it: a looser value would bind
    // but create no sink.
    @DefaultValue("kafka")
        @Pattern(regexp = "kafka|rabbit", message = "must be kafka or rabbit (GATEWAY_SINK)")
        String sink,
    @DefaultValue("1000") @Positive int maxBatchSize,
    @DefaultValue("15s") @DurationMin(millis = 1) Duration ackTimeout) {}
