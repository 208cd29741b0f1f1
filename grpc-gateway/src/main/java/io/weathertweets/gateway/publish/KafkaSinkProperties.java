package io.weathertweets.gateway.publish;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param topic where tweets go (key = municipality id, value = v1 Tweet bytes)
 * @param partitions partitions of the topic when the gateway creates it
 * @param replicationFactor replicas of the topic when the gateway creates it (1 on a single broker)
 */
@ConfigurationProperties("weather.kafka")
record KafkaSinkProperties(String topic, int partitions, short replicationFactor) {}
