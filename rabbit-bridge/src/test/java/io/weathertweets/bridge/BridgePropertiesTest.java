package io.weathertweets.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weathertweets.aggregates.StallCheck;
import io.weathertweets.aggregates.YmlFallbacks;
import io.weathertweets.bridge.store.StoreDurability;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The bridge's weather.* settings: the record decides each default, bridge.yml agrees. */
class BridgePropertiesTest {

  @Test
  void theYmlFallsBackToTheRecordsDefaults() {
    YmlFallbacks.assertAgreeWithTheRecord("bridge.yml", "weather", BridgeProperties.class);
    assertThat(new Binder().bindOrCreate("weather", BridgeProperties.class).health().stallAfter())
        .isEqualTo(StallCheck.DEFAULT_LIMIT);
  }

  /**
   * A durability setting that could not confirm batches fails the binding of weather.store, which
   * Spring Boot reports as "APPLICATION FAILED TO START" with the property and the reason, instead
   * of failing a bean further on.
   */
  @Test
  void aReplicasTimeoutUnderTwoSecondsFailsTheBindingOfTheStoreSettings() {
    assertThatThrownBy(
            () ->
                bind(
                    Map.of(
                        "weather.store.durability", "replicas",
                        "weather.store.durability-timeout", "1999ms")))
        .isInstanceOf(BindException.class)
        .hasMessageContaining("weather.store")
        .rootCause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WEATHER_STORE_DURABILITY_TIMEOUT")
        .hasMessageContaining("at least 2s, was 1999 ms");
    assertThatThrownBy(
            () ->
                bind(
                    Map.of(
                        "weather.store.durability", "replicas",
                        "weather.store.durability-replicas", "0")))
        .isInstanceOf(BindException.class)
        .rootCause()
        .hasMessageContaining("WEATHER_STORE_DURABILITY_REPLICAS");
    BridgeProperties.Store accepted =
        bind(Map.of(
                "weather.store.durability", "replicas",
                "weather.store.durability-timeout", "2s"))
            .store();
    assertThat(accepted.durability()).isEqualTo(StoreDurability.Mode.REPLICAS);
    assertThat(accepted.durabilityTimeout()).isEqualTo(Duration.ofSeconds(2));
  }

  private static BridgeProperties bind(Map<String, String> settings) {
    return new Binder(new MapConfigurationPropertySource(settings))
        .bindOrCreate("weather", BridgeProperties.class);
  }
}
