package io.weathertweets.streams.it;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The expected store, computed from the tweets with plain loops and arrays (no Aggregate, no
 * Overview), so a bug in the shared model cannot hide behind itself. Averages follow the layout's
 * printing rule: the double quotient, two places, half-even (what C's printf "%.2f" does).
 */
final class GroundTruth {
  /** The catalogue's names; the proto enums number them 1, 2, ... in this order (CatalogueTest). */
  private static final List<String> MUNICIPALITIES = Municipality.ids();

  private static final List<String> CONDITIONS = Condition.ids();

  /**
   * Figures of one group of tweets: count, tsum, tmin, tmax, hsum, then one count per condition.
   */
  static final class Figures {
    long count;
    long temperatureSum;
    long temperatureMin = Long.MAX_VALUE;
    long temperatureMax = Long.MIN_VALUE;
    long humiditySum;
    final long[] conditions = new long[CONDITIONS.size()];

    void add(Tweet t) {
      count++;
      temperatureSum += t.getTemperature();
      if (t.getTemperature() < temperatureMin) {
        temperatureMin = t.getTemperature();
      }
      if (t.getTemperature() > temperatureMax) {
        temperatureMax = t.getTemperature();
      }
      humiditySum += t.getHumidity();
      conditions[t.getConditionValue() - 1]++;
    }

    Map<String, String> fields() {
      Map<String, String> f = new LinkedHashMap<>();
      f.put("count", Long.toString(count));
      f.put("temperature_sum", Long.toString(temperatureSum));
      f.put("temperature_min", Long.toString(temperatureMin));
      f.put("temperature_max", Long.toString(temperatureMax));
      f.put("temperature_avg", avg(temperatureSum, count));
      f.put("humidity_sum", Long.toString(humiditySum));
      f.put("humidity_avg", avg(humiditySum, count));
      for (int c = 0; c < CONDITIONS.size(); c++) {
        f.put(CONDITIONS.get(c), Long.toString(conditions[c]));
      }
      return f;
    }
  }

  final Map<String, Figures> allTime = new LinkedHashMap<>();

  /** municipality → window start → figures. */
  final Map<String, TreeMap<Long, Figures>> windows = new LinkedHashMap<>();

  final long tweetsTotal;
  final long lastEventMs;
  final long windowSizeMs;
  final long graceMs;
  final long streamTimeMs;

  GroundTruth(List<Tweet> tweets, long windowSizeMs, long graceMs) {
    this.windowSizeMs = windowSizeMs;
    this.graceMs = graceMs;
    long last = 0;
    for (Tweet t : tweets) {
      String m = MUNICIPALITIES.get(t.getMunicipalityValue() - 1);
      allTime.computeIfAbsent(m, k -> new Figures()).add(t);
      long start = t.getEventTimeMs() - Math.floorMod(t.getEventTimeMs(), windowSizeMs);
      windows
          .computeIfAbsent(m, k -> new TreeMap<>())
          .computeIfAbsent(start, k -> new Figures())
          .add(t);
      last = Math.max(last, t.getEventTimeMs());
    }
    tweetsTotal = tweets.size();
    lastEventMs = last;
    streamTimeMs = last;
  }

  /**
   * Windows whose end plus grace is at or before the stream time: their final result is in the
   * series.
   */
  Map<Long, Map<String, String>> closedWindows(String m) {
    Map<Long, Map<String, String>> closed = new TreeMap<>();
    windows
        .getOrDefault(m, new TreeMap<>())
        .forEach(
            (start, f) -> {
              if (start + windowSizeMs + graceMs <= streamTimeMs) {
                closed.put(start, f.fields());
              }
            });
    return closed;
  }

  /**
   * key suffix (after "prefix:") → expected hash, for every hash of the layout except window
   * hashes.
   */
  Map<String, Map<String, String>> hashes() {
    Map<String, Map<String, String>> h = new LinkedHashMap<>();
    Map<String, String> avg = new LinkedHashMap<>();
    Map<String, String> max = new LinkedHashMap<>();
    Map<String, String> min = new LinkedHashMap<>();
    Map<String, String> humidity = new LinkedHashMap<>();
    Map<String, String> reports = new LinkedHashMap<>();
    long[] conditions = new long[CONDITIONS.size()];
    String hottest = null;
    String coldest = null;
    for (String m : MUNICIPALITIES) {
      Figures f = allTime.get(m);
      if (f == null) {
        continue;
      }
      h.put("municipality:" + m, f.fields());
      avg.put(m, avg(f.temperatureSum, f.count));
      max.put(m, Long.toString(f.temperatureMax));
      min.put(m, Long.toString(f.temperatureMin));
      humidity.put(m, avg(f.humiditySum, f.count));
      reports.put(m, Long.toString(f.count));
      for (int c = 0; c < CONDITIONS.size(); c++) {
        conditions[c] += f.conditions[c];
      }
      if (hottest == null || f.temperatureMax > allTime.get(hottest).temperatureMax) {
        hottest = m;
      }
      if (coldest == null || f.temperatureMin < allTime.get(coldest).temperatureMin) {
        coldest = m;
      }
    }
    h.put("temperature_avg", avg);
    h.put("temperature_max", max);
    h.put("temperature_min", min);
    h.put("humidity_avg", humidity);
    h.put("reports", reports);
    Map<String, String> cond = new LinkedHashMap<>();
    for (int c = 0; c < CONDITIONS.size(); c++) {
      cond.put(CONDITIONS.get(c), Long.toString(conditions[c]));
    }
    h.put("conditions", cond);
    h.put(
        "extremes",
        Map.of(
            "temperature_max",
            Long.toString(allTime.get(hottest).temperatureMax),
            "temperature_max_municipality",
            hottest,
            "temperature_min",
            Long.toString(allTime.get(coldest).temperatureMin),
            "temperature_min_municipality",
            coldest));
    return h;
  }

  private static String avg(long sum, long count) {
    return new BigDecimal((double) sum / (double) count)
        .setScale(2, RoundingMode.HALF_EVEN)
        .toPlainString();
  }
}
