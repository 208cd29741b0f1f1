package io.weathertweets.aggregates;

import java.math.BigDecimal;
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
   * Every panel hash of the layout ({@link Panel}, in its order) as key → fields. Municipalities
   * without tweets have no field; the conditions hash always has every condition.
   */
  public Map<String, Map<String, String>> panelHashes(StoreLayout layout) {
    Map<Municipality, Map<String, String>> figures = new EnumMap<>(Municipality.class);
    byMunicipality.forEach((m, a) -> figures.put(m, a.toFields()));
    Map<String, Map<String, String>> hashes = new LinkedHashMap<>();
    for (Panel panel : Panel.values()) {
      hashes.put(layout.panel(panel), panelHash(panel, figures));
    }
    return hashes;
  }

  private Map<String, String> panelHash(
      Panel panel, Map<Municipality, Map<String, String>> figures) {
    Map<String, String> fields = new LinkedHashMap<>();
    switch (panel.kind()) {
      case PER_MUNICIPALITY -> figures.forEach((m, f) -> fields.put(m.id(), f.get(panel.figure())));
      case PER_CONDITION -> {
        for (Condition c : Condition.values()) {
          long count = byMunicipality.values().stream().mapToLong(a -> a.conditionCount(c)).sum();
          fields.put(c.id(), Long.toString(count));
        }
      }
      case EXTREMES -> {
        for (Panel.Extreme extreme : panel.extremes()) {
          Municipality best = null;
          BigDecimal bestValue = null;
          for (Map.Entry<Municipality, Map<String, String>> e : figures.entrySet()) {
            BigDecimal value = new BigDecimal(e.getValue().get(extreme.figure()));
            // Ties go to the first municipality in enum order: strictly greater/smaller replaces.
            if (bestValue == null
                || (extreme.highest()
                    ? value.compareTo(bestValue) > 0
                    : value.compareTo(bestValue) < 0)) {
              best = e.getKey();
              bestValue = value;
            }
          }
          if (best != null) {
            fields.put(extreme.figure(), figures.get(best).get(extreme.figure()));
            fields.put(extreme.municipalityField(), best.id());
          }
        }
      }
    }
    return fields;
  }
}
