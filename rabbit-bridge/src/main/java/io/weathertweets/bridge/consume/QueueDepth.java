package io.weathertweets.bridge.consume;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The bridge's consumer lag: messages ready in its queue. Refreshed in the background so a Prometheus scrape
 * never waits on the broker; -1 while the broker cannot be asked.
 */
class QueueDepth {
  private static final Logger log = LoggerFactory.getLogger(QueueDepth.class);

  private final AmqpAdmin admin;
  private final String queue;
  private final AtomicLong depth = new AtomicLong(-1);

  QueueDepth(AmqpAdmin admin, String queue, MeterRegistry meters) {
    this.admin = admin;
    this.queue = queue;
    Gauge.builder("weather.consumer.lag", depth, AtomicLong::get).tag("path", "rabbit")
        .description("Tweets waiting in the bridge's queue").baseUnit("messages").register(meters);
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
    } catch (AmqpException e) {
      depth.set(-1);
      log.debug("Queue depth of {} unavailable: {}", queue, e.toString());
    }
  }
}
