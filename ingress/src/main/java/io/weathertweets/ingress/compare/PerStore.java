package io.weathertweets.ingress.compare;

import com.fasterxml.jackson.annotation.JsonValue;
import io.weathertweets.aggregates.TweetPath;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One value for each store, Redis (Kafka path) and Valkey (RabbitMQ path): what the responses of
 * {@code /api/compare}, {@code /api/stores} and {@code /api/windows} show side by side, as {@code
 * {"redis": …, "valkey": …}} (the stores' names, {@link TweetPath#store()}).
 */
record PerStore<T>(T redis, T valkey) {

  /** The value of each store, from its path. */
  static <T> PerStore<T> of(Function<TweetPath, T> value) {
    return new PerStore<>(value.apply(TweetPath.KAFKA), value.apply(TweetPath.RABBIT));
  }

  /** Each value turned into another, knowing whose it is. */
  <R> PerStore<R> map(BiFunction<TweetPath, T, R> value) {
    return new PerStore<>(
        value.apply(TweetPath.KAFKA, redis), value.apply(TweetPath.RABBIT, valkey));
  }

  /** {@code redis} then {@code valkey}, as the JSON of a response shows them. */
  @JsonValue
  Map<String, T> byStore() {
    Map<String, T> byStore = new LinkedHashMap<>();
    byStore.put(TweetPath.KAFKA.store(), redis);
    byStore.put(TweetPath.RABBIT.store(), valkey);
    return byStore;
  }
}
