package io.weathertweets.streams.run;

import io.weathertweets.aggregates.EventTimeRule;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.streams.topology.WeatherTopology;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code weather.*} in streams.yml. */
@ConfigurationProperties("weather")
public record WeatherProperties(
    @DefaultValue Window window,
    @DefaultValue Dedup dedup,
    @DefaultValue Store store,
    @DefaultValue Redis redis,
    @DefaultValue Time time) {

  /** Tumbling event-time windows, declared once. */
  public record Window(@DefaultValue("1m") Duration size, @DefaultValue("10s") Duration grace) {}

  /** How far an event time may lie ahead of the time the tweet was accepted (EventTimeRule). */
  public record Time(@DefaultValue("5m") Duration maxAhead) {}

  /** A (municipality, id) seen again within this much acceptance time is the same tweet. */
  public record Dedup(@DefaultValue("1h") Duration horizon) {}

  /**
   * @param prefix key prefix of the layout
   * @param windowTtl expiry of window hashes
   * @param seriesMaxLen approximate cap of each series stream
   * @param retryBackoffMax longest pause between retries while Redis is unreachable
   */
  public record Store(
      @DefaultValue("weather") String prefix,
      @DefaultValue("24h") Duration windowTtl,
      @DefaultValue("10000") int seriesMaxLen,
      @DefaultValue("5s") Duration retryBackoffMax) {}

  /**
   * @param url redis://[user:password@]host:port[/db]
   */
  public record Redis(
      @DefaultValue("redis://localhost:6379") String url, @DefaultValue("3s") Duration timeout) {}

  public WeatherTopology.Settings topologySettings() {
    return new WeatherTopology.Settings(
        new WindowSpec(window.size(), window.grace()),
        dedup.horizon(),
        new EventTimeRule(time.maxAhead()));
  }

  public StoreLayout layout() {
    return new StoreLayout(store.prefix());
  }
}
