package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The panel hashes as {@link Overview} derives them from {@link Panel}. */
class PanelTest {
  private static final StoreLayout LAYOUT = new StoreLayout("p");

  @Test
  void shouldDeriveOneHashPerPanelInItsOrder() {
    Overview overview =
        Overview.empty()
            .with(Municipality.GUATEMALA, Aggregate.EMPTY.plus(30, 80, Condition.RAINY, 1))
            .with(
                Municipality.MIXCO,
                Aggregate.EMPTY.plus(10, 40, Condition.SUNNY, 2).plus(15, 45, Condition.SUNNY, 3));

    Map<String, Map<String, String>> hashes = overview.panelHashes(LAYOUT);

    assertThat(hashes.keySet())
        .containsExactlyElementsOf(Arrays.stream(Panel.values()).map(LAYOUT::panel).toList())
        .startsWith("p:temperature_avg");
    // Municipalities in catalogue order, whatever order they were added in.
    assertThat(hashes.get("p:temperature_avg"))
        .containsExactlyEntriesOf(orderedMap("mixco", "12.50", "guatemala", "30.00"));
    assertThat(hashes.get("p:temperature_max"))
        .containsExactlyEntriesOf(orderedMap("mixco", "15", "guatemala", "30"));
    assertThat(hashes.get("p:temperature_min"))
        .containsExactlyEntriesOf(orderedMap("mixco", "10", "guatemala", "30"));
    assertThat(hashes.get("p:humidity_avg"))
        .containsExactlyEntriesOf(orderedMap("mixco", "42.50", "guatemala", "80.00"));
    assertThat(hashes.get("p:reports"))
        .containsExactlyEntriesOf(orderedMap("mixco", "2", "guatemala", "1"));
    assertThat(hashes.get("p:conditions"))
        .containsExactlyEntriesOf(
            orderedMap("sunny", "2", "cloudy", "0", "rainy", "1", "foggy", "0"));
    assertThat(hashes.get("p:extremes"))
        .containsExactlyEntriesOf(
            orderedMap(
                "temperature_max",
                "30",
                "temperature_max_municipality",
                "guatemala",
                "temperature_min",
                "10",
                "temperature_min_municipality",
                "mixco"));
  }

  @Test
  void shouldNameTheFirstMunicipalityInCatalogueOrderOnTies() {
    Overview overview =
        Overview.empty()
            .with(Municipality.CHINAUTLA, Aggregate.EMPTY.plus(-3, 50, Condition.FOGGY, 1))
            .with(Municipality.AMATITLAN, Aggregate.EMPTY.plus(-3, 50, Condition.FOGGY, 1));

    assertThat(overview.panelHashes(LAYOUT).get("p:extremes"))
        .containsEntry("temperature_max_municipality", "amatitlan")
        .containsEntry("temperature_min_municipality", "amatitlan");
  }

  @Test
  void shouldWriteEveryConditionButNoMunicipalityBeforeTheFirstTweet() {
    Map<String, Map<String, String>> hashes = Overview.empty().panelHashes(LAYOUT);

    for (Panel panel : Panel.values()) {
      Map<String, String> hash = hashes.get(LAYOUT.panel(panel));
      if (panel.kind() == Panel.Kind.PER_CONDITION) {
        assertThat(hash.keySet()).as(panel.id()).containsExactlyElementsOf(Condition.ids());
        assertThat(hash.values()).as(panel.id()).containsOnly("0");
      } else {
        assertThat(hash).as(panel.id()).isEmpty();
      }
    }
  }

  @Test
  void shouldShowFiguresTheAggregateHasAndUniqueNames() {
    List<String> aggregateFields = List.of(Aggregate.NUMERIC_FIELDS);
    for (Panel panel : Panel.values()) {
      if (panel.kind() == Panel.Kind.PER_MUNICIPALITY) {
        assertThat(aggregateFields).as(panel.id()).contains(panel.figure());
        assertThat(panel.fields()).isEqualTo(Municipality.ids());
      } else {
        assertThat(panel.figure()).as(panel.id()).isNull();
      }
      panel.extremes().forEach(e -> assertThat(aggregateFields).contains(e.figure()));
      assertThat(panel.extremes().isEmpty()).isEqualTo(panel.kind() != Panel.Kind.EXTREMES);
    }
    assertThat(Panel.ids()).doesNotHaveDuplicates().doesNotContain("meta", "consumer");
    assertThat(Panel.EXTREMES.fields())
        .containsExactly(
            "temperature_max",
            "temperature_max_municipality",
            "temperature_min",
            "temperature_min_municipality");
  }

  private static Map<String, String> orderedMap(String... keyValues) {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }
}
