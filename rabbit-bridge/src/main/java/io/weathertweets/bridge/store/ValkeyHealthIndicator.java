package io.weathertweets.bridge.store;

import org.redisson.api.RedissonClient;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Valkey answers PING: without it the bridge cannot apply batches (they wait in the queue). The
 * detail {@code durability} says what an acknowledgement means (see {@link StoreDurability}).
 */
class ValkeyHealthIndicator extends AbstractHealthIndicator {
  private final RedissonClient client;
  private final StoreDurability durability;

  ValkeyHealthIndicator(RedissonClient client, StoreDurability durability) {
    super("Valkey health check failed");
    this.client = client;
    this.durability = durability;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    if (client.getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE).pingAll()) {
      builder.up();
    } else {
      builder.down().withDetail("reason", "PING to Valkey failed");
    }
    builder.withDetail("durability", durability.describe());
  }
}
