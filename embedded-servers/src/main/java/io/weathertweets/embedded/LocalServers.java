package io.weathertweets.embedded;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis, Valkey and RabbitMQ servers tests talk to, so that {@code ./mvnw verify} passes on a
 * machine with only a JDK as well as on one with the real servers. For each role, in this order:
 *
 * <ol>
 *   <li>the environment variable {@value #REDIS_ENV} / {@value #VALKEY_ENV} / {@value #RABBIT_ENV},
 *       when set;
 *   <li>the real server on its default port (Redis 127.0.0.1:6379, Valkey 127.0.0.1:6380, RabbitMQ
 *       127.0.0.1:5672 guest/guest), when it accepts a TCP connection within {@link
 *       #PROBE_TIMEOUT_MS} ms;
 *   <li>an embedded server on a free port, started on first use and stopped when the JVM exits: a
 *       Redis-protocol child process ({@code redis-server} / {@code valkey-server} from the PATH,
 *       else the bundled redis-server binary) or Qpid Broker-J in this JVM (in-memory store).
 * </ol>
 *
 * {@value #FORCE_EMBEDDED_ENV}{@code =true} (or system property {@value #FORCE_EMBEDDED_PROPERTY})
 * skips step 2, to run a module's tests as on a machine without the real servers while they are up.
 *
 * <p>Qpid is not RabbitMQ (no quorum queues, no delivery limit, its own dead-lettering): tests of
 * RabbitMQ-only behaviour check {@link #realRabbitMq()} with a JUnit assumption and are skipped
 * there. CI provides the real servers and fails on any skipped test.
 *
 * <p>One instance of each server per JVM, shared by every test in it; tests isolate themselves by
 * key prefix or queue names, as they do on the shared real servers.
 */
public final class LocalServers {

  public static final String REDIS_ENV = "WEATHER_TEST_REDIS_URL";
  public static final String VALKEY_ENV = "WEATHER_TEST_VALKEY_URL";
  public static final String RABBIT_ENV = "WEATHER_TEST_RABBITMQ_URI";
  public static final String FORCE_EMBEDDED_ENV = "WEATHER_TEST_FORCE_EMBEDDED";
  public static final String FORCE_EMBEDDED_PROPERTY = "weather.test.force-embedded";
  static final int PROBE_TIMEOUT_MS = 300;

  private static final Logger log = LoggerFactory.getLogger(LocalServers.class);

  private static Server redis;
  private static Server valkey;
  private static Server rabbit;
  private static Boolean realRabbitMq;

  private LocalServers() {}

  /** {@code redis://host:port} of the Redis-role server. */
  public static synchronized String redisUrl() {
    if (redis == null) {
      redis = redisProtocol("Redis", REDIS_ENV, 6379, List.of("redis-server"));
    }
    return redis.url();
  }

  public static String redisHost() {
    return URI.create(redisUrl()).getHost();
  }

  public static int redisPort() {
    return port(URI.create(redisUrl()), 6379);
  }

  /** {@code redis://host:port} of the Valkey-role server. */
  public static synchronized String valkeyUrl() {
    if (valkey == null) {
      valkey = redisProtocol("Valkey", VALKEY_ENV, 6380, List.of("valkey-server", "redis-server"));
    }
    return valkey.url();
  }

  public static String valkeyHost() {
    return URI.create(valkeyUrl()).getHost();
  }

  public static int valkeyPort() {
    return port(URI.create(valkeyUrl()), 6379);
  }

  /**
   * {@code amqp://user:password@host:port/} as Spring Boot reads it ({@code
   * spring.rabbitmq.addresses}; a trailing {@code /} is the vhost {@code /}). amqp-client's {@code
   * ConnectionFactory.setUri} reads that trailing {@code /} as the empty vhost: give plain
   * amqp-client {@link #rabbitHost()} and {@link #rabbitPort()} instead.
   */
  public static synchronized String rabbitUri() {
    if (rabbit == null) {
      rabbit = amqp();
    }
    return rabbit.url();
  }

  public static String rabbitHost() {
    return URI.create(rabbitUri()).getHost();
  }

  public static int rabbitPort() {
    return port(URI.create(rabbitUri()), 5672);
  }

  /**
   * Whether the AMQP server is a real RabbitMQ (its connection says {@code product: RabbitMQ}),
   * i.e. whether quorum queues, {@code x-delivery-limit} and dead-letter exchanges behave as in
   * production.
   */
  public static synchronized boolean realRabbitMq() {
    if (realRabbitMq == null) {
      String uri = rabbitUri();
      realRabbitMq = rabbit.embedded() == null && "RabbitMQ".equals(product(URI.create(uri)));
    }
    return realRabbitMq;
  }

  private static Server redisProtocol(
      String role, String env, int defaultPort, List<String> preferredOnPath) {
    Optional<String> given = given(env);
    if (given.isPresent()) {
      log.info("Tests use the {} server {} ({})", role, redact(given.get()), env);
      return new Server(given.get(), null);
    }
    if (!forceEmbedded() && FreePorts.accepts(defaultPort, PROBE_TIMEOUT_MS)) {
      log.info("Tests use the {} server on 127.0.0.1:{}", role, defaultPort);
      return new Server("redis://127.0.0.1:" + defaultPort, null);
    }
    try {
      Path dir = Files.createTempDirectory("weather-test-" + role.toLowerCase() + "-");
      int port = FreePorts.one();
      RedisProtocolServer server =
          RedisProtocolServer.start(
              role, RedisProtocolServer.executableFor(preferredOnPath), dir, port);
      stopOnExit(role, server, dir);
      log.info(
          "Tests use an embedded {} server: {} (no {} and nothing on 127.0.0.1:{}{})",
          role,
          server.description(),
          env,
          defaultPort,
          forceEmbedded() ? ", or " + FORCE_EMBEDDED_ENV : "");
      return new Server("redis://127.0.0.1:" + port, server);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "No "
              + role
              + " server for the tests: set "
              + env
              + ", start one on 127.0.0.1:"
              + defaultPort
              + ", or fix the embedded one",
          e);
    }
  }

  private static Server amqp() {
    Optional<String> given = given(RABBIT_ENV);
    if (given.isPresent()) {
      log.info("Tests use the AMQP server {} ({})", redact(given.get()), RABBIT_ENV);
      return new Server(given.get(), null);
    }
    if (!forceEmbedded() && FreePorts.accepts(5672, PROBE_TIMEOUT_MS)) {
      log.info("Tests use the AMQP server on 127.0.0.1:5672");
      return new Server("amqp://guest:guest@127.0.0.1:5672/", null);
    }
    try {
      Path dir = Files.createTempDirectory("weather-test-amqp-");
      int port = FreePorts.one();
      EmbeddedAmqp amqp = EmbeddedAmqp.startInMemory(dir, port);
      stopOnExit("AMQP", amqp, dir);
      log.info(
          "Tests use an embedded AMQP broker (Qpid Broker-J) on 127.0.0.1:{}: tests of RabbitMQ-only "
              + "behaviour are skipped",
          port);
      return new Server(
          "amqp://" + EmbeddedAmqp.USER + ":" + EmbeddedAmqp.USER + "@127.0.0.1:" + port + "/",
          amqp);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "No AMQP server for the tests: set "
              + RABBIT_ENV
              + ", start RabbitMQ on 127.0.0.1:5672, or fix the embedded one",
          e);
    }
  }

  private static String product(URI uri) {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(uri.getHost());
    factory.setPort(port(uri, 5672));
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      String[] parts = userInfo.split(":", 2);
      factory.setUsername(decode(parts[0]));
      if (parts.length > 1) {
        factory.setPassword(decode(parts[1]));
      }
    }
    // Spring Boot's reading of the path: empty or "/" is the default vhost "/".
    String path = uri.getRawPath();
    factory.setVirtualHost(
        path == null || path.isEmpty() || path.equals("/") ? "/" : decode(path.substring(1)));
    factory.setConnectionTimeout(5_000);
    try (Connection connection = factory.newConnection("weather-tests-probe")) {
      Object product = connection.getServerProperties().get("product");
      return product == null ? "" : product.toString();
    } catch (IOException | java.util.concurrent.TimeoutException e) {
      log.warn(
          "Could not ask the AMQP server {} what it is ({}); treating it as not RabbitMQ",
          redact(uri.toString()),
          e.toString());
      return "";
    }
  }

  private static boolean forceEmbedded() {
    return Boolean.parseBoolean(System.getenv(FORCE_EMBEDDED_ENV))
        || Boolean.getBoolean(FORCE_EMBEDDED_PROPERTY);
  }

  private static Optional<String> given(String env) {
    return Optional.ofNullable(System.getenv(env)).map(String::trim).filter(v -> !v.isEmpty());
  }

  private static int port(URI uri, int defaultPort) {
    return uri.getPort() > 0 ? uri.getPort() : defaultPort;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String redact(String url) {
    return url.replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@");
  }

  private static void stopOnExit(String role, AutoCloseable server, Path dir) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    log.error(
                        "Stopping the embedded {} server failed; look for a leftover process using {}",
                        role,
                        dir,
                        e);
                  }
                  deleteQuietly(dir);
                },
                "stop-embedded-" + role.toLowerCase()));
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("Could not remove {} ({})", dir, e.toString());
    }
  }

  /** {@code embedded} is what this class started, or null for a server it found. */
  private record Server(String url, AutoCloseable embedded) {}
}
