package io.weathertweets.harness;

import io.weathertweets.embedded.FreePorts;
import io.weathertweets.embedded.RedisProtocolServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The whole system as separate processes: a Kafka broker (the standalone launcher's {@code
 * --infra-only} JVM), a redis-server and a valkey-server, a RabbitMQ node of its own or a shared
 * one, and the five services from their executable jars. Every process is on a free port and logs
 * to {@link Setup#logs()}; store keys, the Streams application id and (on a shared RabbitMQ) the
 * exchange and queue names carry {@link Setup#prefix()}, so runs never meet. The fault suite and
 * the benchmark both run on it; they differ only in their {@link Setup}.
 */
public final class ProcessSystem implements AutoCloseable {

  /**
   * How a system is set up.
   *
   * @param data where the stores, the broker and the Streams state keep their files
   * @param logs one log file per process and start
   * @param prefix store key prefix; also names the Streams application and, on a shared RabbitMQ,
   *     the exchange and queues ({@link RabbitNames#of})
   * @param durableStores redis and valkey with an append-only file (fsync every second), so a crash
   *     keeps what they acknowledged; without, they keep nothing on disk
   * @param sharedRabbitUri a RabbitMQ to use instead of starting a node of its own (null: own node)
   * @param serviceJvmOptions options of every service JVM besides its heap
   * @param kafkaJvmOptions options of the Kafka JVM, heap included
   * @param heapMiB the -Xmx of each service but the streams-app
   * @param streamsHeapMiB the streams-app's -Xmx (record caches and RocksDB handles)
   * @param startTimeout how long a process may take to become ready
   * @param environment per service, variables added to (or replacing) the system's own
   */
  public record Setup(
      ServiceJars jars,
      Path data,
      Path logs,
      String prefix,
      boolean durableStores,
      String sharedRabbitUri,
      List<String> serviceJvmOptions,
      List<String> kafkaJvmOptions,
      int heapMiB,
      int streamsHeapMiB,
      Duration startTimeout,
      Map<Service, Map<String, String>> environment) {

    /** JVM options that start fast and stay small: C1 only, serial GC. */
    public static final List<String> LEAN_JVM =
        List.of(
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xss512k",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.net.preferIPv4Stack=true");

    public Setup {
      serviceJvmOptions = List.copyOf(serviceJvmOptions);
      kafkaJvmOptions = List.copyOf(kafkaJvmOptions);
      Map<Service, Map<String, String>> copy = new EnumMap<>(Service.class);
      environment.forEach((s, vars) -> copy.put(s, Map.copyOf(vars)));
      environment = Map.copyOf(copy);
    }

    /**
     * Everything private and durable, on lean JVMs: what a crash test needs ({@code kill -9} of any
     * process loses nothing its server acknowledged).
     */
    public static Setup durable(ServiceJars jars, Path data, Path logs, String prefix) {
      List<String> kafka = new ArrayList<>(List.of("-Xmx384m"));
      kafka.addAll(LEAN_JVM);
      return new Setup(
          jars,
          data,
          logs,
          prefix,
          true,
          null,
          LEAN_JVM,
          kafka,
          256,
          320,
          Duration.ofSeconds(120),
          Map.of());
    }

    /** A builder that starts from this setup. */
    public Builder toBuilder() {
      return new Builder(this);
    }

    /** Changes to a {@link Setup}; each method replaces one of its parts. */
    public static final class Builder {
      private final Setup base;
      private boolean durableStores;
      private String sharedRabbitUri;
      private List<String> serviceJvmOptions;
      private List<String> kafkaJvmOptions;
      private int heapMiB;
      private int streamsHeapMiB;
      private Duration startTimeout;
      private final Map<Service, Map<String, String>> environment = new EnumMap<>(Service.class);

      private Builder(Setup base) {
        this.base = base;
        this.durableStores = base.durableStores();
        this.sharedRabbitUri = base.sharedRabbitUri();
        this.serviceJvmOptions = base.serviceJvmOptions();
        this.kafkaJvmOptions = base.kafkaJvmOptions();
        this.heapMiB = base.heapMiB();
        this.streamsHeapMiB = base.streamsHeapMiB();
        this.startTimeout = base.startTimeout();
        base.environment().forEach((s, vars) -> environment.put(s, new HashMap<>(vars)));
      }

      /**
       * A shared RabbitMQ instead of a node of the system's own, with an exchange and queues of the
       * run.
       */
      public Builder sharedRabbit(String uri) {
        this.sharedRabbitUri = uri;
        return this;
      }

      /** Stores that keep nothing on disk. */
      public Builder volatileStores() {
        this.durableStores = false;
        return this;
      }

      /** Other JVM options and heaps. */
      public Builder jvms(
          List<String> serviceJvmOptions, int heapMiB, int streamsHeapMiB, List<String> kafkaJvm) {
        this.serviceJvmOptions = serviceJvmOptions;
        this.heapMiB = heapMiB;
        this.streamsHeapMiB = streamsHeapMiB;
        this.kafkaJvmOptions = kafkaJvm;
        return this;
      }

      /** Another bound on the time a process takes to become ready. */
      public Builder startTimeout(Duration startTimeout) {
        this.startTimeout = startTimeout;
        return this;
      }

      /** These variables added to {@code service}'s environment. */
      public Builder environment(Service service, Map<String, String> variables) {
        environment.computeIfAbsent(service, s -> new HashMap<>()).putAll(variables);
        return this;
      }

      public Setup build() {
        return new Setup(
            base.jars(),
            base.data(),
            base.logs(),
            base.prefix(),
            durableStores,
            sharedRabbitUri,
            serviceJvmOptions,
            kafkaJvmOptions,
            heapMiB,
            streamsHeapMiB,
            startTimeout,
            environment);
      }
    }

    /** The -Xmx of {@code s} in MiB. */
    public int heapMiB(Service s) {
      return s == Service.STREAMS ? streamsHeapMiB : heapMiB;
    }
  }

  private final Setup setup;
  private final ServiceJars jars;
  private final Path data;
  private final Path logs;
  private final String prefix;
  private final int kafkaPort = FreePorts.one();
  private final int kafkaControllerPort = FreePorts.one();
  private final int redisPort = FreePorts.one();
  private final int valkeyPort = FreePorts.one();
  private final Map<Service, Integer> httpPorts = new EnumMap<>(Service.class);
  private final Map<Service, Integer> grpcPorts = new EnumMap<>(Service.class);
  private final Map<Service, ManagedProcess> services = new EnumMap<>(Service.class);
  private final ManagedProcess kafka;
  private final ManagedProcess redis;
  private final ManagedProcess valkey;
  private final RabbitNode rabbit;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Picks the ports and prepares every process; {@link #start()} starts them. */
  public ProcessSystem(Setup setup) {
    this.setup = setup;
    this.jars = setup.jars();
    this.data = setup.data();
    this.logs = setup.logs();
    this.prefix = setup.prefix();
    for (Service s : Service.values()) {
      httpPorts.put(s, FreePorts.one());
    }
    grpcPorts.put(Service.KAFKA_GATEWAY, FreePorts.one());
    grpcPorts.put(Service.RABBIT_GATEWAY, FreePorts.one());
    try {
      Files.createDirectories(data);
      Files.createDirectories(logs);
      Files.createDirectories(data.resolve("redis"));
      Files.createDirectories(data.resolve("valkey"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    redis =
        new ManagedProcess(
            "redis",
            storeCommand("redis-server", redisPort, data.resolve("redis"), setup.durableStores()),
            Map.of(),
            logs);
    valkey =
        new ManagedProcess(
            "valkey",
            storeCommand(
                "valkey-server", valkeyPort, data.resolve("valkey"), setup.durableStores()),
            Map.of(),
            logs);
    rabbit =
        setup.sharedRabbitUri() != null
            ? null
            : new RabbitNode(data.resolve("rabbitmq"), logs, null);
    List<String> kafkaCommand = new ArrayList<>(List.of(java()));
    kafkaCommand.addAll(setup.kafkaJvmOptions());
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
        new ManagedProcess(
            "kafka",
            kafkaCommand,
            Map.of("RABBITMQ_URI", rabbitUri(), "REDIS_URL", redisUrl(), "VALKEY_URL", valkeyUrl()),
            logs);
    for (Service s : Service.values()) {
      services.put(s, serviceProcess(s));
    }
  }

  public Setup setup() {
    return setup;
  }

  public String redisUrl() {
    return "redis://127.0.0.1:" + redisPort;
  }

  public String valkeyUrl() {
    return "redis://127.0.0.1:" + valkeyPort;
  }

  /**
   * The RabbitMQ the system uses: its own node's (default credentials, local only) or the shared
   * one.
   */
  public String rabbitUri() {
    return setup.sharedRabbitUri() != null ? setup.sharedRabbitUri() : rabbit.guestUri();
  }

  /**
   * The exchange and queues of the rabbit gateway and the bridge: on a shared RabbitMQ this run's
   * own, on the system's own node the defaults.
   */
  public RabbitNames rabbitNames() {
    return setup.sharedRabbitUri() != null ? RabbitNames.of(prefix) : RabbitNames.DEFAULT;
  }

  public int redisPort() {
    return redisPort;
  }

  public int valkeyPort() {
    return valkeyPort;
  }

  public int httpPort(Service s) {
    return httpPorts.get(s);
  }

  /** The gRPC port of a gateway. */
  public int grpcPort(Service gateway) {
    Integer port = grpcPorts.get(gateway);
    if (port == null) {
      throw new IllegalArgumentException(gateway + " serves no gRPC");
    }
    return port;
  }

  public String kafkaBootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  public String prefix() {
    return prefix;
  }

  public URI ingress() {
    return URI.create("http://127.0.0.1:" + httpPorts.get(Service.INGRESS));
  }

  public URI actuator(Service s) {
    return URI.create("http://127.0.0.1:" + httpPorts.get(s) + "/actuator/");
  }

  public ManagedProcess process(Service s) {
    return services.get(s);
  }

  // ---- whole system ----

  /**
   * Starts the infrastructure, then the services (gateways and the streams-app, then the bridge and
   * the ingress), each until it is ready.
   */
  public void start() {
    startInfrastructure();
    startServices();
  }

  /** Starts redis, valkey, the RabbitMQ node (unless shared) and Kafka, until each answers. */
  public void startInfrastructure() {
    join(
        CompletableFuture.allOf(
            CompletableFuture.runAsync(this::startRedis),
            CompletableFuture.runAsync(this::startValkey),
            CompletableFuture.runAsync(this::startRabbit),
            CompletableFuture.runAsync(this::startKafka)));
  }

  /** Starts the five services on the running infrastructure, each until it is ready. */
  public void startServices() {
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
  public List<String> notRunning() {
    List<String> down = new ArrayList<>();
    Stream.concat(
            Stream.of(kafka, redis, valkey, rabbit == null ? null : rabbit.process()),
            services.values().stream())
        .filter(Objects::nonNull)
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

  public void kill9(Service s) {
    services.get(s).kill9();
  }

  public void stop(Service s) {
    services.get(s).stop(Duration.ofSeconds(15));
  }

  /** Starts the service (again) and waits until its readiness probe says UP. */
  public void restart(Service s) {
    ManagedProcess p = services.get(s);
    p.start();
    awaitReady(s, p);
  }

  /** Stops the service, then starts it again with these variables changed, until it is ready. */
  public void restart(Service s, Map<String, String> variables) {
    ManagedProcess p = services.get(s);
    p.stop(Duration.ofSeconds(15));
    p.putEnvironment(variables);
    restart(s);
  }

  /**
   * From its next start on, the service runs from {@code jar} (another build of it) with these JVM
   * options after the setup's own and these arguments after its own.
   */
  public void replace(
      Service s, Path jar, List<String> extraJvmOptions, List<String> extraArguments) {
    services.get(s).setCommand(serviceCommand(s, jar, extraJvmOptions, extraArguments));
  }

  public Path streamsStateDir() {
    return data.resolve("streams-state");
  }

  public void wipeStreamsState() {
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
    p.awaitUp(
        s.id + " ready",
        setup.startTimeout(),
        Duration.ofMillis(500),
        () -> {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(3)).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
          return r.statusCode() == 200 && r.body().contains("\"UP\"");
        });
  }

  /** The service's Prometheus counter (summed over tags), or 0 when it cannot be read. */
  public double counter(Service s, String prometheusName) {
    return metric(s, prometheusName, "").orElse(0);
  }

  /**
   * The sum of a Prometheus metric over those of its series whose labels contain {@code label}
   * (e.g. {@code area="heap"}; "" for all), or empty when the scrape cannot be read or parsed. Only
   * that metric is scraped ({@code includedNames}): a full scrape of the streams-app costs tens of
   * milliseconds of its CPU, which a reader polling every few seconds would add to every figure it
   * measures.
   */
  public OptionalDouble metric(Service s, String prometheusName, String label) {
    try {
      return metric(scrape(s, "?includedNames=" + names(prometheusName)), prometheusName, label);
    } catch (RuntimeException e) {
      return OptionalDouble.empty();
    }
  }

  /**
   * What {@code includedNames} must hold to return a sample line of that name: its family (a
   * counter's name without {@code _total}, a histogram's without {@code _sum}, ...) and, for a
   * gauge whose own name ends that way, the name itself.
   */
  static String names(String prometheusName) {
    String family = prometheusName.replaceFirst("_(total|sum|count|bucket)$", "");
    return family.equals(prometheusName) ? family : family + "," + prometheusName;
  }

  /**
   * The sum of a Prometheus metric in {@code scrape} (a text already read with {@link #prometheus})
   * over those of its series whose labels contain {@code label} ("" for all), or empty when the
   * scrape is empty or cannot be parsed.
   */
  public static OptionalDouble metric(String scrape, String prometheusName, String label) {
    if (scrape.isEmpty()) {
      return OptionalDouble.empty();
    }
    try {
      return OptionalDouble.of(
          scrape
              .lines()
              .filter(
                  l ->
                      (l.startsWith(prometheusName + "{") && l.contains(label))
                          || (label.isEmpty() && l.startsWith(prometheusName + " ")))
              .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
              .sum());
    } catch (RuntimeException e) {
      return OptionalDouble.empty();
    }
  }

  /** The service's Prometheus scrape, or "" when it cannot be read. */
  public String prometheus(Service s) {
    return scrape(s, "");
  }

  private String scrape(Service s, String query) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(actuator(s).resolve("prometheus" + query))
                  .timeout(Duration.ofSeconds(5))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private ManagedProcess serviceProcess(Service s) {
    Map<String, String> env = new HashMap<>();
    int http = httpPorts.get(s);
    switch (s) {
      case INGRESS -> {
        env.put("INGRESS_PORT", String.valueOf(http));
        env.put("INGRESS_ROUTING", "fanout");
        // The per-client rate limit off: every load here comes from one client, and what is
        // measured is the system's own protection (the in-flight bound and the gateway deadlines),
        // not a 429 in front of it.
        env.put("INGRESS_RATE_LIMIT", "0");
        env.put("KAFKA_GATEWAY_TARGET", "127.0.0.1:" + grpcPorts.get(Service.KAFKA_GATEWAY));
        env.put("RABBIT_GATEWAY_TARGET", "127.0.0.1:" + grpcPorts.get(Service.RABBIT_GATEWAY));
        env.put("REDIS_URL", redisUrl());
        env.put("VALKEY_URL", valkeyUrl());
      }
      case KAFKA_GATEWAY, RABBIT_GATEWAY -> {
        env.put("GATEWAY_SINK", s == Service.KAFKA_GATEWAY ? "kafka" : "rabbit");
        env.put("GRPC_PORT", String.valueOf(grpcPorts.get(s)));
        env.put("SERVER_PORT", String.valueOf(http));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("RABBITMQ_URI", rabbitUri());
      }
      case STREAMS -> {
        env.put("SERVER_PORT", String.valueOf(http));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("REDIS_URL", redisUrl());
        env.put("STREAMS_STATE_DIR", streamsStateDir().toString());
        env.put("STREAMS_APPLICATION_ID", "weather-streams-" + prefix);
        env.put("WEATHER_STORE_PREFIX", prefix);
      }
      case BRIDGE -> {
        env.put("RABBITMQ_URI", rabbitUri());
        env.put("VALKEY_URL", valkeyUrl());
      }
      default -> throw new IllegalArgumentException(s.toString());
    }
    env.putAll(setup.environment().getOrDefault(s, Map.of()));
    return new ManagedProcess(s.id, serviceCommand(s, jar(s), List.of(), List.of()), env, logs);
  }

  private Path jar(Service s) {
    return switch (s) {
      case INGRESS -> jars.ingress();
      case KAFKA_GATEWAY, RABBIT_GATEWAY -> jars.gateway();
      case STREAMS -> jars.streams();
      case BRIDGE -> jars.bridge();
    };
  }

  private List<String> serviceCommand(
      Service s, Path jar, List<String> extraJvmOptions, List<String> extraArguments) {
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + setup.heapMiB(s) + "m"));
    command.addAll(setup.serviceJvmOptions());
    command.addAll(extraJvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    switch (s) {
      case INGRESS -> command.add("--weather.store.prefix=" + prefix);
      case BRIDGE -> {
        command.add("--server.port=" + httpPorts.get(s));
        command.add("--weather.store.prefix=" + prefix);
      }
      default -> {}
    }
    if (setup.sharedRabbitUri() != null && (s == Service.RABBIT_GATEWAY || s == Service.BRIDGE)) {
      // A shared broker: names of this run only. (The system's own node has the default names.)
      rabbitNames().settings().forEach((key, value) -> command.add("--" + key + "=" + value));
    }
    command.addAll(extraArguments);
    return command;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  // ---- Kafka broker ----

  public void startKafka() {
    kafka.start();
    kafka.awaitUp(
        "Kafka broker (standalone --infra-only) ready",
        setup.startTimeout(),
        Duration.ofMillis(300),
        () -> Files.readString(kafka.logFile()).contains("infrastructure is ready"));
  }

  public void killKafka() {
    kafka.kill9();
  }

  // ---- Redis and Valkey ----

  /**
   * A redis-server or valkey-server on {@code port}, its files in {@code dir}: with an append-only
   * file synced every second when {@code durable}, else nothing on disk.
   */
  public static List<String> storeCommand(String binary, int port, Path dir, boolean durable) {
    return List.of(
        binary,
        "--port",
        String.valueOf(port),
        "--bind",
        "127.0.0.1",
        "--protected-mode",
        "no",
        "--appendonly",
        durable ? "yes" : "no",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--dir",
        dir.toString(),
        "--daemonize",
        "no");
  }

  public void startRedis() {
    redis.start();
    awaitPong(redis, redisPort);
  }

  public void killRedis() {
    redis.kill9();
  }

  public void startValkey() {
    valkey.start();
    awaitPong(valkey, valkeyPort);
  }

  public void killValkey() {
    valkey.kill9();
  }

  /** Waits until the redis-protocol server of {@code p} answers PING on {@code port}. */
  public static void awaitPong(ManagedProcess p, int port) {
    p.awaitUp(
        p.name() + " answers PING",
        Duration.ofSeconds(30),
        Duration.ofMillis(100),
        // "LOADING …" while the AOF is replayed: not ready yet.
        () -> "PONG".equals(RedisProtocolServer.ping(port)));
  }

  // ---- RabbitMQ node ----

  /** Starts the system's own RabbitMQ node; nothing on a shared RabbitMQ. */
  public void startRabbit() {
    if (rabbit != null) {
      rabbit.start(setup.startTimeout());
    }
  }

  /**
   * A clean stop of the node ({@code rabbitmqctl stop}), as an operator (or Kubernetes) stops a
   * broker.
   */
  public void stopRabbit() {
    if (rabbit != null) {
      rabbit.stop();
    }
  }
}
