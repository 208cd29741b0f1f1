package io.weathertweets.ingress.compare;

import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import org.redisson.api.RedissonClient;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Readers of both stores. Clients connect lazily: the ingress takes tweets even while a store is down. */
record StoreReaders(StoreReader redis, StoreReader valkey) {

  /** {@code weather.stores.*}: where the two stores are, and the key prefix of the layout. */
  @ConfigurationProperties("weather.stores")
  record Properties(String redisUrl, String valkeyUrl, String prefix) {}

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
    StoreReaders storeReaders(Properties properties, RedissonClient redisClient, RedissonClient valkeyClient) {
      StoreLayout layout = new StoreLayout(properties.prefix());
      return new StoreReaders(new StoreReader(redisClient, layout), new StoreReader(valkeyClient, layout));
    }

    @Bean
    CompareService compareService(StoreReaders readers) {
      return new CompareService(readers.redis(), readers.valkey());
    }
  }
}
