package io.weathertweets.bridge.store;

import io.weathertweets.bridge.BridgeProperties;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ValkeyConfiguration {

  @Bean(destroyMethod = "shutdown")
  RedissonClient valkeyClient(BridgeProperties properties) {
    return Redisson.create(redissonConfig(properties.valkey()));
  }

  @Bean
  BatchScript batchScript(RedissonClient valkeyClient, BridgeProperties properties) {
    BridgeProperties.Store store = properties.store();
    return new BatchScript(valkeyClient, store.layout(), properties.window().spec(), store.dedupHorizon(),
        store.windowTtl(), store.seriesMaxLength());
  }

  @Bean
  ValkeyHealthIndicator valkeyHealthIndicator(RedissonClient valkeyClient) {
    return new ValkeyHealthIndicator(valkeyClient);
  }

  /**
   * Credentials and database travel inside {@code VALKEY_URL} (as for every store URL of the system); they are
   * taken out of the address because Redisson wants them as separate settings.
   */
  static Config redissonConfig(BridgeProperties.Valkey valkey) {
    URI uri = URI.create(valkey.url());
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("VALKEY_URL must look like redis://[:password@]host:port[/db], was "
          + redacted(uri));
    }
    Config config = new Config();
    config.setCodec(StringCodec.INSTANCE);
    // Redisson connects lazily, so the bridge starts (and reports Valkey down on health) while Valkey is away.
    config.setLazyInitialization(true);
    SingleServerConfig server = config.useSingleServer()
        .setAddress(uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()))
        .setTimeout((int) valkey.timeout().toMillis())
        .setConnectTimeout((int) valkey.connectTimeout().toMillis())
        .setRetryAttempts(valkey.retryAttempts())
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(8);
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
      String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
      if (!user.isEmpty()) {
        server.setUsername(user);
      }
      if (!password.isEmpty()) {
        server.setPassword(password);
      }
    }
    String path = uri.getPath();
    if (path != null && path.length() > 1) {
      server.setDatabase(Integer.parseInt(path.substring(1)));
    }
    return config;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  private static String redacted(URI uri) {
    return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo(), "***");
  }
}
