package io.weathertweets.standalone;

import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.bridge.BridgeApplication;
import io.weathertweets.gateway.GatewayApplication;
import io.weathertweets.ingress.IngressApplication;
import io.weathertweets.standalone.infra.EmbeddedInfrastructure;
import io.weathertweets.standalone.infra.InfrastructurePorts;
import io.weathertweets.streams.StreamsApplication;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole system in one process: the embedded infrastructure (or the servers named by {@code
 * KAFKA_BOOTSTRAP_SERVERS}, {@code RABBITMQ_URI}, {@code REDIS_URL}, {@code VALKEY_URL}) and every
 * service in its own Spring context, each reading its own configuration file as it would in its own
 * JVM.
 *
 * <p>Settings are passed as command-line arguments of each context: they outrank environment
 * variables, so a {@code SERVER_PORT} or {@code GATEWAY_SINK} set in the shell cannot give two
 * services the same value.
 */
public final class Standalone implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Standalone.class);

  private static final String RABBIT_AUTOCONFIG =
      String.join(
          ",",
          "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
          "org.springframework.boot.amqp.autoconfigure.health.RabbitHealthContributorAutoConfiguration",
          "org.springframework.boot.amqp.autoconfigure.metrics.RabbitMetricsAutoConfiguration");
  private static final String KAFKA_AUTOCONFIG =
      String.join(
          ",",
          "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
          "org.springframework.boot.kafka.autoconfigure.metrics.KafkaMetricsAutoConfiguration");

  /** The brokers are chatty at INFO; their warnings and errors still show. */
  private static final List<String> QUIET_LOGGERS =
      List.of(
          "kafka",
          "org.apache.kafka",
          "state.change.logger",
          "org.apache.qpid",
          "qpid",
          "org.redisson");

  /** What is starting right now and since when, for the start watchdog's message. */
  private static final Map<String, Long> STARTING =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  private final EmbeddedInfrastructure infrastructure;
  private final List<ConfigurableApplicationContext> services;
  private final ServicePorts ports;
  private final Path dataDir;

  private Standalone(
      EmbeddedInfrastructure infrastructure,
      List<ConfigurableApplicationContext> services,
      ServicePorts ports,
      Path dataDir) {
    this.infrastructure = infrastructure;
    this.services = services;
    this.ports = ports;
    this.dataDir = dataDir;
  }

  /**
   * Starts everything; on any failure stops what was started and rethrows.
   *
   * @param settings extra properties given to every service (e.g. a store prefix or queue names of
   *     a test)
   */
  public static Standalone start(
      Path dataDir,
      Map<String, String> env,
      InfrastructurePorts infraPorts,
      ServicePorts ports,
      Map<String, String> settings)
      throws IOException {
    STARTING.put("embedded infrastructure", System.nanoTime());
    EmbeddedInfrastructure infrastructure;
    try {
      infrastructure = EmbeddedInfrastructure.start(dataDir, env, infraPorts);
    } finally {
      STARTING.remove("embedded infrastructure");
    }
    infrastructure.removeShutdownHook();
    List<ConfigurableApplicationContext> started = Collections.synchronizedList(new ArrayList<>());
    try {
      boolean embeddedAmqp = !given(env, EmbeddedInfrastructure.RABBIT_ENV);
      List<String> common = commonArgs(settings);
      List<String> bridgeArgs =
          new ArrayList<>(
              List.of(
                  "--server.port=" + ports.bridgeHttp(),
                  "--weather.store.url=" + infrastructure.valkeyUrl(),
                  "--spring.rabbitmq.addresses=" + infrastructure.rabbitUri(),
                  // The embedded broker is not RabbitMQ: its queue, DLQ and delivery limit are
                  // configured in the broker.
                  "--weather.rabbit.declare=" + !embeddedAmqp,
                  "--spring.autoconfigure.exclude=" + KAFKA_AUTOCONFIG,
                  "--spring.grpc.server.enabled=false"));
      if (!given(env, EmbeddedInfrastructure.VALKEY_ENV)
          && !given(env, "WEATHER_STORE_DURABILITY")) {
        // The embedded Valkey fsyncs once a second, like the embedded Redis of the Kafka path: a
        // laptop run acknowledges a batch once Valkey holds it, and says so in one line instead of
        // a warning. Set as the variable's default only, so weather.store.durability given any
        // other way still wins.
        bridgeArgs.add("--WEATHER_STORE_DURABILITY=none");
        log.info(
            "The embedded Valkey fsyncs once a second: the bridge acknowledges a batch once Valkey holds it "
                + "(durability none; set WEATHER_STORE_DURABILITY, or VALKEY_URL for a Valkey of your own, to choose)");
      }
      // The bridge declares (or, on the embedded broker, finds) the queue the rabbit gateway
      // publishes into, so it goes first; the rest start in parallel, the ingress last (it answers
      // 503 until gateways are up).
      started.add(
          run(BridgeApplication.class, "bridge", common, bridgeArgs.toArray(String[]::new)));
      // Platform threads, not virtual ones: starting a context loads thousands of classes, and in
      // the executable jar a virtual thread loading a class pins its carrier while it waits for the
      // nested jar's lock. With every carrier pinned by such waiters, the thread holding the lock
      // never runs again: a deadlock.
      try (ExecutorService executor =
          Executors.newThreadPerTaskExecutor(
              Thread.ofPlatform().name("service-start-", 0).factory())) {
        List<CompletableFuture<ConfigurableApplicationContext>> parallel =
            List.of(
                CompletableFuture.supplyAsync(
                    () ->
                        run(
                            StreamsApplication.class,
                            "streams",
                            common,
                            "--server.port=" + ports.streamsHttp(),
                            "--spring.kafka.bootstrap-servers="
                                + infrastructure.kafkaBootstrapServers(),
                            "--weather.store.url=" + infrastructure.redisUrl(),
                            "--spring.kafka.streams.state-dir="
                                + dataDir.resolve("streams").toAbsolutePath(),
                            "--spring.autoconfigure.exclude=" + RABBIT_AUTOCONFIG,
                            "--spring.grpc.server.enabled=false"),
                    executor),
                CompletableFuture.supplyAsync(
                    () ->
                        gateway(
                            TweetPath.KAFKA,
                            common,
                            ports.kafkaGatewayGrpc(),
                            ports.kafkaGatewayHttp(),
                            "--spring.kafka.bootstrap-servers="
                                + infrastructure.kafkaBootstrapServers()),
                    executor),
                CompletableFuture.supplyAsync(
                    () ->
                        gateway(
                            TweetPath.RABBIT,
                            common,
                            ports.rabbitGatewayGrpc(),
                            ports.rabbitGatewayHttp(),
                            "--spring.rabbitmq.addresses=" + infrastructure.rabbitUri()),
                    executor));
        for (CompletableFuture<ConfigurableApplicationContext> future : parallel) {
          future.whenComplete(
              (context, failure) -> {
                if (context != null) {
                  started.add(context);
                }
              });
        }
        CompletableFuture.allOf(parallel.toArray(CompletableFuture[]::new)).join();
      }
      started.add(
          run(
              IngressApplication.class,
              "ingress",
              common,
              "--server.port=" + ports.ingress(),
              "--spring.grpc.client.channel.kafka-gateway.target=static://127.0.0.1:"
                  + ports.kafkaGatewayGrpc(),
              "--spring.grpc.client.channel.rabbit-gateway.target=static://127.0.0.1:"
                  + ports.rabbitGatewayGrpc(),
              "--weather.store.redis-url=" + infrastructure.redisUrl(),
              "--weather.store.valkey-url=" + infrastructure.valkeyUrl()));
      return new Standalone(infrastructure, new ArrayList<>(started), ports, dataDir);
    } catch (RuntimeException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      log.error("Standalone start failed, stopping what was started: {}", cause.toString());
      closeAll(started);
      infrastructure.close();
      throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }
  }

  private static List<String> commonArgs(Map<String, String> settings) {
    List<String> args = new ArrayList<>();
    // One log for all services: the first context's application name would label every line.
    args.add("--logging.include-application-name=false");
    QUIET_LOGGERS.forEach(logger -> args.add("--logging.level." + logger + "=WARN"));
    // springdoc is on the shared classpath for the ingress's Swagger UI (which needs only this
    // switched off); the other services would otherwise generate and serve documents and UIs of
    // their own.
    args.add("--springdoc.api-docs.enabled=false");
    settings.forEach((key, value) -> args.add("--" + key + "=" + value));
    return args;
  }

  /** A gateway publishing to {@code path}'s broker, at {@code broker}. */
  private static ConfigurableApplicationContext gateway(
      TweetPath path, List<String> common, int grpcPort, int httpPort, String broker) {
    return run(
        GatewayApplication.class,
        "gateway",
        common,
        "--weather.gateway.sink=" + path.id(),
        "--spring.grpc.server.port=" + grpcPort,
        "--server.port=" + httpPort,
        "--spring.application.name=gateway-" + path.id(),
        broker);
  }

  private static ConfigurableApplicationContext run(
      Class<?> application, String configName, List<String> common, String... args) {
    List<String> all = new ArrayList<>(common);
    all.addAll(List.of(args));
    String name =
        all.stream()
            .filter(a -> a.startsWith("--spring.application.name="))
            .findFirst()
            .map(a -> a.substring(a.indexOf('=') + 1))
            .orElse(configName);
    STARTING.put(name, System.nanoTime());
    try {
      return new SpringApplicationBuilder(application)
          .properties("spring.config.name=" + configName)
          // The launcher closes the contexts in order (ingress first, infrastructure last) on
          // shutdown.
          .registerShutdownHook(false)
          .run(all.toArray(String[]::new));
    } finally {
      STARTING.remove(name);
    }
  }

  /**
   * The parts being started now, each with the seconds it has taken so far (e.g. {@code streams (41
   * s)}).
   */
  static List<String> starting() {
    long now = System.nanoTime();
    return STARTING.entrySet().stream()
        .map(e -> e.getKey() + " (" + (now - e.getValue()) / 1_000_000_000 + " s)")
        .toList();
  }

  private static boolean given(Map<String, String> env, String name) {
    String value = env.get(name);
    return value != null && !value.isBlank();
  }

  /** The line printed once everything is up. */
  public String readyLine(long startedAtNanos) {
    String embedded =
        infrastructure.embeddedParts().isEmpty()
            ? "none (all servers given by environment)"
            : String.join("; ", infrastructure.embeddedParts());
    return String.format(
        "Weather Tweets is ready in %.1f s: live page http://localhost:%d/ | POST http://localhost:%d/api/tweet"
            + " | compare http://localhost:%d/api/compare | gRPC kafka :%d, rabbit :%d"
            + " | servers: Kafka %s, AMQP %s, Redis %s, Valkey %s | embedded: %s | data: %s",
        (System.nanoTime() - startedAtNanos) / 1e9,
        ports.ingress(),
        ports.ingress(),
        ports.ingress(),
        ports.kafkaGatewayGrpc(),
        ports.rabbitGatewayGrpc(),
        infrastructure.kafkaBootstrapServers(),
        withoutPassword(infrastructure.rabbitUri()),
        withoutPassword(infrastructure.redisUrl()),
        withoutPassword(infrastructure.valkeyUrl()),
        embedded,
        dataDir.toAbsolutePath());
  }

  /**
   * {@code amqp://user:secret@host/} as {@code amqp://user:***@host/}: the ready line may end up in
   * a shared log.
   */
  static String withoutPassword(String uri) {
    return uri.replaceFirst("^([a-z]+://[^:/@]*):[^@/]*@", "$1:***@");
  }

  public EmbeddedInfrastructure infrastructure() {
    return infrastructure;
  }

  public ServicePorts ports() {
    return ports;
  }

  /**
   * The running service whose {@code spring.application.name} is {@code name} (e.g. {@code
   * streams-app}).
   */
  public ConfigurableApplicationContext service(String name) {
    return services.stream()
        .filter(
            context -> name.equals(context.getEnvironment().getProperty("spring.application.name")))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no running service named " + name));
  }

  /** Ingress first (no new tweets), then gateways, then the consumers, then the infrastructure. */
  @Override
  public void close() {
    closeAll(services);
    infrastructure.close();
  }

  private static void closeAll(List<ConfigurableApplicationContext> contexts) {
    List<ConfigurableApplicationContext> reversed = new ArrayList<>(contexts);
    Collections.reverse(reversed);
    for (ConfigurableApplicationContext context : reversed) {
      try {
        context.close();
      } catch (RuntimeException e) {
        log.warn("Stopping {} failed: {}", context.getId(), e.toString());
      }
    }
  }
}
