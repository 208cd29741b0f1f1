package io.weathertweets.ingress;

import io.weathertweets.aggregates.PathSemantics;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The HTTP front door: validates weather tweets posted as JSON and forwards them over gRPC to the
 * Kafka and/or RabbitMQ gateway. Blocking code with deadlines on virtual threads: each request
 * waits for the gateways' acknowledgements, which is cheap with thousands of virtual threads and
 * easy to reason about.
 */
@SpringBootApplication
@EnableConfigurationProperties({IngressProperties.class, PathSemantics.class})
public class IngressApplication {

  /** Spring config name; every service has its own so that all can share one classpath. */
  public static final String CONFIG_NAME = "ingress";

  public static void main(String[] args) {
    new SpringApplicationBuilder(IngressApplication.class)
        .properties("spring.config.name=" + CONFIG_NAME)
        .run(args);
  }
}
