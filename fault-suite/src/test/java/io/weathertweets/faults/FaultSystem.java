package io.weathertweets.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole system as separate processes on private infrastructure: a Kafka broker (the standalone
 * launcher's {@code --infra-only} JVM), a RabbitMQ node, a redis-server and a valkey-server (both
 * with AOF, so a crash keeps what they acknowledged), and the five services. Every process is on a
 * free port and logs to {@code target/fault-logs/}; nothing is shared with the machine's own
 * servers.
 */
final class FaultSystem implements AutoCloseable {
  enum Service {
    INGRESS("ingress"),
    KAFKA_GATEWAY("kafka-gateway"),
    RABBIT_GATEWAY("rabbit-gateway"),
    STREAMS("streams-app"),
    BRIDGE("rabbit-bridge");

    final String id;

    Service(String id) {
      this.id = id;
    }
  }

  private static final List<ManagedProcess> EVERY_PROCESS = new CopyOnWriteArrayList<>();

  static {
    // Whatever happens to the test JVM (timeout, Ctrl-C), none of its children may outlive it.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () ->
                    EVERY_PROCESS.forEach(
                        p -> {
                          try {
                            p.kill9();
                          } catch (RuntimeException e) {
                            System.err.println(
                                "Could not kill "
                                    + p
                                    + ": "
                                    + e.getMessage()
                                    + "; kill it by hand");
                          }
                        }),
                "fault-suite-cleanup"));
  }

  static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final List<String> JVM_OPTIONS =
      List.of(
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-Xss512k",
          "-XX:+ExitOnOutOfMemoryError",
          "-Djava.net.preferIPv4Stack=true");

  private final ServiceJars jars;
  private final Path data;
  private final Path logs;
  private final String prefix;
  private final String rabbitNode;
  private final Path rabbitHome;
  private final int kafkaPort = Ports.free();
  private final int kafkaControllerPort = Ports.free();
  private final int redisPort = Ports.free();
  private final int valkeyPort = Ports.free();
  private final int amqpPort = Ports.free();
  private final int rabbitDistPort = Ports.free();
  private final Map<Service, Integer> httpPorts = new EnumMap<>(Service.class);
  private final Map<Service, Integer> grpcPorts = new EnumMap<>(Service.class);
  private final Map<Service, ManagedProcess> services = new EnumMap<>(Service.class);
  private final ManagedProcess kafka;
  private final ManagedProcess redis;
  private final ManagedProcess valkey;
  private final ManagedProcess rabbit;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  FaultSystem(ServiceJars jars, Path work, String runId) {
    this.jars = jars;
    this.data = work.resolve("fault-data").resolve(runId);
    this.logs = work.resolve("fault-logs");
    this.prefix = "fault-" + runId;
    this.rabbitNode = "wt-fault-" + runId + "@localhost";
    this.rabbitHome = data.resolve("rabbitmq/home");
    for (Service s : Service.values()) {
      httpPorts.put(s, Ports.free());
    }
    grpcPorts.put(Service.KAFKA_GATEWAY, Ports.free());
    grpcPorts.put(Service.RABBIT_GATEWAY, Ports.free());
    try {
      Files.createDirectories(data);
      Files.createDirectories(logs);
      Files.createDirectories(rabbitHome);
      Files.createDirectories(data.resolve("redis"));
      Files.createDirectories(data.resolve("valkey"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    redis =
        register(
            new ManagedProcess(
                "redis",
                storeCommand("redis-server", redisPort, data.resolve("redis")),
                Map.of(),
                logs));
    valkey =
        register(
            new ManagedProcess(
                "valkey",
                storeCommand("valkey-server", valkeyPort, data.resolve("valkey")),
                Map.of(),
                logs));
    rabbit =
        register(
            new ManagedProcess(
                "rabbitmq",
                List.of("/usr/lib/rabbitmq/bin/rabbitmq-server"),
                rabbitEnvironment(),
                logs));
    List<String> kafkaCommand = new ArrayList<>(List.of(java(), "-Xmx384m"));
    kafkaCommand.addAll(JVM_OPTIONS);
    kafkaCommand.addAll(
        List.of(
            "-Dweather.standalone.kafka-port=" + kafkaPort,
            "-Dweather.standalone.kafka-controller-port=" + kafkaControllerPort,
            "-jar",
            jars.standalone().toString(),
            "--infra-only",
            data.resolve("infra").toString()));
    // Given URLs keep the launcher from embedding those servers: only Kafka runs in it.
    kafka =
        register(
            new ManagedProcess(
                "kafka",
                kafkaCommand,
                Map.of(
                    "RABBITMQ_URI",
                    rabbitUri(),
                    "REDIS_URL",
                    redisUrl(),
                    "VALKEY_URL",
                    valkeyUrl()),
                logs));
    for (Service s : Service.values()) {
      services.put(s, register(serviceProcess(s)));
    }
  }

  private static ManagedProcess register(ManagedProcess p) {
    EVERY_PROCESS.add(p);
    return p;
  }

  String redisUrl() {
    return "redis://127.0.0.1:" + redisPort;
  }

  String valkeyUrl() {
    return "redis://127.0.0.1:" + valkeyPort;
  }

  String rabbitUri() {
    return "amqp://guest:guest@127.0.0.1:" + amqpPort + "/";
  }

  String kafkaBootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  String prefix() {
    return prefix;
  }

  URI ingress() {
    return URI.create("http://127.0.0.1:" + httpPorts.get(Service.INGRESS));
  }

  URI actuator(Service s) {
    return URI.create("http://127.0.0.1:" + httpPorts.get(s) + "/actuator/");
  }

  ManagedProcess process(Service s) {
    return services.get(s);
  }

  // ---- whole system ----

  void start() {
    CompletableFuture<Void> infra =
        CompletableFuture.allOf(
            CompletableFuture.runAsync(this::startRedis),
            CompletableFuture.runAsync(this::startValkey),
            CompletableFuture.runAsync(this::startRabbit),
            CompletableFuture.runAsync(this::startKafka));
    join(infra);
    // The bridge binds its queue to the exchange the rabbit gateway declares: gateways first.
    join(
        CompletableFuture.allOf(
            CompletableFuture.runAsync(() -> restart(Service.KAFKA_GATEWAY)),
            CompletableFuture.runAsync(() -> restart(Service.RABBIT_GATEWAY)),
            CompletableFuture.runAsync(() -> restart(Service.STREAMS))));
    join(
        CompletableFuture.allOf(
            CompletableFuture.runAsync(() -> restart(Service.BRIDGE)),
            CompletableFuture.runAsync(() -> restart(Service.INGRESS))));
  }

  private static void join(CompletableFuture<Void> all) {
    try {
      all.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * True when every process of the system is running (a scenario leaves it so, or the next one
   * cannot run).
   */
  List<String> notRunning() {
    List<String> down = new ArrayList<>();
    Stream.concat(Stream.of(kafka, redis, valkey, rabbit), services.values().stream())
        .filter(p -> !p.isAlive())
        .forEach(p -> down.add(p.name()));
    return down;
  }

  @Override
  public void close() {
    // Services first, so none of them logs a storm of reconnects while the infrastructure goes
    // away.
    List<ManagedProcess> order = new ArrayList<>(services.values());
    order.addAll(List.of(kafka, redis, valkey));
    for (ManagedProcess p : order) {
      try {
        p.stop(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        System.err.println("Could not stop " + p + ": " + e.getMessage());
      }
    }
    stopRabbit();
  }

  // ---- services ----

  void kill9(Service s) {
    services.get(s).kill9();
  }

  void stop(Service s) {
    services.get(s).stop(Duration.ofSeconds(15));
  }

  /** Starts the service (again) and waits until its readiness probe says UP. */
  void restart(Service s) {
    ManagedProcess p = services.get(s);
    p.start();
    awaitReady(s, p);
  }

  Path streamsStateDir() {
    return data.resolve("streams-state");
  }

  void wipeStreamsState() {
    Path dir = streamsStateDir();
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .sorted(Comparator.reverseOrder())
          .forEach(
              f -> {
                try {
                  Files.delete(f);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady(Service s, ManagedProcess p) {
    URI readiness = actuator(s).resolve("health/readiness");
    await(s.id + " ready")
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .failFast(
            s.id + " exited while starting; log " + p.logFile() + ":\n" + p.tail(30),
            () -> !p.isAlive())
        .until(
            () -> {
              HttpResponse<String> r =
                  http.send(
                      HttpRequest.newBuilder(readiness)
                          .timeout(Duration.ofSeconds(3))
                          .GET()
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              return r.statusCode() == 200 && r.body().contains("\"UP\"");
            });
  }

  /** The service's Prometheus counter (summed over tags), or 0 when it cannot be read. */
  double counter(Service s, String prometheusName) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(actuator(s).resolve("prometheus"))
                  .timeout(Duration.ofSeconds(5))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.body()
          .lines()
          .filter(l -> l.startsWith(prometheusName + "{") || l.startsWith(prometheusName + " "))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    } catch (IOException | RuntimeException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private ManagedProcess serviceProcess(Service s) {
    Map<String, String> env = new HashMap<>();
    List<String> args = new ArrayList<>();
    int http = httpPorts.get(s);
    Path jar;
    switch (s) {
      case INGRESS -> {
        jar = jars.ingress();
        env.put("INGRESS_PORT", String.valueOf(http));
        env.put("INGRESS_ROUTING", "fanout");
        // The per-client rate limit off: every load here comes from one client, and the overload
        // scenario measures
        // the system's own protection (the in-flight bound and the gateway deadlines), not a 429 in
        // front of it.
        env.put("INGRESS_RATE_LIMIT", "0");
        env.put("KAFKA_GATEWAY_TARGET", "127.0.0.1:" + grpcPorts.get(Service.KAFKA_GATEWAY));
        env.put("RABBIT_GATEWAY_TARGET", "127.0.0.1:" + grpcPorts.get(Service.RABBIT_GATEWAY));
        env.put("REDIS_URL", redisUrl());
        env.put("VALKEY_URL", valkeyUrl());
        args.add("--weather.stores.prefix=" + prefix);
      }
      case KAFKA_GATEWAY, RABBIT_GATEWAY -> {
        jar = jars.gateway();
        env.put("GATEWAY_SINK", s == Service.KAFKA_GATEWAY ? "kafka" : "rabbit");
        env.put("GRPC_PORT", String.valueOf(grpcPorts.get(s)));
        env.put("SERVER_PORT", String.valueOf(http));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("RABBITMQ_URI", rabbitUri());
      }
      case STREAMS -> {
        jar = jars.streams();
        env.put("SERVER_PORT", String.valueOf(http));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("REDIS_URL", redisUrl());
        env.put("STREAMS_STATE_DIR", streamsStateDir().toString());
        env.put("STREAMS_APPLICATION_ID", "weather-streams-" + prefix);
        env.put("WEATHER_STORE_PREFIX", prefix);
      }
      case BRIDGE -> {
        jar = jars.bridge();
        env.put("RABBITMQ_URI", rabbitUri());
        env.put("VALKEY_URL", valkeyUrl());
        args.add("--server.port=" + http);
        args.add("--weather.store.prefix=" + prefix);
      }
      default -> throw new IllegalArgumentException(s.toString());
    }
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + heapLimitMiB(s) + "m"));
    command.addAll(JVM_OPTIONS);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    return new ManagedProcess(s.id, command, env, logs);
  }

  /**
   * The service JVM's -Xmx in MiB: the streams app holds record caches and RocksDB handles, so a
   * little more.
   */
  static int heapLimitMiB(Service s) {
    return s == Service.STREAMS ? 320 : 256;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  // ---- Kafka broker ----

  void startKafka() {
    kafka.start();
    await("Kafka broker ready")
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(300))
        .failFast(
            "Kafka (standalone --infra-only) exited; log "
                + kafka.logFile()
                + ":\n"
                + kafka.tail(30),
            () -> !kafka.isAlive())
        .until(
            () ->
                Files.exists(kafka.logFile())
                    && Files.readString(kafka.logFile()).contains("infrastructure is ready"));
  }

  void killKafka() {
    kafka.kill9();
  }

  // ---- Redis and Valkey ----

  private static List<String> storeCommand(String binary, int port, Path dir) {
    return List.of(
        binary,
        "--port",
        String.valueOf(port),
        "--bind",
        "127.0.0.1",
        "--protected-mode",
        "no",
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--dir",
        dir.toString(),
        "--daemonize",
        "no");
  }

  void startRedis() {
    redis.start();
    awaitPong(redis, redisPort);
  }

  void killRedis() {
    redis.kill9();
  }

  void startValkey() {
    valkey.start();
    awaitPong(valkey, valkeyPort);
  }

  void killValkey() {
    valkey.kill9();
  }

  private static void awaitPong(ManagedProcess p, int port) {
    await(p.name() + " answers PING")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .failFast(p.name() + " exited; log:\n" + p.tail(20), () -> !p.isAlive())
        .ignoreExceptions()
        .until(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                socket.setSoTimeout(1000);
                OutputStream out = socket.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] reply = new byte[7];
                int n = in.read(reply);
                // "-LOADING" while the AOF is replayed: not ready yet.
                return n >= 5
                    && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
              }
            });
  }

  // ---- RabbitMQ node ----

  private Map<String, String> rabbitEnvironment() {
    Map<String, String> env = new HashMap<>();
    Path base = data.resolve("rabbitmq");
    // HOME holds the node's own Erlang cookie; rabbitmqctl below runs with the same HOME.
    env.put("HOME", rabbitHome.toString());
    env.put("RABBITMQ_NODENAME", rabbitNode);
    env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
    env.put("RABBITMQ_NODE_PORT", String.valueOf(amqpPort));
    env.put("RABBITMQ_DIST_PORT", String.valueOf(rabbitDistPort));
    env.put("RABBITMQ_MNESIA_BASE", base.resolve("mnesia").toString());
    env.put("RABBITMQ_LOG_BASE", base.resolve("log").toString());
    env.put("RABBITMQ_ENABLED_PLUGINS_FILE", base.resolve("enabled_plugins").toString());
    env.put("RABBITMQ_CONFIG_FILE", base.resolve("no-config").toString());
    env.put("RABBITMQ_ADVANCED_CONFIG_FILE", base.resolve("no-advanced.config").toString());
    return env;
  }

  void startRabbit() {
    rabbit.start();
    await("RabbitMQ node accepts AMQP connections")
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(300))
        .failFast(
            "RabbitMQ node exited; log " + rabbit.logFile() + ":\n" + rabbit.tail(30),
            () -> !rabbit.isAlive())
        .until(() -> portOpen(amqpPort));
  }

  /**
   * A clean stop of the node ({@code rabbitmqctl stop}), as an operator (or Kubernetes) stops a
   * broker.
   */
  void stopRabbit() {
    if (!rabbit.isAlive()) {
      return;
    }
    ProcessBuilder ctl =
        new ProcessBuilder("/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", rabbitNode, "stop")
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(logs.resolve("rabbitmqctl.log").toFile()));
    ctl.environment().put("HOME", rabbitHome.toString());
    try {
      Process p = ctl.start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      System.err.println("rabbitmqctl stop failed (" + e.getMessage() + "); killing the node");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    rabbit.stop(Duration.ofSeconds(20));
  }

  private static boolean portOpen(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
