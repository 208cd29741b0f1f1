package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerReportTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final long STALE_AFTER_MS = 30_000;

  @Test
  void shouldReadBackWhatItWrites() {
    ConsumerReport report = new ConsumerReport("streams-app", NOW, 1204, 52, null);

    assertThat(ConsumerReport.fromFields(report.toFields())).contains(report);
    assertThat(report.toFields()).containsEntry("stalled", "");
    assertThat(ConsumerReport.fromFields(Map.of())).isEmpty();
    assertThat(ConsumerReport.fromFields(Map.of("reported_at", "soon"))).isEmpty();
    ConsumerReport withAge = new ConsumerReport("rabbit-bridge", NOW, 1204, 52, null, 61);
    assertThat(ConsumerReport.fromFields(withAge.toFields())).contains(withAge);
    // A report written before the age was measured reads as "not measured".
    assertThat(ConsumerReport.fromFields(Map.of("reported_at", "1", "lag", "3")))
        .get()
        .extracting(ConsumerReport::oldestWaitSeconds)
        .isEqualTo(-1L);
  }

  @Test
  void shouldCarryTheSemanticsItsConsumerRunsWith() {
    PathSemantics semantics =
        new PathSemantics(
            new PathSemantics.Window(Duration.ofMinutes(1), Duration.ofMillis(1500)),
            new PathSemantics.Dedup(Duration.ofHours(1)),
            new PathSemantics.Time(Duration.ofMinutes(5)));
    ConsumerReport report = new ConsumerReport("streams-app", NOW, 0, 0, null, -1, semantics);

    assertThat(report.toFields())
        .containsEntry("window_size_ms", "60000")
        .containsEntry("grace_ms", "1500")
        .containsEntry("dedup_horizon_ms", "3600000")
        .containsEntry("max_ahead_ms", "300000");
    assertThat(ConsumerReport.fromFields(report.toFields())).contains(report);
    assertThat(report.view(NOW, STALE_AFTER_MS).semantics()).isEqualTo(semantics);
    // A stale report's consumer may have been replaced: its semantics are unknown.
    assertThat(report.view(NOW + STALE_AFTER_MS + 1_000, STALE_AFTER_MS).semantics()).isNull();
    // A consumer of a release that does not write semantics leaves an earlier one's in the hash.
    Map<String, String> rolledBack = new java.util.HashMap<>(report.toFields());
    rolledBack.put("reported_at", Long.toString(NOW + 5_000));
    assertThat(ConsumerReport.fromFields(rolledBack))
        .get()
        .extracting(ConsumerReport::semantics)
        .isNull();
    // A report of a consumer that does not say reads as "unknown", not as some default.
    assertThat(ConsumerReport.fromFields(Map.of("reported_at", "1")))
        .get()
        .extracting(ConsumerReport::semantics)
        .isNull();

    PathSemantics other =
        new PathSemantics(
            new PathSemantics.Window(Duration.ofMinutes(2), Duration.ofMillis(1500)),
            semantics.dedup(),
            new PathSemantics.Time(Duration.ofMinutes(10)));
    assertThat(semantics.differences(semantics)).isEmpty();
    assertThat(semantics.differences(other))
        .containsExactly("window size 60 s vs 120 s", "max-ahead 300 s vs 600 s");
  }

  @Test
  void shouldNameTheAgeOfTheOldestWaitingTweetWhenItIsMeasured() {
    ConsumerReport.View behind =
        new ConsumerReport("rabbit-bridge", NOW, 1204, 52, null, 61).view(NOW, STALE_AFTER_MS);
    assertThat(behind.oldestWaitSeconds()).isEqualTo(61);
    assertThat(behind.summary())
        .isEqualTo("1,204 tweets behind, the oldest waiting 61 s, nothing processed for 52 s");
    assertThat(view(1204, 52, null, 0).oldestWaitSeconds()).isNull();
  }

  @Test
  void shouldSayInOneLineHowFarBehindThePathIs() {
    assertThat(view(0, 0, null, 0).summary()).isEqualTo("caught up");
    assertThat(view(1204, 2, null, 0).summary()).isEqualTo("1,204 tweets behind");
    assertThat(view(1204, 52, null, 0).summary())
        .isEqualTo("1,204 tweets behind, nothing processed for 52 s");
    assertThat(view(-1, 7, null, 0))
        .satisfies(
            v -> {
              assertThat(v.lag()).isNull();
              assertThat(v.summary()).startsWith("lag unknown");
            });
  }

  @Test
  void shouldCallThePathStoppedWhenItsConsumerSaysSoOrStopsReporting() {
    ConsumerReport.View stalled =
        view(1204, 75, "Kafka path (streams-app) has stopped consuming: …", 0);
    assertThat(stalled.stalled()).startsWith("Kafka path (streams-app) has stopped consuming");
    assertThat(stalled.summary())
        .isEqualTo("stopped: 1,204 tweets behind, nothing processed for 75 s");

    assertThat(view(0, 0, null, 30_000).stalled()).isNull();
    ConsumerReport.View silent = view(0, 0, null, 31_000);
    assertThat(silent.reportAgeSeconds()).isEqualTo(31);
    assertThat(silent.stalled())
        .isEqualTo(
            "no report from the streams-app for 31 s: is it running, and can it reach its store?");
  }

  private static ConsumerReport.View view(long lag, long idleSeconds, String stalled, long ageMs) {
    return new ConsumerReport("streams-app", NOW - ageMs, lag, idleSeconds, stalled)
        .view(NOW, STALE_AFTER_MS);
  }
}
