package io.weathertweets.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Percentiles of what a Prometheus histogram recorded between two scrapes: the difference of the
 * cumulative bucket counts, so a scenario's latency is not mixed with the scenarios before it
 * (Micrometer's own client-side percentiles decay over minutes and cannot be split by scenario).
 * Reported value = upper bound of the bucket holding the percentile, linearly interpolated inside
 * it as Prometheus' histogram_quantile does.
 *
 * <p>Usage: {@code HistogramDelta <before.txt> <after.txt> <metric> <label-substring>}, e.g. {@code
 * weather_e2e_latency_seconds path="kafka"}; prints {@code count=<n> p50_ms=<x> p99_ms=<y>}.
 */
public final class HistogramDelta {
  private HistogramDelta() {}

  public static void main(String[] args) throws IOException {
    Quantiles q = between(Path.of(args[0]), Path.of(args[1]), args[2], args[3]);
    System.out.printf("count=%.0f p50_ms=%s p99_ms=%s%n", q.count(), q.p50Ms(), q.p99Ms());
  }

  /** What the histogram recorded between two scrapes; a percentile is "NA" when nothing was. */
  public record Quantiles(double count, String p50Ms, String p99Ms) {}

  public static Quantiles between(Path before, Path after, String metric, String label)
      throws IOException {
    Map<Double, Double> first = buckets(before, metric, label);
    Map<Double, Double> second = buckets(after, metric, label);
    TreeMap<Double, Double> delta = new TreeMap<>();
    second.forEach((le, count) -> delta.put(le, count - first.getOrDefault(le, 0.0)));
    double total = delta.isEmpty() ? 0 : delta.lastEntry().getValue();
    return new Quantiles(total, quantile(delta, total, 0.5), quantile(delta, total, 0.99));
  }

  private static String quantile(TreeMap<Double, Double> buckets, double total, double q) {
    if (total <= 0) {
      return "NA";
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
      if (bucket.getValue() >= rank) {
        if (bucket.getKey().isInfinite()) {
          return String.format("%.1f", lowerBound * 1000);
        }
        double inBucket = bucket.getValue() - lowerCount;
        double fraction = inBucket <= 0 ? 1 : (rank - lowerCount) / inBucket;
        return String.format(
            "%.1f", (lowerBound + (bucket.getKey() - lowerBound) * fraction) * 1000);
      }
      lowerBound = bucket.getKey();
      lowerCount = bucket.getValue();
    }
    return "NA";
  }

  private static Map<Double, Double> buckets(Path file, String metric, String label)
      throws IOException {
    Map<Double, Double> result = new TreeMap<>();
    if (!Files.exists(file)) {
      return result;
    }
    for (String line : Files.readAllLines(file)) {
      if (!line.startsWith(metric + "_bucket{") || !line.contains(label)) {
        continue;
      }
      int le = line.indexOf("le=\"") + 4;
      String bound = line.substring(le, line.indexOf('"', le));
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      result.merge(
          bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound),
          value,
          Double::sum);
    }
    return result;
  }
}
