package io.weathertweets.bridge.consume;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.OldestWait;
import io.weathertweets.aggregates.TweetPath;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The bridge's consumer lag: messages ready in its queue, and how long the oldest waiting tweet has waited
 * ({@link OldestWait}). Refreshed in the background so a Prometheus scrape never waits on the broker; -1 while the
 * broker cannot be asked.
 */
class QueueDepth {
  private static final Logger log = LoggerFactory.getLogger(QueueDepth.class);

  private final AmqpAdmin admin;
  private final String queue;
  private final AtomicLong depth = new AtomicLong(-1);
  private final OldestWait oldestWait;

  QueueDepth(AmqpAdmin admin, String queue, MeterRegistry meters, OldestWait oldestWait) {
    this.admin = admin;
    this.queue = queue;
    this.oldestWait = oldestWait;
    Gauge.builder("weather.consumer.lag", depth, AtomicLong::get).tag("path", TweetPath.RABBIT.id())
        .description("Tweets waiting in the bridge's queue").baseUnit("messages").register(meters);
    Gauge.builder("weather.consumer.oldest.wait", this, d -> d.oldestWaitSeconds(System.currentTimeMillis()))
        .tag("path", TweetPath.RABBIT.id()).baseUnit("seconds")
        .description("How long the oldest tweet waiting for the bridge has waited since it was accepted (exact "
            + "while a batch is in hand, else an upper bound); -1 when it cannot be told")
        .register(meters);
  }

  /** Seconds the oldest waiting tweet has waited since it was accepted; -1 when it cannot be told. */
  long oldestWaitSeconds(long nowMs) {
    return oldestWait.ageMs(depth.get(), nowMs).orElse(-1_000) / 1000;
  }

  /** Messages ready in the queue at the last refresh; -1 while unknown. */
  long depth() {
    return depth.get();
  }

  @Scheduled(fixedDelayString = "${weather.rabbit.lag-interval:5s}")
  void refresh() {
    try {
      QueueInformation info = admin.getQueueInfo(queue);
      depth.set(info == null ? -1 : info.getMessageCount());
      oldestWait.observed(depth.get(), System.currentTimeMillis());
    } catch (AmqpException e) {
      depth.set(-1);
      log.debug("Queue depth of {} unavailable: {}", queue, e.toString());
    }
  }
}
