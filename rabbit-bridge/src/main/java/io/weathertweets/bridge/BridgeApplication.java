package io.weathertweets.bridge;

import io.weathertweets.aggregates.PathSemantics;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The RabbitMQ path: consumes {@code weather.tweets.bridge} in batches and applies each batch to
 * Valkey atomically, writing the same store layout as the Kafka Streams path writes to Redis.
 */
@SpringBootApplication
@EnableConfigurationProperties({BridgeProperties.class, PathSemantics.class})
@EnableScheduling
public class BridgeApplication {

  public static void main(String[] args) {
    new SpringApplicationBuilder(BridgeApplication.class)
        .properties("spring.config.name=bridge")
        .run(args);
  }
}
