package io.weathertweets.aggregates;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The all-time aggregates of every municipality seen so far, and the panel-ready hashes derived
 * from them. Deriving every cross-municipality figure from this complete state (instead of
 * incrementing counters) is what lets the Kafka path overwrite Redis on every commit and stay exact
 * across replays.
 */
public record Overview(Map<Municipality, Aggregate> byMunicipality) {

  public Overview {
    EnumMap<Municipality, Aggregate> copy = new EnumMap<>(Municipality.class);
    byMunicipality.forEach(
        (m, a) -> {
          if (a.count() > 0) {
            copy.put(m, a);
          }
        });
    byMunicipality = copy;
  }

  public static Overview empty() {
    return new Overview(Map.of());
  }

  public Overview with(Municipality m, Aggregate aggregate) {
    EnumMap<Municipality, Aggregate> next = new EnumMap<>(Municipality.class);
    next.putAll(byMunicipality);
    next.put(m, aggregate);
    return new Overview(next);
  }

  public Overview without(Municipality m) {
    EnumMap<Municipality, Aggregate> next = new EnumMap<>(Municipality.class);
    next.putAll(byMunicipality);
    next.remove(m);
    return new Overview(next);
  }

  public long tweetsTotal() {
    return byMunicipality.values().stream().mapToLong(Aggregate::count).sum();
  }

  public long lastEventMs() {
    return byMunicipality.values().stream().mapToLong(Aggregate::lastEventMs).max().orElse(0);
  }

  /**
   * Every panel hash of the layout (bar-chart hashes, conditions, extremes) as key → fields.
   * Municipalities without tweets have no field; the conditions hash always has all four
   * conditions.
   */
  public Map<String, Map<String, String>> panelHashes(StoreLayout layout) {
    Map<String, String> avg = new LinkedHashMap<>();
    Map<String, String> max = new LinkedHashMap<>();
    Map<String, String> min = new LinkedHashMap<>();
    Map<String, String> humidity = new LinkedHashMap<>();
    Map<String, String> reports = new LinkedHashMap<>();
    Map<String, String> conditions = new LinkedHashMap<>();
    for (Condition c : Condition.values()) {
      conditions.put(
          c.id(),
          Long.toString(
              byMunicipality.values().stream().mapToLong(a -> a.conditionCount(c)).sum()));
    }
    Municipality hottest = null;
    Municipality coldest = null;
    for (Map.Entry<Municipality, Aggregate> e : byMunicipality.entrySet()) {
      Municipality m = e.getKey();
      Aggregate a = e.getValue();
      avg.put(m.id(), a.temperatureAvg());
      max.put(m.id(), Integer.toString(a.temperatureMax()));
      min.put(m.id(), Integer.toString(a.temperatureMin()));
      humidity.put(m.id(), a.humidityAvg());
      reports.put(m.id(), Long.toString(a.count()));
      // Ties go to the first municipality in enum order: strictly greater/smaller replaces.
      if (hottest == null || a.temperatureMax() > byMunicipality.get(hottest).temperatureMax()) {
        hottest = m;
      }
      if (coldest == null || a.temperatureMin() < byMunicipality.get(coldest).temperatureMin()) {
        coldest = m;
      }
    }
    Map<String, String> extremes = new LinkedHashMap<>();
    if (hottest != null) {
      extremes.put(
          "temperature_max", Integer.toString(byMunicipality.get(hottest).temperatureMax()));
      extremes.put("temperature_max_municipality", hottest.id());
      extremes.put(
          "temperature_min", Integer.toString(byMunicipality.get(coldest).temperatureMin()));
      extremes.put("temperature_min_municipality", coldest.id());
    }
    Map<String, Map<String, String>> hashes = new LinkedHashMap<>();
    hashes.put(layout.temperatureAvg(), avg);
    hashes.put(layout.temperatureMax(), max);
    hashes.put(layout.temperatureMin(), min);
    hashes.put(layout.humidityAvg(), humidity);
    hashes.put(layout.reports(), reports);
    hashes.put(layout.conditions(), conditions);
    hashes.put(layout.extremes(), extremes);
    return hashes;
  }
}
