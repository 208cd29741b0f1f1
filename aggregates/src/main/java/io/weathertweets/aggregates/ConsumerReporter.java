package io.weathertweets.aggregates;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a consumer's {@link ConsumerReport} into its store every {@code every}, on a thread of its
 * own: a stream thread or listener that is stuck does not stop the report, so the report tells that
 * it is stuck. A store that cannot be written leaves the last report to age, and its readers say
 * so.
 */
public final class ConsumerReporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsumerReporter.class);
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  private final RedissonClient client;
  private final String key;
  private final Supplier<ConsumerReport> report;
  private final ScheduledExecutorService timer;

  public ConsumerReporter(
      RedissonClient client, StoreLayout layout, Supplier<ConsumerReport> report, Duration every) {
    this.client = client;
    this.key = layout.consumer();
    this.report = report;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("consumer-report").factory());
    timer.scheduleWithFixedDelay(this::write, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Reports of {@code path}'s consumer every {@link #DEFAULT_INTERVAL}, each taken at the time it
   * is written: the lag, the idle time and any stall from {@code stall}, and the age in seconds of
   * the oldest waiting tweet at that time ({@code -1} where the path cannot know it).
   */
  public static ConsumerReporter forPath(
      RedissonClient client,
      StoreLayout layout,
      TweetPath path,
      LongSupplier lag,
      StallCheck stall,
      LongUnaryOperator oldestWaitSecondsAt,
      PathSemantics semantics) {
    return new ConsumerReporter(
        client,
        layout,
        () -> {
          long now = System.currentTimeMillis();
          long waiting = lag.getAsLong();
          return new ConsumerReport(
              path.consumer(),
              now,
              waiting,
              stall.idleSeconds(now),
              stall.stalled(waiting, now).orElse(null),
              oldestWaitSecondsAt.applyAsLong(now),
              semantics);
        },
        DEFAULT_INTERVAL);
  }

  /** Writes the report now (the timer does so on its own). */
  public void write() {
    try {
      client
          .<String, String>getMap(key, StringCodec.INSTANCE)
          .putAllAsync(report.get().toFields())
          .whenComplete(
              (ok, e) -> {
                if (e != null) {
                  log.debug("Consumer report not written to {}: {}", key, e.toString());
                }
              });
    } catch (RuntimeException e) {
      log.debug("Consumer report not written to {}: {}", key, e.toString());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
