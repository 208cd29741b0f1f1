package io.weathertweets.aggregates;

import java.time.Duration;

/**
 * Tumbling event-time windows: declared once (size and grace), everything else derives from them. A
 * window covers {@code [start, start + size)} — the upper bound is exclusive. A tweet is too late
 * for its window when the window's end plus the grace is at or before the stream time (the largest
 * event time seen so far); such tweets still count in the all-time figures, but not in any window.
 */
public record WindowSpec(Duration size, Duration grace) {

  public static final WindowSpec DEFAULT =
      new WindowSpec(Duration.ofMinutes(1), Duration.ofSeconds(10));

  public WindowSpec {
    if (size.isNegative() || size.isZero()) {
      throw new IllegalArgumentException("window size must be positive, was " + size);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("window grace must not be negative, was " + grace);
    }
  }

  public long sizeMs() {
    return size.toMillis();
  }

  public long graceMs() {
    return grace.toMillis();
  }

  /** Start of the window that holds {@code eventMs}. */
  public long windowStart(long eventMs) {
    return eventMs - Math.floorMod(eventMs, sizeMs());
  }

  /**
   * True when the window starting at {@code windowStartMs} no longer accepts tweets at {@code
   * streamTimeMs}.
   */
  public boolean isClosed(long windowStartMs, long streamTimeMs) {
    return windowStartMs + sizeMs() + graceMs() <= streamTimeMs;
  }
}
