package io.weathertweets.loadgen.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PacerTest {
  private static final long START = 5_000_000_000L;

  @Test
  void shouldSpreadTweetsEvenlyAtTheTargetRate() {
    Pacer pacer = new Pacer(1000, START);

    assertThat(pacer.dueNanos(0)).isEqualTo(START);
    assertThat(pacer.dueNanos(1)).isEqualTo(START + 1_000_000);
    assertThat(pacer.dueNanos(1000)).isEqualTo(START + 1_000_000_000);
    assertThat(pacer.dueNanos(25_000)).isEqualTo(START + 25_000_000_000L);
  }

  @Test
  void shouldHandleFractionalRatesWithoutDrift() {
    Pacer pacer = new Pacer(3, START);

    assertThat(pacer.dueNanos(3)).isEqualTo(START + 1_000_000_000);
    assertThat(pacer.dueNanos(300_000)).isEqualTo(START + 100_000_000_000_000L);
    assertThat(pacer.dueNanos(1)).isEqualTo(START + 333_333_333);
  }

  @Test
  void shouldWaitOnlyUntilTheTweetIsDueAndNeverForAnOverdueOne() {
    Pacer pacer = new Pacer(100, START);

    assertThat(pacer.waitNanos(10, START)).isEqualTo(100_000_000);
    assertThat(pacer.waitNanos(10, START + 40_000_000)).isEqualTo(60_000_000);
    assertThat(pacer.waitNanos(10, START + 100_000_000)).isZero();
    assertThat(pacer.waitNanos(10, START + 900_000_000))
        .as("late: catch up, no negative wait")
        .isZero();
  }

  @Test
  void shouldPaceABatchByItsFirstTweet() {
    Pacer pacer = new Pacer(500, START);

    // Batches of 100 at 500 tweets/s: one batch every 200 ms.
    assertThat(pacer.dueNanos(100) - pacer.dueNanos(0)).isEqualTo(200_000_000);
    assertThat(pacer.dueNanos(200) - pacer.dueNanos(100)).isEqualTo(200_000_000);
  }

  @Test
  void shouldNeverWaitWhenTheRateIsUnlimited() {
    Pacer pacer = new Pacer(0, START);

    assertThat(pacer.dueNanos(1_000_000)).isEqualTo(START);
    assertThat(pacer.waitNanos(1_000_000, START)).isZero();
  }

  @Test
  void shouldRefuseANegativeRate() {
    assertThatThrownBy(() -> new Pacer(-1, START)).isInstanceOf(IllegalArgumentException.class);
  }
}
