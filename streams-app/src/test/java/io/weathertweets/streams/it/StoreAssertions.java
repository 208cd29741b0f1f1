package io.weathertweets.streams.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.resp.RawResp;
import java.util.LinkedHashMap;
import java.util.Map;

/** Compares every figure of the Redis layout under {@code prefix} with the ground truth. */
final class StoreAssertions {
  private StoreAssertions() {}

  static void assertStoreMatches(RawResp raw, String prefix, GroundTruth truth) {
    // meta first: it is the last thing written, and the cheapest sign of "not there yet".
    Map<String, String> meta = raw.hgetall(prefix + ":meta");
    assertThat(meta)
        .as("meta")
        .containsEntry("tweets_total", Long.toString(truth.tweetsTotal))
        .containsEntry("last_event_at", Long.toString(truth.lastEventMs))
        .containsEntry("window_size_ms", Long.toString(truth.windowSizeMs))
        .containsEntry("grace_ms", Long.toString(truth.graceMs))
        .containsEntry("path", "kafka");
    truth
        .hashes()
        .forEach(
            (suffix, expected) -> {
              Map<String, String> actual = new LinkedHashMap<>(raw.hgetall(prefix + ":" + suffix));
              if (suffix.startsWith("municipality:")) {
                assertThat(actual.remove("updated_at")).as(suffix + " updated_at").matches("\\d+");
              }
              assertThat(actual).as(suffix).isEqualTo(expected);
            });
    truth.windows.forEach(
        (m, windows) -> {
          Map<String, Map<String, String>> expectedSeries = new LinkedHashMap<>();
          truth
              .closedWindows(m)
              .forEach((start, fields) -> expectedSeries.put(start + "-0", fields));
          assertThat(raw.xrange(prefix + ":series:" + m))
              .as("series of " + m)
              .isEqualTo(expectedSeries);
          windows.forEach(
              (start, figures) -> {
                Map<String, String> actual =
                    new LinkedHashMap<>(raw.hgetall(prefix + ":window:" + m + ":" + start));
                actual.remove("updated_at");
                assertThat(actual).as("window " + m + " " + start).isEqualTo(figures.fields());
              });
        });
  }
}
