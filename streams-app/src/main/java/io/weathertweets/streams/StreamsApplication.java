package io.weathertweets.streams;

import io.weathertweets.aggregates.PathSemantics;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The Kafka path: topic weather-tweets → Kafka Streams aggregates → Redis. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableConfigurationProperties(PathSemantics.class)
public class StreamsApplication {

  public static void main(String[] args) {
    new SpringApplicationBuilder(StreamsApplication.class)
        .properties("spring.config.name=streams")
        .run(args);
  }
}
