package io.weathertweets.streams.run;

import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.StoreLayout;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code weather.*} in streams.yml: this path's store and its retries. What both paths must agree
 * on (window, dedup horizon, event-time rule) is {@link PathSemantics}, bound from the same keys by
 * the rabbit-bridge.
 */
@ConfigurationProperties("weather")
public record WeatherProperties(@DefaultValue Store store, @DefaultValue Retry retry) {

  /**
   * @param url {@code redis://[[user]:password@]host:port[/db]}, {@code rediss://} for TLS ({@code
   *     REDIS_URL})
   * @param timeout connect and command timeout of the Redis client
   * @param prefix key prefix of the layout
   * @param windowTtl expiry of window hashes
   * @param seriesMaxLength approximate cap of each series stream
   */
  public record Store(
      @DefaultValue("redis://localhost:6379") String url,
      @DefaultValue("3s") Duration timeout,
      @DefaultValue("weather") String prefix,
      @DefaultValue("24h") Duration windowTtl,
      @DefaultValue("10000") int seriesMaxLength) {

    public StoreLayout layout() {
      return new StoreLayout(prefix);
    }
  }

  /**
   * @param maxBackoff longest pause between attempts to write to Redis while it is unreachable
   */
  public record Retry(@DefaultValue("5s") Duration maxBackoff) {}

  public StoreLayout layout() {
    return store.layout();
  }
}
