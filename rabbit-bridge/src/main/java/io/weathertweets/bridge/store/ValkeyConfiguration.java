package io.weathertweets.bridge.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.PathSemantics;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.bridge.BridgeProperties;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ValkeyConfiguration {

  @Bean(destroyMethod = "shutdown")
  RedissonClient valkeyClient(BridgeProperties properties) {
    // Lazy: the bridge starts (and reports Valkey down on health) while Valkey is away; batches
    // then wait.
    return StoreClients.create(properties.store().url(), true);
  }

  @Bean
  StoreDurability storeDurability(
      RedissonClient valkeyClient, BridgeProperties properties, MeterRegistry meters) {
    BridgeProperties.Store store = properties.store();
    return new StoreDurability(
        valkeyClient,
        store.durability(),
        store.durabilityReplicas(),
        store.durabilityTimeout(),
        StoreClients.redact(properties.store().url()),
        meters);
  }

  /**
   * Decides the durability mode before the listener container starts, when Valkey answers: an
   * explicit mode the server cannot give stops the start here, with the reason, instead of leaving
   * every batch unacknowledged.
   */
  @Bean
  BatchScript batchScript(
      RedissonClient valkeyClient,
      BridgeProperties properties,
      PathSemantics semantics,
      StoreDurability storeDurability) {
    BridgeProperties.Store store = properties.store();
    BatchScript script =
        new BatchScript(
            valkeyClient,
            store.layout(),
            semantics.windowSpec(),
            semantics.dedupHorizon(),
            store.windowTtl(),
            store.seriesMaxLength(),
            store.callTimeout(),
            storeDurability);
    script.checkDurability();
    return script;
  }

  @Bean
  ValkeyHealthIndicator valkeyHealthIndicator(
      RedissonClient valkeyClient, StoreDurability storeDurability) {
    return new ValkeyHealthIndicator(valkeyClient, storeDurability);
  }
}
