package io.weathertweets.streams.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.weathertweets.aggregates.Meters;
import io.weathertweets.aggregates.StallCheck;
import io.weathertweets.aggregates.TweetPath;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The pipeline meters of the Kafka path ({@code path=kafka}). */
public final class PipelineMetrics {
  public static final String PATH = TweetPath.KAFKA.id();

  private final Counter processed;
  private final Counter late;
  private final Counter dlq;
  private final Counter duplicates;
  private final Timer storeWrite;
  private final Counter staleWrites;
  private final Timer e2e;
  private final StallCheck stall;

  public PipelineMetrics(MeterRegistry registry) {
    this(registry, StallCheck.DEFAULT_LIMIT);
  }

  /**
   * @param stallAfter how long the path may consume nothing while tweets wait before health calls
   *     it stalled
   */
  public PipelineMetrics(MeterRegistry registry, Duration stallAfter) {
    stall = new StallCheck(TweetPath.KAFKA.describe(), stallAfter, System.currentTimeMillis());
    processed =
        Counter.builder(Meters.TWEETS_PROCESSED)
            .tag(Meters.PATH, PATH)
            .description("Tweets counted into the aggregates")
            .register(registry);
    late =
        Counter.builder(Meters.TWEETS_LATE)
            .tag(Meters.PATH, PATH)
            .description("Tweets too late for their window (still counted all-time)")
            .register(registry);
    dlq =
        Counter.builder(Meters.TWEETS_DLQ)
            .tag(Meters.PATH, PATH)
            .description("Records sent to the dead-letter topic")
            .register(registry);
    duplicates =
        Counter.builder(Meters.TWEETS_DUPLICATES)
            .tag(Meters.PATH, PATH)
            .description("Tweets ignored because their id was already counted")
            .register(registry);
    staleWrites =
        Counter.builder("weather.store.stale.writes")
            .tag(Meters.PATH, PATH)
            .description(
                "Writes not applied because the store already held newer figures (a fenced or paused "
                    + "instance, or a replay)")
            .register(registry);
    storeWrite =
        Timer.builder(Meters.STORE_WRITE_LATENCY)
            .tag(Meters.PATH, PATH)
            .description("One pipelined Redis update, including retries")
            .publishPercentileHistogram()
            .register(registry);
    e2e =
        Timer.builder(Meters.E2E_LATENCY)
            .tag(Meters.PATH, PATH)
            .description(
                "Accepted at the ingress until visible in Redis (newest tweet of each coalesced update)")
            .publishPercentileHistogram()
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  public void processed() {
    processed.increment();
    stall.progress(System.currentTimeMillis());
  }

  /** When this path last consumed something, for the stalled-path health check. */
  public StallCheck stall() {
    return stall;
  }

  public void late() {
    late.increment();
  }

  public void deadLettered() {
    dlq.increment();
    stall.progress(System.currentTimeMillis());
  }

  public void duplicate() {
    duplicates.increment();
    stall.progress(System.currentTimeMillis());
  }

  public void staleWriteSkipped() {
    staleWrites.increment();
  }

  public Timer storeWrite() {
    return storeWrite;
  }

  public void endToEnd(Duration latency) {
    if (!latency.isNegative()) {
      e2e.record(latency);
    }
  }

  /** The client-side percentile of the end-to-end timer in ms, 0 before the first sample. */
  public long endToEndPercentileMs(double percentile) {
    for (ValueAtPercentile v : e2e.takeSnapshot().percentileValues()) {
      if (v.percentile() == percentile) {
        return Math.round(v.value(TimeUnit.MILLISECONDS));
      }
    }
    return 0;
  }
}
