package io.weathertweets.ingress.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.YmlFallbacks;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

/** weather.store.* as the ingress binds it, and the keys it was renamed from. */
class StoreSettingsTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
          .withUserConfiguration(StoreReaders.Config.class);

  @Test
  void theSettingsHaveDefaults() {
    runner.run(
        context -> {
          StoreReaders.Properties properties = context.getBean(StoreReaders.Properties.class);
          assertThat(properties.prefix()).isEqualTo("weather");
          assertThat(properties.redisUrl()).isEqualTo("redis://localhost:6379");
          assertThat(properties.consumerStaleAfter()).hasSeconds(30);
        });
  }

  @Test
  void theYmlFallsBackToTheRecordsDefaults() {
    YmlFallbacks.assertAgreeWithTheRecord(
        "ingress.yml", "weather.store", StoreReaders.Properties.class);
  }

  @Test
  void theOldKeysStopTheStartInsteadOfBeingIgnored() {
    runner
        .withPropertyValues("weather.stores.prefix=e2e")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("weather.stores.* was renamed weather.store.*"));
  }
}
