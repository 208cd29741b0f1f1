package io.weathertweets.streams.run;

import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.StallCheck;
import io.weathertweets.aggregates.StoreLayout;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code weather.*} in streams.yml: this path's store, its retries and its stall limit; the
 * defaults are the ones written here. What both paths must agree on (window, dedup horizon,
 * event-time rule) is {@link PathSemantics}, bound from the same keys by the rabbit-bridge.
 */
@ConfigurationProperties("weather")
@Validated
public record WeatherProperties(
    @DefaultValue @Valid Store store,
    @DefaultValue @Valid Retry retry,
    @DefaultValue @Valid Health health) {

  /**
   * @param url {@code redis://[[user]:password@]host:port[/db]}, {@code rediss://} for TLS ({@code
   *     REDIS_URL})
   * @param timeout connect and command timeout of the Redis client
   * @param prefix key prefix of the layout ({@code WEATHER_STORE_PREFIX})
   * @param windowTtl expiry of window hashes
   * @param seriesMaxLength approximate cap of each series stream
   */
  public record Store(
      @DefaultValue("redis://localhost:6379") @NotBlank String url,
      @DefaultValue("3s") @DurationMin(millis = 1) Duration timeout,
      @DefaultValue(StoreLayout.DEFAULT_PREFIX) @NotBlank String prefix,
      @DefaultValue("24h") @DurationMin(millis = 1) Duration windowTtl,
      @DefaultValue("10000") @Positive int seriesMaxLength) {

    public StoreLayout layout() {
      return new StoreLayout(prefix);
    }
  }

  /**
   * The same keys as the rabbit-bridge's ({@code weather.retry.*}).
   *
   * @param initialBackoff the first pause after a failed write to Redis; it doubles up to {@code
   *     maxBackoff}
   * @param maxBackoff longest pause between attempts to write to Redis while it is unreachable
   */
  public record Retry(
      @DefaultValue("100ms") @DurationMin(millis = 1) Duration initialBackoff,
      @DefaultValue("5s") @DurationMin(millis = 1) Duration maxBackoff) {}

  /**
   * @param stallAfter with tweets waiting and none consumed for this long, the path counts as
   *     stalled (health DOWN, the consumer report says why)
   */
  public record Health(
      @DefaultValue(StallCheck.DEFAULT_STALL_AFTER) @DurationMin(millis = 1) Duration stallAfter) {}

  public StoreLayout layout() {
    return store.layout();
  }
}
