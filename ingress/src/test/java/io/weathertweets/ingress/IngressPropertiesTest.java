package io.weathertweets.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.YmlFallbacks;
import io.weathertweets.ingress.forward.Routing;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/** weather.ingress.* as Spring Boot binds it: defaults in the record, a bad value names its key. */
class IngressPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(IngressProperties.class)
  static class Bound {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
          .withUserConfiguration(Bound.class);

  @Test
  void defaultsComeFromTheRecord() {
    runner.run(
        context -> {
          IngressProperties properties = context.getBean(IngressProperties.class);
          assertThat(properties.routing()).isEqualTo(Routing.FANOUT);
          assertThat(properties.forwardDeadline()).isEqualTo(Duration.ofSeconds(5));
          assertThat(properties.maxBodyBatch()).isEqualTo(DataSize.ofMegabytes(1));
          assertThat(properties.rateLimit().enabled()).isTrue();
          assertThat(properties.rateLimit().idleExpiry()).isEqualTo(Duration.ofMinutes(10));
        });
  }

  @Test
  void theYmlFallsBackToTheRecordsDefaults() {
    YmlFallbacks.assertAgreeWithTheRecord(
        "ingress.yml", "weather.ingress", IngressProperties.class);
  }

  @Test
  void aBadValueStopsTheStartNamingItsKey() {
    runner
        .withPropertyValues(
            "weather.ingress.forward-calls-in-flight=0", "weather.ingress.rate-limit.burst=0")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .hasStackTraceContaining("forwardCallsInFlight")
                  .hasStackTraceContaining("burst (INGRESS_RATE_LIMIT_BURST) and max-clients");
            });
  }

  @Test
  void batchBytesInFlightMustHoldOneLargestBatch() {
    runner
        .withPropertyValues(
            "weather.ingress.max-body-batch=2MB", "weather.ingress.max-batch-bytes-in-flight=1MB")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .hasStackTraceContaining(
                        "max-batch-bytes-in-flight (INGRESS_MAX_BATCH_BYTES_IN_FLIGHT) must be at"
                            + " least weather.ingress.max-body-batch and below 2 GB"));
  }

  @Test
  void aPartialCallWaitsLessThanTheForwardDeadline() {
    runner
        .withPropertyValues(
            "weather.ingress.forward-deadline=2s", "weather.ingress.forward-partial-wait=2s")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .hasStackTraceContaining(
                        "forward-partial-wait (INGRESS_FORWARD_PARTIAL_WAIT) must be shorter than"
                            + " weather.ingress.forward-deadline"));
  }

  @Test
  void theRateLimitOffNeedsNoOtherSetting() {
    runner
        .withPropertyValues(
            "weather.ingress.rate-limit.requests=0", "weather.ingress.rate-limit.burst=0")
        .run(
            context ->
                assertThat(context.getBean(IngressProperties.class).rateLimit().enabled())
                    .isFalse());
  }
}
