package io.weathertweets.loadgen.report;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles in milliseconds, from a histogram of microseconds. HdrHistogram keeps three
 * significant digits, so each figure is within 0.1 % of the true value.
 *
 * @param requests how many values the histogram holds
 */
public record Latency(long requests, double p50Ms, double p90Ms, double p99Ms, double maxMs) {

  public static Latency of(Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return new Latency(0, 0, 0, 0, 0);
    }
    return new Latency(
        micros.getTotalCount(),
        ms(micros.getValueAtPercentile(50)),
        ms(micros.getValueAtPercentile(90)),
        ms(micros.getValueAtPercentile(99)),
        ms(micros.getMaxValue()));
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }
}
