package io.weathertweets.aggregates;

/**
 * The key names of the store layout, identical in Redis (Kafka Streams path) and Valkey (RabbitMQ
 * path). Everything is a plain string so redis-cli and Grafana read it as is.
 *
 * <pre>
 * {p}:municipality:{m}        hash   all-time aggregate of m (+ updated_at)
 * {p}:{panel id}              hash   one per {@link Panel}, e.g. temperature_avg (field = municipality);
 *                                    Panel.Kind says what its fields are
 * {p}:window:{m}:{startMs}    hash   the window's aggregate, expires
 * {p}:series:{m}              stream one entry per closed window, ID {startMs}-0, capped
 * {p}:meta                    hash   tweets_total, last_event_at, window_size_ms, grace_ms, path
 * {p}:consumer                hash   the consumer's own report: lag, idle_seconds, stalled, reported_at
 * </pre>
 *
 * Valkey also holds the bridge's own bookkeeping, which nothing else reads: {@code
 * {p}:seen:{m}:{id}}, {@code {p}:bridge:stream_time:{m}} and {@code {p}:bridge:open_windows:{m}}
 * (written by {@code apply-batch.lua}) and {@code {p}:bridge:ack_mark} ({@code BatchScript}). The
 * Kafka path keeps the same bookkeeping in Kafka Streams' state, not in Redis.
 */
public record StoreLayout(String prefix) {

  /** The default of every service's {@code weather.store.prefix} (and of loadgen's --prefix). */
  public static final String DEFAULT_PREFIX = "weather";

  public static final StoreLayout DEFAULT = new StoreLayout(DEFAULT_PREFIX);

  public String municipality(Municipality m) {
    return prefix + ":municipality:" + m.id();
  }

  /** The panel's hash ({@link Panel}: cross-municipality figures). */
  public String panel(Panel panel) {
    return prefix + ":" + panel.id();
  }

  public String window(Municipality m, long windowStartMs) {
    return prefix + ":window:" + m.id() + ":" + windowStartMs;
  }

  public String series(Municipality m) {
    return prefix + ":series:" + m.id();
  }

  public String meta() {
    return prefix + ":meta";
  }

  /** The path's consumer reports how far behind it is ({@link ConsumerReport}). */
  public String consumer() {
    return prefix + ":consumer";
  }
}
