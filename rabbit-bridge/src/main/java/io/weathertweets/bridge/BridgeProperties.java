package io.weathertweets.bridge;

import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.bridge.store.StoreDurability;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code weather.*} in bridge.yml: this path's queue, store and retries. What both paths must agree
 * on (window, dedup horizon, event-time rule) is {@link io.weathertweets.aggregates.PathSemantics},
 * bound from the same keys by the streams-app.
 */
@ConfigurationProperties("weather")
public record BridgeProperties(Rabbit rabbit, Store store, Retry retry) {

  public BridgeProperties {
    rabbit =
        rabbit == null
            ? new Rabbit(null, null, null, null, null, null, null, 0, 0, 0, null)
            : rabbit;
    store = store == null ? new Store(null, null, null, null, null, null, null, null) : store;
    retry = retry == null ? new Retry(null, null) : retry;
  }

  public enum QueueType {
    QUORUM,
    CLASSIC
  }

  /**
   * @param declare declare exchange, queues and bindings at startup; false expects them to exist
   * @param deadLetterExchange where rejected (poison) messages go; empty disables dead-lettering,
   *     for brokers that refuse the argument — there a rejected message is dropped (or requeued) by
   *     the broker
   * @param deliveryLimit quorum only: deliveries (crashes or requeues) before a message is
   *     dead-lettered
   * @param concurrency consumers on the queue; above 1 a municipality's tweets are applied out of
   *     queue order, and this path can then judge other tweets late than the Kafka path
   * @param receiveTimeout how long a consumer waits to fill a batch before applying what it has
   */
  public record Rabbit(
      Boolean declare,
      String exchange,
      String queue,
      String deadLetterExchange,
      String deadLetterQueue,
      QueueType queueType,
      Integer deliveryLimit,
      int prefetch,
      int batchSize,
      int concurrency,
      Duration receiveTimeout) {
    public Rabbit {
      declare = declare == null || declare;
      exchange = exchange == null ? "weather.tweets" : exchange;
      queue = queue == null ? "weather.tweets.bridge" : queue;
      deadLetterExchange = deadLetterExchange == null ? "weather.tweets.dlx" : deadLetterExchange;
      deadLetterQueue = deadLetterQueue == null ? queue + ".dlq" : deadLetterQueue;
      queueType = queueType == null ? QueueType.QUORUM : queueType;
      deliveryLimit = deliveryLimit == null ? 5 : deliveryLimit;
      prefetch = prefetch <= 0 ? 500 : prefetch;
      batchSize = batchSize <= 0 ? 200 : batchSize;
      concurrency = concurrency <= 0 ? 1 : concurrency;
      receiveTimeout = receiveTimeout == null ? Duration.ofMillis(100) : receiveTimeout;
    }

    /**
     * False when {@code dead-letter-exchange} is set empty: no DLX argument, no DLX and DLQ
     * declared.
     */
    public boolean deadLettering() {
      return !deadLetterExchange.isBlank();
    }
  }

  /**
   * @param url {@code redis://[[user]:password@]host:port[/db]}, {@code rediss://} for TLS ({@code
   *     VALKEY_URL})
   * @param prefix key prefix of the layout
   * @param windowTtl expiry of the live window hashes
   * @param seriesMaxLength approximate cap of each series stream (XADD MAXLEN ~)
   * @param callTimeout longest wait for one batch script call before it counts as failed and is
   *     retried
   * @param durability what Valkey must confirm before a batch is acknowledged: {@code auto}
   *     (default), {@code none}, {@code local-aof} or {@code replicas}; see {@link StoreDurability}
   * @param durabilityReplicas with {@code replicas}: how many replicas' AOF must hold a batch
   * @param durabilityTimeout WAITAOF's timeout: a batch not confirmed within it is not acknowledged
   *     and is applied again; shorter than {@code callTimeout}
   */
  public record Store(
      String url,
      String prefix,
      Duration windowTtl,
      Integer seriesMaxLength,
      Duration callTimeout,
      StoreDurability.Mode durability,
      Integer durabilityReplicas,
      Duration durabilityTimeout) {
    public Store {
      url = url == null ? "redis://localhost:6380" : url;
      prefix = prefix == null ? StoreLayout.DEFAULT.prefix() : prefix;
      windowTtl = windowTtl == null ? Duration.ofHours(24) : windowTtl;
      seriesMaxLength = seriesMaxLength == null ? 10_000 : seriesMaxLength;
      callTimeout = callTimeout == null ? Duration.ofSeconds(15) : callTimeout;
      durability = durability == null ? StoreDurability.Mode.AUTO : durability;
      durabilityReplicas = durabilityReplicas == null ? 1 : durabilityReplicas;
      durabilityTimeout = durabilityTimeout == null ? Duration.ofSeconds(5) : durabilityTimeout;
    }

    public StoreLayout layout() {
      return new StoreLayout(prefix);
    }
  }

  /**
   * Backoff between attempts to apply a batch while Valkey is unavailable (doubling up to the
   * maximum).
   */
  public record Retry(Duration initialBackoff, Duration maxBackoff) {
    public Retry {
      initialBackoff = initialBackoff == null ? Duration.ofMillis(200) : initialBackoff;
      maxBackoff = maxBackoff == null ? Duration.ofSeconds(10) : maxBackoff;
    }
  }
}
