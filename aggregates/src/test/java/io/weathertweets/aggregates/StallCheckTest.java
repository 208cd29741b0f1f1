package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StallCheckTest {
  private final StallCheck check = new StallCheck("Kafka path", Duration.ofSeconds(60), 0);

  @Test
  void shouldCallAPathWithWorkWaitingAndNoProgressForAMinuteStalled() {
    assertThat(check.stalled(1_204, 52_000)).isEmpty();
    assertThat(check.stalled(1_204, 61_000))
        .contains(
            "Kafka path has stopped consuming: 1,204 tweets behind, nothing consumed for 61 s");
  }

  @Test
  void shouldNotCallAnIdlePathStalled() {
    assertThat(check.stalled(0, 600_000)).isEmpty();
    assertThat(check.stalled(-1, 600_000)).as("lag unknown").isEmpty();
  }

  @Test
  void shouldStartCountingAgainAfterProgress() {
    check.progress(100_000);
    assertThat(check.stalled(5, 150_000)).isEmpty();
    assertThat(check.idleSeconds(150_000)).isEqualTo(50);
  }
}
