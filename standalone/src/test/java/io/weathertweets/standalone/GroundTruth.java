package io.weathertweets.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.redisson.api.RedissonClient;

/**
 * What the stores must hold for the tweets a test sent, computed with plain loops (not with the
 * production aggregate classes), and the assertion that a store holds exactly that.
 */
final class GroundTruth {
  static final List<String> MUNICIPALITIES = Municipality.ids();
  static final List<String> CONDITIONS = Condition.ids();

  /**
   * municipality → count, temperature sum, min, max, humidity sum, then one count per condition.
   */
  private final Map<String, long[]> figures = new TreeMap<>();

  void add(String municipality, int temperature, int humidity, String condition) {
    long[] a =
        figures.computeIfAbsent(
            municipality,
            k -> {
              long[] fresh = new long[5 + CONDITIONS.size()];
              fresh[2] = Long.MAX_VALUE;
              fresh[3] = Long.MIN_VALUE;
              return fresh;
            });
    a[0]++;
    a[1] += temperature;
    a[2] = Math.min(a[2], temperature);
    a[3] = Math.max(a[3], temperature);
    a[4] += humidity;
    a[5 + CONDITIONS.indexOf(condition)]++;
  }

  long total() {
    return figures.values().stream().mapToLong(a -> a[0]).sum();
  }

  /**
   * Every all-time hash, panel hash, the conditions and the extremes of the store under {@code
   * prefix}.
   */
  void assertStoreHolds(RedissonClient store, String prefix) {
    Map<String, String> conditions = new LinkedHashMap<>();
    for (int c = 0; c < CONDITIONS.size(); c++) {
      long sum = 0;
      for (long[] a : figures.values()) {
        sum += a[5 + c];
      }
      conditions.put(CONDITIONS.get(c), Long.toString(sum));
    }
    assertThat(hash(store, prefix + ":conditions")).isEqualTo(conditions);
    String hottest = null;
    String coldest = null;
    for (String m : MUNICIPALITIES) {
      long[] a = figures.get(m);
      Map<String, String> expected = new HashMap<>();
      expected.put("count", Long.toString(a[0]));
      expected.put("temperature_sum", Long.toString(a[1]));
      expected.put("temperature_min", Long.toString(a[2]));
      expected.put("temperature_max", Long.toString(a[3]));
      expected.put("temperature_avg", avg(a[1], a[0]));
      expected.put("humidity_sum", Long.toString(a[4]));
      expected.put("humidity_avg", avg(a[4], a[0]));
      for (int c = 0; c < CONDITIONS.size(); c++) {
        expected.put(CONDITIONS.get(c), Long.toString(a[5 + c]));
      }
      Map<String, String> stored = hash(store, prefix + ":municipality:" + m);
      stored.remove("updated_at");
      assertThat(stored).as("%s in %s", m, store).isEqualTo(expected);
      assertThat(hash(store, prefix + ":reports")).containsEntry(m, Long.toString(a[0]));
      assertThat(hash(store, prefix + ":temperature_avg")).containsEntry(m, avg(a[1], a[0]));
      assertThat(hash(store, prefix + ":humidity_avg")).containsEntry(m, avg(a[4], a[0]));
      assertThat(hash(store, prefix + ":temperature_max")).containsEntry(m, Long.toString(a[3]));
      assertThat(hash(store, prefix + ":temperature_min")).containsEntry(m, Long.toString(a[2]));
      if (hottest == null || a[3] > figures.get(hottest)[3]) {
        hottest = m;
      }
      if (coldest == null || a[2] < figures.get(coldest)[2]) {
        coldest = m;
      }
    }
    assertThat(hash(store, prefix + ":extremes"))
        .isEqualTo(
            Map.of(
                "temperature_max",
                Long.toString(figures.get(hottest)[3]),
                "temperature_max_municipality",
                hottest,
                "temperature_min",
                Long.toString(figures.get(coldest)[2]),
                "temperature_min_municipality",
                coldest));
    assertThat(hash(store, prefix + ":meta")).containsEntry("tweets_total", Long.toString(total()));
  }

  /** The documented rounding: two places, half-even on the exact binary value of the quotient. */
  private static String avg(long sum, long count) {
    return new BigDecimal((double) sum / count).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
  }

  private static Map<String, String> hash(RedissonClient store, String key) {
    return new HashMap<>(store.<String, String>getMap(key).readAllMap());
  }
}
