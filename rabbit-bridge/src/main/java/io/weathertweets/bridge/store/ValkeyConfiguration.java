package io.weathertweets.bridge.store;

import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.bridge.BridgeProperties;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ValkeyConfiguration {

  @Bean(destroyMethod = "shutdown")
  RedissonClient valkeyClient(BridgeProperties properties) {
    // Lazy: the bridge starts (and reports Valkey down on health) while Valkey is away; batches then wait.
    return StoreClients.create(properties.valkey().url(), true);
  }

  @Bean
  BatchScript batchScript(RedissonClient valkeyClient, BridgeProperties properties) {
    BridgeProperties.Store store = properties.store();
    return new BatchScript(valkeyClient, store.layout(), properties.window().spec(), store.dedupHorizon(),
        store.windowTtl(), store.seriesMaxLength(), store.callTimeout());
  }

  @Bean
  ValkeyHealthIndicator valkeyHealthIndicator(RedissonClient valkeyClient) {
    return new ValkeyHealthIndicator(valkeyClient);
  }
}
