package io.weathertweets.faults;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

/**
 * The additive figures of the all-time aggregates (count, sums, counts per condition) per
 * municipality, plus the path's {@code tweets_total}. Additive, so the change over one scenario can
 * be compared with the tweets that scenario got accepted, whatever earlier scenarios left in the
 * store.
 */
record Tally(Map<Municipality, Aggregate> perMunicipality, long tweetsTotal) {

  static final Tally EMPTY = new Tally(Map.of(), 0);

  static Tally of(Collection<LoadDriver.SentTweet> tweets) {
    Map<Municipality, Aggregate> result = new EnumMap<>(Municipality.class);
    for (LoadDriver.SentTweet t : tweets) {
      result.merge(
          t.municipality(),
          Aggregate.EMPTY.plus(t.temperature(), t.humidity(), t.condition(), 0),
          Tally::add);
    }
    return new Tally(additive(result), tweets.size());
  }

  static Tally ofStore(Map<Municipality, Aggregate> allTime, long tweetsTotal) {
    return new Tally(additive(allTime), tweetsTotal);
  }

  /** Total count over the municipalities: what the path counted. */
  long count() {
    return perMunicipality.values().stream().mapToLong(Aggregate::count).sum();
  }

  Tally minus(Tally earlier) {
    Map<Municipality, Aggregate> result = new EnumMap<>(Municipality.class);
    for (Municipality m : Municipality.values()) {
      Aggregate now = perMunicipality.getOrDefault(m, Aggregate.EMPTY);
      Aggregate before = earlier.perMunicipality.getOrDefault(m, Aggregate.EMPTY);
      Aggregate d =
          new Aggregate(
              now.count() - before.count(),
              now.temperatureSum() - before.temperatureSum(),
              0,
              0,
              now.humiditySum() - before.humiditySum(),
              now.sunny() - before.sunny(),
              now.cloudy() - before.cloudy(),
              now.rainy() - before.rainy(),
              now.foggy() - before.foggy(),
              0);
      if (!d.equals(Aggregate.EMPTY)) {
        result.put(m, d);
      }
    }
    return new Tally(result, tweetsTotal - earlier.tweetsTotal);
  }

  private static Aggregate add(Aggregate a, Aggregate b) {
    return new Aggregate(
        a.count() + b.count(),
        a.temperatureSum() + b.temperatureSum(),
        0,
        0,
        a.humiditySum() + b.humiditySum(),
        a.sunny() + b.sunny(),
        a.cloudy() + b.cloudy(),
        a.rainy() + b.rainy(),
        a.foggy() + b.foggy(),
        0);
  }

  private static Map<Municipality, Aggregate> additive(Map<Municipality, Aggregate> in) {
    Map<Municipality, Aggregate> out = new EnumMap<>(Municipality.class);
    in.forEach(
        (m, a) -> {
          Aggregate only =
              new Aggregate(
                  a.count(),
                  a.temperatureSum(),
                  0,
                  0,
                  a.humiditySum(),
                  a.sunny(),
                  a.cloudy(),
                  a.rainy(),
                  a.foggy(),
                  0);
          if (!only.equals(Aggregate.EMPTY)) {
            out.put(m, only);
          }
        });
    return out;
  }
}
