package io.weathertweets.bridge;

import io.weathertweets.aggregates.StallCheck;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.bridge.store.StoreDurability;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code weather.*} in bridge.yml: this path's queue, store, retries and stall limit; the defaults
 * are the ones written here. What both paths must agree on (window, dedup horizon, event-time rule)
 * is {@link io.weathertweets.aggregates.PathSemantics}, bound from the same keys by the
 * streams-app. The listener container's prefetch, batch size and concurrency are Spring Boot's own
 * {@code spring.rabbitmq.listener.simple.*}.
 */
@ConfigurationProperties("weather")
@Validated
public record BridgeProperties(
    @DefaultValue @Valid Rabbit rabbit,
    @DefaultValue @Valid Store store,
    @DefaultValue @Valid Retry retry,
    @DefaultValue @Valid Health health) {

  public enum QueueType {
    QUORUM,
    CLASSIC
  }

  /**
   * @param declare declare exchange, queues and bindings at startup; false expects them to exist
   * @param deadLetterExchange where rejected (poison) messages go; empty disables dead-lettering,
   *     for brokers that refuse the argument — there a rejected message is dropped (or requeued) by
   *     the broker
   * @param deadLetterQueue the queue bound to it; unset, the tweet queue's name plus {@code .dlq}
   * @param queueType {@code quorum} (replicated, delivery limit) or {@code classic} (single node)
   * @param deliveryLimit quorum only: deliveries (crashes or requeues) before a message is
   *     dead-lettered
   * @param receiveTimeout how long a consumer waits to fill a batch before applying what it has
   *     (not among Spring Boot's listener settings)
   * @param lagInterval how often the queue depth (gauge {@code weather.consumer.lag{path=rabbit}})
   *     is refreshed
   */
  public record Rabbit(
      @DefaultValue("true") boolean declare,
      @DefaultValue(TweetPath.RABBIT_EXCHANGE) @NotBlank String exchange,
      @DefaultValue("weather.tweets.bridge") @NotBlank String queue,
      @DefaultValue("weather.tweets.dlx") @NotNull String deadLetterExchange,
      String deadLetterQueue,
      @DefaultValue("quorum") @NotNull QueueType queueType,
      @DefaultValue("5") @Positive int deliveryLimit,
      @DefaultValue("100ms") @DurationMin(millis = 1) Duration receiveTimeout,
      @DefaultValue("5s") @DurationMin(millis = 1) Duration lagInterval) {

    public Rabbit {
      // Derived from the queue's name, not a default of its own.
      deadLetterQueue =
          deadLetterQueue == null || deadLetterQueue.isBlank() ? queue + ".dlq" : deadLetterQueue;
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
   * @param prefix key prefix of the layout ({@code WEATHER_STORE_PREFIX})
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
      @DefaultValue("redis://localhost:6380") @NotBlank String url,
      @DefaultValue(StoreLayout.DEFAULT_PREFIX) @NotBlank String prefix,
      @DefaultValue("24h") @DurationMin(millis = 1) Duration windowTtl,
      @DefaultValue("10000") @Positive int seriesMaxLength,
      @DefaultValue("15s") @DurationMin(millis = 1) Duration callTimeout,
      @DefaultValue("auto") @NotNull StoreDurability.Mode durability,
      @DefaultValue("1") int durabilityReplicas,
      @DefaultValue("5s") Duration durabilityTimeout) {

    /**
     * Refused here, while binding, so that the start fails with Spring Boot's report naming {@code
     * weather.store} and the reason.
     */
    public Store {
      StoreDurability.requireValid(durability, durabilityReplicas, durabilityTimeout);
    }

    public StoreLayout layout() {
      return new StoreLayout(prefix);
    }
  }

  /**
   * Backoff between attempts to apply a batch while Valkey is unavailable (doubling up to the
   * maximum).
   */
  public record Retry(
      @DefaultValue("200ms") @DurationMin(millis = 1) Duration initialBackoff,
      @DefaultValue("10s") @DurationMin(millis = 1) Duration maxBackoff) {}

  /**
   * @param stallAfter with tweets waiting and none consumed for this long, the path counts as
   *     stalled (health DOWN, the consumer report says why)
   */
  public record Health(
      @DefaultValue(StallCheck.DEFAULT_STALL_AFTER) @DurationMin(millis = 1) Duration stallAfter) {}
}
