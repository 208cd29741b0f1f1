package io.weathertweets.streams;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Kafka path: topic weather-tweets → Kafka Streams aggregates → Redis. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StreamsApplication {

  public static void main(String[] args) {
    new SpringApplicationBuilder(StreamsApplication.class)
        .properties("spring.config.name=streams")
        .run(args);
  }
}
