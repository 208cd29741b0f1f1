package io.weathertweets.streams.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;

/** A Redisson client from a {@code redis://[user:password@]host:port[/db]} URL, plain strings everywhere. */
public final class RedisClients {
  private RedisClients() {}

  public static RedissonClient create(String url, Duration timeout) {
    URI uri = URI.create(url);
    String scheme = uri.getScheme() == null ? "redis" : uri.getScheme();
    int port = uri.getPort() == -1 ? 6379 : uri.getPort();
    Config config = new Config();
    config.setCodec(StringCodec.INSTANCE);
    SingleServerConfig server = config.useSingleServer()
        .setAddress(scheme + "://" + uri.getHost() + ":" + port)
        .setTimeout((int) timeout.toMillis())
        .setConnectTimeout((int) timeout.toMillis())
        // The store writer retries with its own backoff and logging; one quick retry here is enough.
        .setRetryAttempts(1)
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(8);
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? "" : decode(userInfo.substring(0, colon));
      String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
      if (!user.isEmpty()) {
        config.setUsername(user);
      }
      if (!password.isEmpty()) {
        config.setPassword(password);
      }
    }
    String path = uri.getPath();
    if (path != null && path.length() > 1) {
      server.setDatabase(Integer.parseInt(path.substring(1)));
    }
    return Redisson.create(config);
  }

  /** The URL without credentials, for log messages. */
  public static String redact(String url) {
    URI uri = URI.create(url);
    return (uri.getScheme() == null ? "redis" : uri.getScheme()) + "://" + uri.getHost()
        + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
