package io.weathertweets.aggregates;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;

/**
 * Creates Redisson clients for Redis and Valkey from the URLs operators set ({@code REDIS_URL},
 * {@code VALKEY_URL}): {@code redis[s]://[[user]:password@]host[:port][/db]}. Credentials live only
 * in the URL. Every client uses {@link StringCodec}, so what it writes is readable by redis-cli and
 * Grafana.
 */
public final class StoreClients {
  private StoreClients() {}

  /**
   * @param lazy when true the client connects on first use, so an application can start (and report
   *     the store as down in its health) while the store is unreachable
   */
  public static RedissonClient create(String url, boolean lazy) {
    return create(url, lazy, Duration.ofSeconds(3));
  }

  /**
   * @param timeout connect and command timeout; callers that retry on their own keep it short
   */
  public static RedissonClient create(String url, boolean lazy, Duration timeout) {
    URI uri = URI.create(url);
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "store URL must start with redis:// or rediss://, was: " + redact(url));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("store URL has no host: " + redact(url));
    }
    Config config = new Config();
    config.setCodec(StringCodec.INSTANCE);
    config.setLazyInitialization(lazy);
    SingleServerConfig server =
        config
            .useSingleServer()
            .setAddress(
                uri.getScheme()
                    + "://"
                    + uri.getHost()
                    + ":"
                    + (uri.getPort() > 0 ? uri.getPort() : 6379))
            .setConnectTimeout((int) timeout.toMillis())
            .setTimeout((int) timeout.toMillis())
            // Callers retry with their own backoff and logging; one quick retry here is enough.
            .setRetryAttempts(1)
            .setConnectionMinimumIdleSize(1)
            .setConnectionPoolSize(8);
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      String password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
      if (password != null && !password.isEmpty()) {
        server.setPassword(password);
        if (!user.isEmpty()) {
          server.setUsername(user);
        }
      } else if (!user.isEmpty()) {
        // redis://password@host is a common shorthand for a password without a user name.
        server.setPassword(user);
      }
    }
    String path = uri.getPath();
    if (path != null && path.length() > 1) {
      server.setDatabase(Integer.parseInt(path.substring(1)));
    }
    return Redisson.create(config);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /** The URL without its password, for logs and error messages. */
  public static String redact(String url) {
    return url.replaceAll("//([^:/@]*):[^@]*@", "//$1:***@");
  }
}
