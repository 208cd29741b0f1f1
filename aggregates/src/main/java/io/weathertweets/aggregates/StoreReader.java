package io.weathertweets.aggregates;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;

/** Reads the store layout back (Redis or Valkey alike) for comparisons, health and tests. */
public final class StoreReader {
  private final RedissonClient client;
  private final StoreLayout layout;

  public StoreReader(RedissonClient client, StoreLayout layout) {
    this.client = client;
    this.layout = layout;
  }

  public Map<String, String> hash(String key) {
    return client.<String, String>getMap(key, StringCodec.INSTANCE).readAllMap();
  }

  /** All-time aggregate per municipality (municipalities without a hash are absent). */
  public Map<Municipality, Aggregate> allTime() {
    Map<Municipality, Aggregate> result = new EnumMap<>(Municipality.class);
    for (Municipality m : Municipality.values()) {
      Aggregate a = Aggregate.fromFields(hash(layout.municipality(m)));
      if (a.count() > 0) {
        result.put(m, a);
      }
    }
    return result;
  }

  public Aggregate window(Municipality m, long windowStartMs) {
    return Aggregate.fromFields(hash(layout.window(m, windowStartMs)));
  }

  /** The closed windows of {@code m} from its series stream: window start → aggregate. */
  public Map<Long, Aggregate> series(Municipality m) {
    Map<StreamMessageId, Map<String, String>> entries =
        client
            .<String, String>getStream(layout.series(m), StringCodec.INSTANCE)
            .range(StreamMessageId.MIN, StreamMessageId.MAX);
    Map<Long, Aggregate> result = new LinkedHashMap<>();
    entries.forEach((id, fields) -> result.put(id.getId0(), Aggregate.fromFields(fields)));
    return result;
  }

  /**
   * The newest {@code limit} entries of {@code m}'s series, oldest first: window start → the fields
   * as stored.
   */
  public Map<Long, Map<String, String>> lastWindows(Municipality m, int limit) {
    Map<StreamMessageId, Map<String, String>> newestFirst =
        client
            .<String, String>getStream(layout.series(m), StringCodec.INSTANCE)
            .rangeReversed(limit, StreamMessageId.MAX, StreamMessageId.MIN);
    java.util.TreeMap<Long, Map<String, String>> result = new java.util.TreeMap<>();
    newestFirst.forEach((id, fields) -> result.put(id.getId0(), fields));
    return result;
  }

  /** The path consumer's own report of its lag, empty when it has not written one. */
  public java.util.Optional<ConsumerReport> consumerReport() {
    return ConsumerReport.fromFields(hash(layout.consumer()));
  }

  public Map<String, String> meta() {
    return hash(layout.meta());
  }

  public StoreLayout layout() {
    return layout;
  }
}
