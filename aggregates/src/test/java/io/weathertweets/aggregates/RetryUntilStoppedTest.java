package io.weathertweets.aggregates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryUntilStoppedTest {
  private final RetryUntilStopped retry =
      new RetryUntilStopped(Duration.ofMillis(1), Duration.ofMillis(4));
  private final List<String> failures = new ArrayList<>();
  private final List<Integer> recovered = new ArrayList<>();

  private RetryUntilStopped.Failure record() {
    return (attempt, failure, retryIn) ->
        failures.add(attempt + " " + failure.getMessage() + " " + retryIn.toMillis());
  }

  @Test
  void shouldReturnAtOnceWhenTheFirstAttemptSucceeds() throws Exception {
    assertThat(retry.run(() -> "ok", record(), recovered::add)).isEqualTo("ok");
    assertThat(failures).isEmpty();
    assertThat(recovered).isEmpty();
  }

  @Test
  void shouldRetryWithDoublingPausesUpToTheLongestAndReportEachFailure() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String result =
        retry.run(
            () -> {
              if (calls.incrementAndGet() < 6) {
                throw new IllegalStateException("down " + calls.get());
              }
              return "ok";
            },
            record(),
            recovered::add);

    assertThat(result).isEqualTo("ok");
    assertThat(failures)
        .containsExactly("1 down 1 1", "2 down 2 2", "3 down 3 4", "4 down 4 4", "5 down 5 4");
    assertThat(recovered).containsExactly(6);
  }

  @Test
  void shouldEndWithTheLastFailureOnceStopped() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry.run(
                    () -> {
                      if (calls.incrementAndGet() == 3) {
                        retry.stop();
                      }
                      throw new IllegalStateException("down " + calls.get());
                    },
                    record(),
                    recovered::add))
        .isInstanceOfSatisfying(
            RetryUntilStopped.Stopped.class,
            stopped -> {
              assertThat(stopped.interrupted()).isFalse();
              assertThat(stopped.getCause()).hasMessage("down 3");
            });
    assertThat(calls).hasValue(3);
    assertThat(failures).containsExactly("1 down 1 1", "2 down 2 2");
    assertThat(recovered).isEmpty();
  }

  @Test
  void shouldMakeOneAttemptOnlyWhenAlreadyStopped() {
    retry.stop();
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry.run(
                    () -> {
                      calls.incrementAndGet();
                      throw new IllegalStateException("down");
                    },
                    record(),
                    recovered::add))
        .isInstanceOf(RetryUntilStopped.Stopped.class);
    assertThat(calls).hasValue(1);
    assertThat(failures).isEmpty();
  }

  @Test
  void shouldSucceedAfterStopWhenTheAttemptSucceeds() throws Exception {
    retry.stop();
    assertThat(retry.run(() -> "ok", record(), recovered::add)).isEqualTo("ok");
  }

  @Test
  void shouldEndAsInterruptedWhenInterruptedWhilePausing() {
    RetryUntilStopped slow = new RetryUntilStopped(Duration.ofSeconds(30), Duration.ofSeconds(30));
    try {
      assertThatThrownBy(
              () ->
                  slow.run(
                      () -> {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("down");
                      },
                      record(),
                      recovered::add))
          .isInstanceOfSatisfying(
              RetryUntilStopped.Stopped.class,
              stopped -> {
                assertThat(stopped.interrupted()).isTrue();
                assertThat(stopped.getCause()).hasMessage("down");
              });
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void shouldRethrowErrorsWithoutRetrying() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry.run(
                    () -> {
                      calls.incrementAndGet();
                      throw new AssertionError("broken");
                    },
                    record(),
                    recovered::add))
        .isInstanceOf(AssertionError.class)
        .hasMessage("broken");
    assertThat(calls).hasValue(1);
    assertThat(failures).isEmpty();
  }
}
