package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

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
