package io.weathertweets.aggregates;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells a consumer that is merely idle from one that has stopped: it is stalled when work is
 * waiting (lag above zero) and nothing has been consumed for longer than {@link #limit()} (default
 * 60 s). Both consumers feed it and turn its verdict into health DOWN, with a sentence an operator
 * can act on.
 */
public final class StallCheck {
  /** The default of both consumers' {@code weather.health.stall-after}, as a setting's text. */
  public static final String DEFAULT_STALL_AFTER = "60s";

  public static final Duration DEFAULT_LIMIT = Duration.parse("PT" + DEFAULT_STALL_AFTER);

  private final String path;
  private final Duration limit;
  private final AtomicLong lastProgressMs;

  /**
   * @param path what the sentence names, e.g. "Kafka path (streams-app)"
   */
  public StallCheck(String path, Duration limit, long nowMs) {
    this.path = path;
    this.limit = limit;
    this.lastProgressMs = new AtomicLong(nowMs);
  }

  /** Something was consumed (counted, skipped as a duplicate, or dead-lettered). */
  public void progress(long nowMs) {
    lastProgressMs.set(nowMs);
  }

  public Duration limit() {
    return limit;
  }

  /** Seconds since something was last consumed. */
  public long idleSeconds(long nowMs) {
    return Math.max(0, nowMs - lastProgressMs.get()) / 1000;
  }

  /**
   * Why the path counts as stalled, or empty when it does not.
   *
   * @param lag tweets waiting for this consumer; negative when unknown (never a stall by itself)
   */
  public Optional<String> stalled(long lag, long nowMs) {
    long idle = idleSeconds(nowMs);
    if (lag > 0 && idle * 1000 >= limit.toMillis()) {
      return Optional.of(
          String.format(
              "%s has stopped consuming: %,d tweets behind, nothing consumed for %d s",
              path, lag, idle));
    }
    return Optional.empty();
  }
}
