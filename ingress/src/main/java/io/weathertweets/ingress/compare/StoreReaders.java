package io.weathertweets.ingress.compare;

import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMin;
import org.redisson.api.RedissonClient;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.validation.annotation.Validated;

/**
 * Readers of both stores. Clients connect lazily: the ingress takes tweets even while a store is
 * down.
 */
record StoreReaders(StoreReader redis, StoreReader valkey, Duration consumerStaleAfter) {

  /**
   * {@code weather.store.*} as the ingress reads it: where the two stores are, the key prefix of
   * the layout (the consumers' {@code weather.store.prefix}), and after how long without a report
   * from a path's consumer that path counts as stopped (each consumer reports every 5 s).
   */
  @ConfigurationProperties("weather.store")
  @Validated
  record Properties(
      @DefaultValue("redis://localhost:6379") @NotBlank String redisUrl,
      @DefaultValue("redis://localhost:6380") @NotBlank String valkeyUrl,
      @DefaultValue(StoreLayout.DEFAULT_PREFIX) @NotBlank String prefix,
      @DefaultValue("30s") @DurationMin(millis = 1) Duration consumerStaleAfter) {}

  /**
   * Both stores' figures and consumer reports as of now; a store that cannot be read appears as its
   * error.
   */
  Map<String, Object> snapshots() {
    long now = System.currentTimeMillis();
    Map<String, Object> body =
        new LinkedHashMap<>(all().map((path, reader) -> readOrError(reader, now)).byStore());
    body.put("readAt", now);
    return body;
  }

  /** Both readers, each with its store. */
  PerStore<StoreReader> all() {
    return new PerStore<>(redis, valkey);
  }

  StoreSnapshot read(StoreReader reader, long nowMs) {
    return StoreSnapshot.read(reader, nowMs, consumerStaleAfter.toMillis());
  }

  private Object readOrError(StoreReader reader, long nowMs) {
    try {
      return read(reader, nowMs);
    } catch (RuntimeException e) {
      return Map.of("error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(Properties.class)
  static class Config {
    @Bean(destroyMethod = "shutdown")
    RedissonClient redisClient(Properties properties) {
      return StoreClients.create(properties.redisUrl(), true);
    }

    @Bean(destroyMethod = "shutdown")
    RedissonClient valkeyClient(Properties properties) {
      return StoreClients.create(properties.valkeyUrl(), true);
    }

    @Bean
    StoreReaders storeReaders(
        Properties properties,
        RedissonClient redisClient,
        RedissonClient valkeyClient,
        Environment environment) {
      // Renamed keys are ignored without a word by the binder; a prefix there would make every
      // figure read as 0.
      if (Binder.get(environment)
          .bind("weather.stores", Bindable.mapOf(String.class, Object.class))
          .isBound()) {
        throw new IllegalStateException(
            "weather.stores.* was renamed weather.store.* (redis-url, valkey-url, prefix,"
                + " consumer-stale-after): rename the settings, or use REDIS_URL, VALKEY_URL and"
                + " WEATHER_STORE_PREFIX");
      }
      StoreLayout layout = new StoreLayout(properties.prefix());
      return new StoreReaders(
          new StoreReader(redisClient, layout),
          new StoreReader(valkeyClient, layout),
          properties.consumerStaleAfter());
    }

    @Bean
    CompareService compareService(StoreReaders readers) {
      return new CompareService(readers);
    }
  }
}
