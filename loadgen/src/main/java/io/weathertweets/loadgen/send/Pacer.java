package io.weathertweets.loadgen.send;

import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop pacing: tweet {@code i} is due at {@code start + i / rate}, whatever happened before. A
 * worker that is late sends at once (it catches up) instead of shifting every later tweet, so the
 * run keeps the target rate on average and a slow answer does not silently lower it. Rate 0 means
 * unlimited.
 */
public final class Pacer {
  private final double tweetsPerSecond;
  private final long startNanos;

  public Pacer(double tweetsPerSecond, long startNanos) {
    if (tweetsPerSecond < 0 || Double.isNaN(tweetsPerSecond)) {
      throw new IllegalArgumentException("rate must be >= 0, was " + tweetsPerSecond);
    }
    this.tweetsPerSecond = tweetsPerSecond;
    this.startNanos = startNanos;
  }

  /** When the tweet with this index (0-based) may be sent, in {@link System#nanoTime()} terms. */
  public long dueNanos(long tweetIndex) {
    if (tweetsPerSecond == 0) {
      return startNanos;
    }
    return startNanos + (long) (tweetIndex * 1_000_000_000d / tweetsPerSecond);
  }

  /**
   * How long to wait at {@code nowNanos} before sending that tweet; 0 when it is due or overdue.
   */
  public long waitNanos(long tweetIndex, long nowNanos) {
    return Math.max(0, dueNanos(tweetIndex) - nowNanos);
  }

  /** Blocks the calling thread until the tweet is due. */
  public void awaitTurn(long tweetIndex) throws InterruptedException {
    long wait;
    while ((wait = waitNanos(tweetIndex, System.nanoTime())) > 0) {
      LockSupport.parkNanos(wait);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }
}
