package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The committed comparison dashboard is the one {@link ComparisonDashboard} generates from
 * weather.json; {@code -Dweather.regenerate=true} rewrites it first.
 */
class ComparisonDashboardTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void shouldBeGeneratedFromTheWeatherDashboard() throws IOException {
    Path root = CatalogueTest.root();
    String generated =
        ComparisonDashboard.generate(
            ComparisonDashboard.read(root.resolve(ComparisonDashboard.WEATHER)));
    Path comparison = root.resolve(ComparisonDashboard.COMPARISON);
    if (Boolean.getBoolean("weather.regenerate")) {
      Files.writeString(comparison, generated);
    }
    assertThat(ComparisonDashboard.read(comparison))
        .as(
            "%s is generated from %s: edit that one, then run %s",
            ComparisonDashboard.COMPARISON,
            ComparisonDashboard.WEATHER,
            ComparisonDashboard.REGENERATE)
        .isEqualTo(generated);
  }

  @Test
  void shouldRepeatEveryStorePanelForBothStoresAndKeepTheOthers() {
    Path root = CatalogueTest.root();
    JsonNode weather =
        JSON.readTree(ComparisonDashboard.read(root.resolve(ComparisonDashboard.WEATHER)));
    JsonNode comparison =
        JSON.readTree(
            ComparisonDashboard.generate(
                ComparisonDashboard.read(root.resolve(ComparisonDashboard.WEATHER))));

    assertThat(comparison.path("panels").size()).isEqualTo(weather.path("panels").size());
    int repeated = 0;
    for (int i = 0; i < weather.path("panels").size(); i++) {
      JsonNode before = weather.path("panels").get(i);
      JsonNode after = comparison.path("panels").get(i);
      assertThat(after.path("id")).isEqualTo(before.path("id"));
      assertThat(after.path("targets")).isEqualTo(before.path("targets"));
      if ("${store}".equals(before.path("datasource").path("uid").asString())) {
        repeated++;
        assertThat(after.path("repeat").asString()).isEqualTo("store");
        assertThat(after.path("gridPos").path("w").asInt()).isEqualTo(24);
      } else {
        assertThat(after.has("repeat")).isFalse();
      }
    }
    assertThat(repeated).isGreaterThan(10);
    JsonNode store = null;
    for (JsonNode v : comparison.path("templating").path("list")) {
      if ("store".equals(v.path("name").asString())) {
        store = v;
      }
    }
    assertThat(store).isNotNull();
    assertThat(store.path("multi").asBoolean()).isTrue();
    assertThat(store.path("current").path("value").values().stream().map(JsonNode::asString))
        .containsExactly("weather-redis", "weather-valkey");
  }
}
