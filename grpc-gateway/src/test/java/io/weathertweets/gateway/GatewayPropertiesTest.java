package io.weathertweets.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.aggregates.YmlFallbacks;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** weather.gateway.* as Spring Boot binds it: defaults in the record, a bad value names its key. */
class GatewayPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(GatewayProperties.class)
  static class Bound {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
          .withUserConfiguration(Bound.class);

  @Test
  void defaultsComeFromTheRecord() {
    runner.run(
        context ->
            assertThat(context.getBean(GatewayProperties.class))
                .isEqualTo(new GatewayProperties("kafka", 1000, Duration.ofSeconds(15))));
  }

  @Test
  void theYmlFallsBackToTheRecordsDefaults() {
    YmlFallbacks.assertAgreeWithTheRecord(
        "gateway.yml", "weather.gateway", GatewayProperties.class);
  }

  @Test
  void theSinkIsOneOfThePaths() {
    runner
        .withPropertyValues("weather.gateway.sink=rabbit")
        .run(
            context ->
                assertThat(context.getBean(GatewayProperties.class).sink())
                    .isEqualTo(TweetPath.RABBIT.id()));
    runner
        .withPropertyValues("weather.gateway.sink=KAFKA")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("weather.gateway.sink")
                    .hasStackTraceContaining("must be kafka or rabbit (GATEWAY_SINK)"));
  }

  @Test
  void aBadValueStopsTheStartNamingItsKey() {
    runner
        .withPropertyValues("weather.gateway.max-batch-size=0", "weather.gateway.ack-timeout=0s")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .hasStackTraceContaining("maxBatchSize")
                  .hasStackTraceContaining("ackTimeout");
            });
  }
}
