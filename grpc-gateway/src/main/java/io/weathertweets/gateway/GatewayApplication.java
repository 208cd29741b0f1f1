package io.weathertweets.gateway;

import io.weathertweets.aggregates.PathSemantics;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The gRPC gateway: serves the course's {@code weathertweet.WeatherTweetService} and our {@code
 * weathertweets.v1.TweetIngestService}, and publishes every tweet to one sink (Kafka or RabbitMQ,
 * {@code GATEWAY_SINK}), answering only after the broker acknowledged it. Deployed once per sink.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableConfigurationProperties(PathSemantics.class)
public class GatewayApplication {

  public static void main(String[] args) {
    // Own config name so every service can share one classpath in the standalone launcher.
    new SpringApplicationBuilder(GatewayApplication.class)
        .properties("spring.config.name=gateway")
        .run(args);
  }
}
