package io.weathertweets.aggregates;

import java.time.Duration;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * How both consumers write to their store: an attempt that fails is retried, without limit, with
 * exponential backoff (doubling from the initial pause up to the longest one), until it succeeds or
 * the application stops. Once {@link #stop()} was called, the next failing attempt ends the retries
 * at once with {@link Stopped}, so that shutdown is not held up; an attempt already running or a
 * pause already begun is not cut short.
 *
 * <p>The loop, the pauses and the interruption handling are Spring's {@link RetryTemplate}; this
 * class adds the stop, and tells the caller about each failure (with the pause that follows it,
 * before the pause) and about a success that needed more than one attempt. Errors ({@link Error})
 * are not retried and are rethrown as they are. Safe for concurrent use: every call has its own
 * attempt count and backoff.
 */
public final class RetryUntilStopped {
  /** Told about an attempt that failed and is retried after {@code retryIn}; never once stopped. */
  @FunctionalInterface
  public interface Failure {
    void retrying(int attempt, RuntimeException failure, Duration retryIn);
  }

  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private volatile boolean stopped;

  public RetryUntilStopped(Duration initialBackoff, Duration maxBackoff) {
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /**
   * From now on a failing attempt ends the retries with {@link Stopped} instead of being retried.
   */
  public void stop() {
    stopped = true;
  }

  public boolean stopped() {
    return stopped;
  }

  /**
   * Runs {@code attempt} until it returns. {@code failure} hears of every failed attempt that will
   * be retried; {@code recovered} gets the number of attempts when more than one was needed.
   *
   * @throws Stopped when an attempt failed after {@link #stop()}, or the thread was interrupted
   *     while pausing
   */
  public <R> R run(Supplier<? extends R> attempt, Failure failure, IntConsumer recovered)
      throws Stopped {
    // The first attempt runs without the retry machinery: almost every store write succeeds at
    // once, and the writers call this per write.
    RuntimeException firstFailure;
    try {
      return attempt.get();
    } catch (RuntimeException e) {
      firstFailure = e;
    }
    Call<R> call = new Call<>(attempt, firstFailure);
    ExponentialBackOff backOff = new ExponentialBackOff(initialBackoff.toMillis(), 2);
    backOff.setMaxInterval(maxBackoff.toMillis());
    RetryPolicy policy =
        RetryPolicy.builder()
            .predicate(e -> e instanceof RuntimeException && !stopped)
            .backOff(
                () -> {
                  BackOffExecution pauses = backOff.start();
                  return () -> {
                    long pauseMs = pauses.nextBackOff();
                    if (pauseMs != BackOffExecution.STOP) {
                      failure.retrying(call.attempts, call.lastFailure, Duration.ofMillis(pauseMs));
                    }
                    return pauseMs;
                  };
                })
            .build();
    R result;
    try {
      result = new RetryTemplate(policy).execute(call::attempt);
    } catch (RetryException e) {
      if (e.getLastException() instanceof Error error) {
        throw error;
      }
      throw new Stopped(call.lastFailure, Thread.currentThread().isInterrupted());
    }
    if (call.attempts > 1) {
      recovered.accept(call.attempts);
    }
    return result;
  }

  /**
   * One call's attempts, on the calling thread only. The template's first execution reports the
   * failure of the attempt already made, so that the template pauses before the second one.
   */
  private static final class Call<R> {
    private final Supplier<? extends R> attempt;
    private int attempts = 1;
    private RuntimeException lastFailure;
    private boolean replayedFirst;

    Call(Supplier<? extends R> attempt, RuntimeException firstFailure) {
      this.attempt = attempt;
      this.lastFailure = firstFailure;
    }

    R attempt() {
      if (!replayedFirst) {
        replayedFirst = true;
        throw lastFailure;
      }
      attempts++;
      try {
        return attempt.get();
      } catch (RuntimeException e) {
        lastFailure = e;
        throw e;
      }
    }
  }

  /**
   * The retries ended without success: an attempt failed after {@link #stop()} ({@link
   * #interrupted()} false), or the thread was interrupted while pausing (true; its interrupt flag
   * is set again). The cause is the last failure.
   */
  public static final class Stopped extends Exception {
    private final boolean interrupted;

    Stopped(RuntimeException lastFailure, boolean interrupted) {
      super(
          interrupted ? "interrupted while waiting to retry" : "stopped while retrying",
          lastFailure);
      this.interrupted = interrupted;
    }

    public boolean interrupted() {
      return interrupted;
    }

    @Override
    public synchronized RuntimeException getCause() {
      return (RuntimeException) super.getCause();
    }
  }
}
