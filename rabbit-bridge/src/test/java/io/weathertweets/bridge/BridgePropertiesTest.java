package io.weathertweets.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.StallCheck;
import io.weathertweets.aggregates.YmlFallbacks;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;

/** The bridge's weather.* settings: the record decides each default, bridge.yml agrees. */
class BridgePropertiesTest {

  @Test
  void theYmlFallsBackToTheRecordsDefaults() {
    YmlFallbacks.assertAgreeWithTheRecord("bridge.yml", "weather", BridgeProperties.class);
    assertThat(new Binder().bindOrCreate("weather", BridgeProperties.class).health().stallAfter())
        .isEqualTo(StallCheck.DEFAULT_LIMIT);
  }
}
