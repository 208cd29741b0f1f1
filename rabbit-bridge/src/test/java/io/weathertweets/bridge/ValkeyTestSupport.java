package io.weathertweets.bridge;

import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** Connections to the shared test Valkey (127.0.0.1:6380), where every test run uses its own key prefix. */
public final class ValkeyTestSupport {
  public static final String SHARED_VALKEY = "redis://127.0.0.1:6380";

  private ValkeyTestSupport() {}

  public static RedissonClient client(String url) {
    Config config = new Config();
    config.setCodec(StringCodec.INSTANCE);
    config.useSingleServer().setAddress(url).setConnectionMinimumIdleSize(1).setConnectionPoolSize(4);
    return Redisson.create(config);
  }

  /** Removes every key of a test prefix (the shared server outlives the test). */
  public static void deleteKeys(RedissonClient client, String prefix) {
    client.getKeys().deleteByPattern(prefix + ":*");
  }
}
