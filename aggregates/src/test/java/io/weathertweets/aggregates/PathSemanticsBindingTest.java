package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Every service binds {@link PathSemantics} from the environment variables the deployment sets,
 * with no mapping in its yml: Spring Boot maps {@code WEATHER_TIME_MAX_AHEAD} to {@code
 * weather.time.max-ahead} itself, and the defaults are the record's.
 */
class PathSemanticsBindingTest {

  @Test
  void shouldBindTheEnvironmentVariablesOfTheDeployment() {
    PathSemantics semantics =
        bind(
            Map.of(
                "WEATHER_WINDOW_SIZE", "2m",
                "WEATHER_WINDOW_GRACE", "30s",
                "WEATHER_DEDUP_HORIZON", "3h",
                "WEATHER_TIME_MAX_AHEAD", "7m"));

    assertThat(semantics.window().size()).isEqualTo(Duration.ofMinutes(2));
    assertThat(semantics.window().grace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(semantics.dedupHorizon()).isEqualTo(Duration.ofHours(3));
    assertThat(semantics.time().maxAhead()).isEqualTo(Duration.ofMinutes(7));
  }

  @Test
  void shouldTakeTheRecordsDefaultsWhenNothingIsSet() {
    PathSemantics semantics = bind(Map.of());

    assertThat(semantics.window().size()).isEqualTo(Duration.ofMinutes(1));
    assertThat(semantics.window().grace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(semantics.dedupHorizon()).isEqualTo(Duration.ofHours(1));
    assertThat(semantics.time().maxAhead()).isEqualTo(Duration.ofMinutes(5));
    // The constants for code that does not bind the settings (tests, tools) say the same.
    assertThat(semantics.windowSpec()).isEqualTo(WindowSpec.DEFAULT);
    assertThat(semantics.timeRule()).isEqualTo(EventTimeRule.DEFAULT);
  }

  private static PathSemantics bind(Map<String, Object> variables) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    ConfigurationPropertySources.attach(environment);
    return Binder.get(environment).bindOrCreate("weather", PathSemantics.class);
  }
}
