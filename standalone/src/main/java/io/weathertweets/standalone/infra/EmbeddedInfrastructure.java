package io.weathertweets.standalone.infra;

import io.weathertweets.embedded.EmbeddedAmqp;
import io.weathertweets.embedded.RedisProtocolServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers the services need, for a machine that has only a JDK: a Kafka broker (KRaft, in this
 * JVM), an AMQP 0-9-1 broker (Qpid Broker-J, in this JVM) and two Redis-protocol servers (child
 * processes), one for the Redis role and one for the Valkey role.
 *
 * <p>Each of {@value #KAFKA_ENV}, {@value #RABBIT_ENV}, {@value #REDIS_ENV} and {@value
 * #VALKEY_ENV} that is set (non-blank) in the given environment replaces its embedded part: nothing
 * is started for it and the accessor returns the given value. Embedded parts run on the fixed ports
 * of {@link InfrastructurePorts}; a port that is taken fails the start before anything runs ({@link
 * PortInUseException}, naming the variable to set instead). All data lives under one directory:
 * {@code kafka/}, {@code amqp/}, {@code redis/}, {@code valkey/}.
 *
 * <p>{@link #close()} stops everything in reverse order of start. A JVM shutdown hook does the same
 * if the launcher exits without closing (Ctrl-C); a launcher should still close its services first,
 * then this.
 */
public final class EmbeddedInfrastructure implements AutoCloseable {

  public static final String KAFKA_ENV = "KAFKA_BOOTSTRAP_SERVERS";
  public static final String RABBIT_ENV = "RABBITMQ_URI";
  public static final String REDIS_ENV = "REDIS_URL";
  public static final String VALKEY_ENV = "VALKEY_URL";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);

  private final String kafkaBootstrapServers;
  private final String rabbitUri;
  private final String redisUrl;
  private final String valkeyUrl;
  private final List<String> embeddedParts;
  private final Deque<AutoCloseable> running;
  private final List<ProcessHandle> childProcesses;
  private final Thread shutdownHook;
  private boolean closed;

  private EmbeddedInfrastructure(
      String kafkaBootstrapServers,
      String rabbitUri,
      String redisUrl,
      String valkeyUrl,
      List<String> embeddedParts,
      Deque<AutoCloseable> running,
      List<ProcessHandle> childProcesses) {
    this.kafkaBootstrapServers = kafkaBootstrapServers;
    this.rabbitUri = rabbitUri;
    this.redisUrl = redisUrl;
    this.valkeyUrl = valkeyUrl;
    this.embeddedParts = List.copyOf(embeddedParts);
    this.running = running;
    this.childProcesses = List.copyOf(childProcesses);
    this.shutdownHook = new Thread(this::closeQuietly, "embedded-infrastructure-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts on the ports of {@link InfrastructurePorts#fromSystemProperties()}. */
  public static EmbeddedInfrastructure start(Path dataDir, Map<String, String> env)
      throws IOException {
    return start(dataDir, env, InfrastructurePorts.fromSystemProperties());
  }

  public static EmbeddedInfrastructure start(
      Path dataDir, Map<String, String> env, InfrastructurePorts ports) throws IOException {
    long started = System.nanoTime();
    Optional<String> kafkaGiven = given(env, KAFKA_ENV);
    Optional<String> rabbitGiven = given(env, RABBIT_ENV);
    Optional<String> redisGiven = given(env, REDIS_ENV);
    Optional<String> valkeyGiven = given(env, VALKEY_ENV);

    // Every port first: failing after Kafka started would waste its startup and leave a half
    // system.
    PortGuard.Check check = new PortGuard.Check();
    if (kafkaGiven.isEmpty()) {
      check.requireFree(
          ports.kafka(),
          "Kafka broker",
          "set " + KAFKA_ENV + "=localhost:" + ports.kafka() + " to use that broker");
      check.requireFree(
          ports.kafkaController(),
          "Kafka broker's KRaft controller listener",
          "set system property "
              + InfrastructurePorts.KAFKA_CONTROLLER_PORT_PROPERTY
              + " to a free port, or "
              + KAFKA_ENV
              + " to use an existing broker");
    }
    if (rabbitGiven.isEmpty()) {
      check.requireFree(
          ports.amqp(),
          "AMQP broker",
          "set "
              + RABBIT_ENV
              + "=amqp://guest:guest@localhost:"
              + ports.amqp()
              + "/ to use that broker");
    }
    if (redisGiven.isEmpty()) {
      check.requireFree(
          ports.redis(),
          "Redis server",
          "set " + REDIS_ENV + "=redis://localhost:" + ports.redis() + " to use that server");
    }
    if (valkeyGiven.isEmpty()) {
      check.requireFree(
          ports.valkey(),
          "Valkey-role server",
          "set " + VALKEY_ENV + "=redis://localhost:" + ports.valkey() + " to use that server");
    }
    check.orFail();

    Deque<AutoCloseable> running = new ConcurrentLinkedDeque<>();
    List<String> parts = Collections.synchronizedList(new ArrayList<>());
    List<ProcessHandle> children = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<String> kafka = null;
    try {
      // Kafka takes most of the time: start it on its own thread while the others start here. Kafka
      // loads configured classes through the thread's context class loader; a pool thread's is the
      // system loader, which in the executable jar does not hold Kafka, so hand over the caller's.
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      kafka =
          kafkaGiven
              .map(CompletableFuture::completedFuture)
              .orElseGet(
                  () ->
                      CompletableFuture.supplyAsync(
                          () -> {
                            Thread.currentThread().setContextClassLoader(loader);
                            long t = System.nanoTime();
                            EmbeddedKafka k =
                                io(
                                    () ->
                                        EmbeddedKafka.start(
                                            dataDir.resolve("kafka"),
                                            ports.kafka(),
                                            ports.kafkaController()));
                            running.push(k);
                            parts.add(
                                "Kafka "
                                    + k.bootstrapServers()
                                    + " (KRaft, in-process, "
                                    + ms(t)
                                    + " ms)");
                            return k.bootstrapServers();
                          }));

      String redis =
          redisGiven.orElseGet(
              () -> {
                RedisProtocolServer s =
                    startRedisProtocol(
                        "Redis", List.of("redis-server"), dataDir.resolve("redis"), ports.redis());
                running.push(s);
                children.addAll(s.processes());
                parts.add("Redis role: " + s.description());
                return "redis://localhost:" + ports.redis();
              });
      String valkey =
          valkeyGiven.orElseGet(
              () -> {
                RedisProtocolServer s =
                    startRedisProtocol(
                        "Valkey",
                        List.of("valkey-server", "redis-server"),
                        dataDir.resolve("valkey"),
                        ports.valkey());
                running.push(s);
                children.addAll(s.processes());
                parts.add("Valkey role: " + s.description());
                return "redis://localhost:" + ports.valkey();
              });
      String rabbit =
          rabbitGiven.orElseGet(
              () -> {
                long t = System.nanoTime();
                EmbeddedAmqp amqp =
                    io(() -> EmbeddedAmqp.start(dataDir.resolve("amqp"), ports.amqp()));
                running.push(amqp);
                parts.add(
                    "AMQP 0-9-1 "
                        + amqp.uri().replace("guest:guest@", "")
                        + " (Qpid Broker-J, in-process, "
                        + ms(t)
                        + " ms)");
                return amqp.uri();
              });
      String kafkaServers = kafka.join();

      List<String> order = List.of("Kafka", "AMQP", "Redis", "Valkey");
      List<String> sortedParts =
          parts.stream()
              .sorted(
                  java.util.Comparator.comparingInt(
                      p ->
                          order.indexOf(
                              order.stream().filter(p::startsWith).findFirst().orElse(""))))
              .toList();
      EmbeddedInfrastructure infra =
          new EmbeddedInfrastructure(
              kafkaServers, rabbit, redis, valkey, sortedParts, running, children);
      log.info(
          "Infrastructure ready in {} ms: {}; embedded: {}",
          ms(started),
          infra.asEnvironment(),
          sortedParts.isEmpty() ? "none" : String.join("; ", sortedParts));
      return infra;
    } catch (RuntimeException | Error e) {
      if (kafka != null) {
        // The Kafka thread may still be starting: let it finish (or fail) so it is stopped too.
        kafka.handle((servers, failure) -> servers).join();
      }
      stopAll(running);
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException(cause.getMessage(), cause);
    }
  }

  private static RedisProtocolServer startRedisProtocol(
      String role, List<String> preferredOnPath, Path dir, int port) {
    return io(
        () ->
            RedisProtocolServer.start(
                role, RedisProtocolServer.executableFor(preferredOnPath), dir, port));
  }

  private static Optional<String> given(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
  }

  /** {@code localhost:9092} or the given {@value #KAFKA_ENV}. */
  public String kafkaBootstrapServers() {
    return kafkaBootstrapServers;
  }

  /** {@code amqp://guest:guest@localhost:5672/} or the given {@value #RABBIT_ENV}. */
  public String rabbitUri() {
    return rabbitUri;
  }

  /** {@code redis://localhost:6379} or the given {@value #REDIS_ENV}. */
  public String redisUrl() {
    return redisUrl;
  }

  /** {@code redis://localhost:6380} or the given {@value #VALKEY_ENV}. */
  public String valkeyUrl() {
    return valkeyUrl;
  }

  /**
   * One human-readable line per part this instance started (none when every part was given), for
   * the ready line.
   */
  public List<String> embeddedParts() {
    return embeddedParts;
  }

  /**
   * The effective values under the services' variable names, to hand to the services as properties.
   */
  public Map<String, String> asEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(KAFKA_ENV, kafkaBootstrapServers);
    env.put(RABBIT_ENV, rabbitUri);
    env.put(REDIS_ENV, redisUrl);
    env.put(VALKEY_ENV, valkeyUrl);
    return env;
  }

  /**
   * The processes started: each Redis-protocol server and its watchdog shell (which stops the
   * server when this JVM dies, even by SIGKILL); in-process parts have none.
   */
  public List<ProcessHandle> childProcesses() {
    return childProcesses;
  }

  /**
   * For a launcher that stops its services before the infrastructure: it takes over calling {@link
   * #close()} on shutdown (JVM shutdown hooks run concurrently, so two hooks could not order the
   * two).
   */
  public void removeShutdownHook() {
    Runtime.getRuntime().removeShutdownHook(shutdownHook);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // called from the hook itself, or while the JVM exits: nothing to remove
    }
    long t = System.nanoTime();
    stopAll(running);
    log.info("Embedded infrastructure stopped in {} ms", ms(t));
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      log.error(
          "Stopping the embedded infrastructure failed; check for leftover redis-server/valkey-server "
              + "processes: {}",
          childProcesses,
          e);
    }
  }

  private static void stopAll(Deque<AutoCloseable> running) {
    for (AutoCloseable part = running.poll(); part != null; part = running.poll()) {
      try {
        part.close();
      } catch (Exception e) {
        log.error(
            "Stopping {} failed; stopping the others anyway", part.getClass().getSimpleName(), e);
      }
    }
  }

  private static long ms(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1_000_000;
  }

  private static <T> T io(IoSupplier<T> supplier) {
    try {
      return supplier.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FunctionalInterface
  private interface IoSupplier<T> {
    T get() throws IOException;
  }
}
