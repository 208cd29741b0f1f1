package io.weathertweets.gateway.publish;

import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The topic itself is {@link io.weathertweets.aggregates.TweetPath#KAFKA_TOPIC}, not a setting.
 *
 * @param partitions partitions of the topic when the gateway creates it
 * @param replicationFactor replicas of the topic when the gateway creates it (1 on a single broker)
 */
@ConfigurationProperties("weather.kafka")
@Validated
record KafkaSinkProperties(
    @DefaultValue("6") @Positive int partitions,
    @DefaultValue("1") @Positive short replicationFactor) {}
