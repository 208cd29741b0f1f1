package io.weathertweets.bridge.consume;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.Meters;
import io.weathertweets.aggregates.OldestWait;
import io.weathertweets.aggregates.TweetPath;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;

/**
 * The bridge's consumer lag: tweets ready in its queue plus those it holds in batches not yet
 * acknowledged (a batch retried while Valkey is down is work waiting, though the broker no longer
 * counts it as ready), and how long the oldest of them has waited ({@link OldestWait}). The depth
 * is refreshed in the background so a Prometheus scrape never waits on the broker; -1 while the
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
    Gauge.builder(Meters.CONSUMER_LAG, this, QueueDepth::waiting)
        .tag(Meters.PATH, TweetPath.RABBIT.id())
        .description(
            "Tweets waiting for the bridge: ready in its queue or held in a batch not yet acknowledged")
        .baseUnit("messages")
        .register(meters);
    Gauge.builder(
            "weather.consumer.oldest.wait",
            this,
            d -> d.oldestWaitSeconds(System.currentTimeMillis()))
        .tag(Meters.PATH, TweetPath.RABBIT.id())
        .baseUnit("seconds")
        .description(
            "How long the oldest tweet waiting for the bridge has waited since it was accepted (exact "
                + "while a batch is in hand, else about an upper bound); -1 when it cannot be told")
        .register(meters);
  }

  /**
   * Seconds the oldest waiting tweet has waited since it was accepted; -1 when it cannot be told.
   */
  long oldestWaitSeconds(long nowMs) {
    return oldestWait.ageMs(depth.get(), nowMs).orElse(-1_000) / 1000;
  }

  /**
   * Tweets ready in the queue at the last refresh plus those held in unfinished batches; -1 while
   * unknown.
   */
  long waiting() {
    long ready = depth.get();
    return ready < 0 ? -1 : ready + oldestWait.inHand();
  }

  /** Asks the broker again; every {@code weather.rabbit.lag-interval} (RabbitConfiguration). */
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
