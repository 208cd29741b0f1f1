package io.weathertweets.gateway.publish;

import io.weathertweets.aggregates.YmlFallbacks;
import org.junit.jupiter.api.Test;

/** weather.kafka.* and weather.rabbit.*: the record decides each default, the yml agrees. */
class SinkPropertiesTest {

  @Test
  void theYmlFallsBackToTheRecordsDefaults() {
    YmlFallbacks.assertAgreeWithTheRecord(
        "gateway.yml", "weather.kafka", KafkaSinkProperties.class);
    YmlFallbacks.assertAgreeWithTheRecord(
        "gateway.yml", "weather.rabbit", RabbitSinkProperties.class);
  }
}
