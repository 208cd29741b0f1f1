package io.weathertweets.streams.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.StallCheck;
import io.weathertweets.aggregates.YmlFallbacks;
import io.weathertweets.streams.topology.WeatherTopology;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;

/** The streams-app's weather.* settings: the record decides each default, streams.yml agrees. */
class WeatherPropertiesTest {

  @Test
  void theYmlFallsBackToTheRecordsDefaults() {
    YmlFallbacks.assertAgreeWithTheRecord("streams.yml", "weather", WeatherProperties.class);
    assertThat(new Binder().bindOrCreate("weather", WeatherProperties.class).health().stallAfter())
        .isEqualTo(StallCheck.DEFAULT_LIMIT);
  }

  @Test
  void theTopologysDefaultSettingsAreThePathSemanticsDefaults() {
    PathSemantics bound = new Binder().bindOrCreate("weather", PathSemantics.class);
    assertThat(WeatherTopology.Settings.DEFAULT)
        .isEqualTo(
            new WeatherTopology.Settings(
                bound.windowSpec(), bound.dedupHorizon(), bound.timeRule()));
  }
}
