package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregateTest {

  @Test
  void shouldKeepTheRightMaxWhenEveryTemperatureIsNegative() {
    Aggregate a =
        Aggregate.EMPTY
            .plus(-12, 50, Condition.FOGGY, 1)
            .plus(-3, 60, Condition.FOGGY, 2)
            .plus(-40, 70, Condition.RAINY, 3);
    assertThat(a.temperatureMax()).isEqualTo(-3);
    assertThat(a.temperatureMin()).isEqualTo(-40);
    assertThat(a.toFields())
        .containsEntry("temperature_avg", "-18.33")
        .containsEntry("foggy", "2")
        .containsEntry("rainy", "1")
        .containsEntry("humidity_avg", "60.00");
  }

  @Test
  void shouldRoundAveragesHalfEvenOnTheExactBinaryValueLikePrintf() {
    // 1/8 = 0.125 exactly: printf("%.2f") gives 0.12 (ties to even), HALF_UP would give 0.13.
    assertThat(Aggregate.average(1, 8)).isEqualTo("0.12");
    assertThat(Aggregate.average(3, 8)).isEqualTo("0.38");
    // 0.145 is not exact in binary (it is 0.14499999...), so it rounds down.
    assertThat(Aggregate.average(29, 200)).isEqualTo("0.14");
    assertThat(Aggregate.average(-1, 8)).isEqualTo("-0.12");
    assertThat(Aggregate.average(5, 0)).isEqualTo("0.00");
  }

  @Test
  void shouldReadBackWhatItWrites() {
    Aggregate a =
        Aggregate.EMPTY.plus(25, 70, Condition.SUNNY, 10).plus(18, 90, Condition.CLOUDY, 11);
    assertThat(Aggregate.fromFields(a.toFields())).isEqualTo(a.figures());
  }

  @Test
  void shouldPlaceTweetsInHalfOpenWindowsAndCloseThemAfterTheGrace() {
    WindowSpec spec = new WindowSpec(Duration.ofMinutes(1), Duration.ofSeconds(10));
    long t0 = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    assertThat(spec.windowStart(t0)).isEqualTo(t0);
    assertThat(spec.windowStart(t0 + 59_999)).isEqualTo(t0);
    assertThat(spec.windowStart(t0 + 60_000)).isEqualTo(t0 + 60_000);
    assertThat(spec.isClosed(t0, t0 + 69_999)).isFalse();
    assertThat(spec.isClosed(t0, t0 + 70_000)).isTrue();
  }

  @Test
  void shouldDerivePanelHashesAndBreakTiesByMunicipalityOrder() {
    Overview overview =
        Overview.empty()
            .with(Municipality.GUATEMALA, Aggregate.EMPTY.plus(30, 40, Condition.SUNNY, 1))
            .with(
                Municipality.MIXCO,
                Aggregate.EMPTY.plus(30, 50, Condition.RAINY, 2).plus(-5, 50, Condition.RAINY, 3));
    Map<String, Map<String, String>> hashes = overview.panelHashes(StoreLayout.DEFAULT);
    assertThat(hashes.get("weather:extremes"))
        .containsEntry("temperature_max", "30")
        .containsEntry("temperature_max_municipality", "mixco")
        .containsEntry("temperature_min", "-5")
        .containsEntry("temperature_min_municipality", "mixco");
    assertThat(hashes.get("weather:conditions"))
        .containsExactly(
            Map.entry("sunny", "1"),
            Map.entry("cloudy", "0"),
            Map.entry("rainy", "2"),
            Map.entry("foggy", "0"));
    assertThat(hashes.get("weather:reports"))
        .containsEntry("mixco", "2")
        .containsEntry("guatemala", "1")
        .doesNotContainKey("amatitlan");
    assertThat(overview.tweetsTotal()).isEqualTo(3);
    assertThat(overview.lastEventMs()).isEqualTo(3);
  }
}
