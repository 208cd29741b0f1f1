package io.weathertweets.bridge;

import io.weathertweets.aggregates.YmlFallbacks;
import org.junit.jupiter.api.Test;

/** The bridge's weather.* settings: the record decides each default, bridge.yml agrees. */
class BridgePropertiesTest {

  @Test
  void theYmlFallsBackToTheRecordsDefaults() {
    YmlFallbacks.assertAgreeWithTheRecord("bridge.yml", "weather", BridgeProperties.class);
  }
}
