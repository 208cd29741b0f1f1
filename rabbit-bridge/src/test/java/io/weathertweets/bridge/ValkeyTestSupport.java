package io.weathertweets.bridge;

import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.embedded.LocalServers;
import org.redisson.api.RedissonClient;

/**
 * Connections to the shared test Valkey ({@link LocalServers}: the real one on 127.0.0.1:6380, else
 * an embedded one), where every test run uses its own key prefix.
 */
public final class ValkeyTestSupport {
  public static final String SHARED_VALKEY = LocalServers.valkeyUrl();

  private ValkeyTestSupport() {}

  public static RedissonClient client(String url) {
    return StoreClients.create(url, false);
  }

  /** Removes every key of a test prefix (the shared server outlives the test). */
  public static void deleteKeys(RedissonClient client, String prefix) {
    client.getKeys().deleteByPattern(prefix + ":*");
  }
}
