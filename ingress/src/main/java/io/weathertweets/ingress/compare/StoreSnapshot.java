package io.weathertweets.ingress.compare;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything one store holds for the dashboard, read in one go: the all-time hash of every municipality,
 * the panel hashes and the meta hash. Values are the strings as stored.
 */
record StoreSnapshot(
    Map<String, Map<String, String>> municipalities,
    Map<String, Map<String, String>> panels,
    Map<String, String> meta) {

  static StoreSnapshot read(StoreReader reader) {
    StoreLayout layout = reader.layout();
    Map<String, Map<String, String>> municipalities = new LinkedHashMap<>();
    for (Municipality m : Municipality.values()) {
      Map<String, String> fields = reader.hash(layout.municipality(m));
      if (!fields.isEmpty()) {
        municipalities.put(m.id(), fields);
      }
    }
    Map<String, Map<String, String>> panels = new LinkedHashMap<>();
    for (String key : new String[] {layout.temperatureAvg(), layout.temperatureMax(), layout.temperatureMin(),
        layout.humidityAvg(), layout.reports(), layout.conditions(), layout.extremes()}) {
      panels.put(key.substring(layout.prefix().length() + 1), reader.hash(key));
    }
    return new StoreSnapshot(municipalities, panels, reader.meta());
  }
}
