package io.weathertweets.bench;

import static io.weathertweets.bench.Processes.concat;
import static io.weathertweets.bench.Processes.decimal;
import static io.weathertweets.bench.Processes.env;
import static io.weathertweets.bench.Processes.java;
import static io.weathertweets.bench.Processes.lastMatch;
import static io.weathertweets.bench.Processes.number;
import static io.weathertweets.bench.Processes.onPath;
import static io.weathertweets.bench.Processes.output;
import static io.weathertweets.bench.Processes.redisCli;
import static io.weathertweets.bench.Processes.run;
import static io.weathertweets.bench.Processes.runJava;
import static io.weathertweets.bench.Processes.ticks;
import static io.weathertweets.bench.Processes.value;

import io.weathertweets.embedded.FreePorts;
import io.weathertweets.harness.ImageJvmFlags;
import io.weathertweets.harness.ManagedProcess;
import io.weathertweets.harness.ProcessSystem;
import io.weathertweets.harness.Service;
import io.weathertweets.harness.ServiceJars;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * The benchmark's scenarios: this machine's raw limits and our pipeline in ONE run, so every figure
 * is compared with a limit measured minutes apart on the same box under the same background load.
 * The system runs on the {@link ProcessSystem} harness (the fault suite's): Kafka embedded by the
 * standalone launcher, private redis-server and valkey-server instances (so INFO commandstats
 * counts only this run), the shared RabbitMQ with names unique to the run, the five services from
 * their executable jars with JFR recording.
 *
 * <p>Writes {@code <out>/results.properties} (the keys {@link Report} reads) and exits 1 when a
 * step broke or a store was not exact; unmet speed targets are the report's business. {@code
 * bench/run.sh} installs the tools (wrk, redis, nginx, Locust), builds, runs this, then JMH and the
 * report.
 *
 * <p>Usage: {@code Benchmark smoke|full <out-dir> <repo-root> <run-id>}; the run id names the run's
 * store prefix, queues and exchanges. Environment: DURATION, WARMUP (seconds), COURSE_REQUESTS,
 * SERVICE_HEAP (MiB, or e.g. 256m), RABBITMQ_URI.
 */
public final class Benchmark {
  /** The services under the names the results use. */
  static final Map<Service, String> KEYS =
      Collections.unmodifiableMap(
          new EnumMap<>(
              Map.of(
                  Service.INGRESS, "ingress",
                  Service.KAFKA_GATEWAY, "gateway-kafka",
                  Service.RABBIT_GATEWAY, "gateway-rabbit",
                  Service.STREAMS, "streams",
                  Service.BRIDGE, "bridge")));

  private final boolean smoke;
  private final Path root;
  private final Path out;
  private final Path results;
  private final String runId;
  private final int duration;
  private final int warmup;
  private final int courseRequests;
  private final long kafkaLimitRecords;
  private final long redisN;
  private final Duration verifyTimeout;
  private final String rabbitUri;
  private final int serviceHeapMiB;
  private final List<String> failures = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ProcessSystem system;
  private String courseQueue;
  private ManagedProcess courseRedis;
  private int courseRedisPort;
  private HeapSampler heap;
  private Path loadgenJar;
  private final AtomicBoolean cleanedUp = new AtomicBoolean();

  private Benchmark(boolean smoke, Path out, Path root, String runId) {
    this.smoke = smoke;
    this.out = out;
    this.root = root;
    this.results = out.resolve("results.properties");
    this.runId = runId;
    this.duration = env("DURATION", smoke ? 4 : 25);
    // Five JVMs compiling on 2 cores under load take ~60-90 s to reach steady throughput (single
    // tweets: 420 req/s in the first 10 s, 3,100 after 60 s, 3,500 after 90 s); the figures are
    // meant to be steady-state ones.
    this.warmup = env("WARMUP", smoke ? 2 : 60);
    this.courseRequests = env("COURSE_REQUESTS", smoke ? 1000 : 10000);
    this.kafkaLimitRecords = smoke ? 300_000 : 3_000_000;
    this.redisN = smoke ? 100_000 : 1_000_000;
    this.verifyTimeout = Duration.ofSeconds(smoke ? 60 : 120);
    this.rabbitUri = rabbitUri();
    this.serviceHeapMiB = serviceHeapMiB();
  }

  /** RABBITMQ_URI, by default the local RabbitMQ (default credentials: local development only). */
  static String rabbitUri() {
    // No path = the default vhost "/" for both amqp-client and Spring (a bare trailing slash means
    // vhost "" to amqp-client).
    return Optional.ofNullable(System.getenv("RABBITMQ_URI"))
        .filter(s -> !s.isBlank())
        .orElse("amqp://guest:guest@127.0.0.1:5672");
  }

  /** SERVICE_HEAP as a JVM size (256m, 1g, 262144k, or MiB without a unit) in MiB; 256 unset. */
  static int serviceHeapMiB() {
    String v = Optional.ofNullable(System.getenv("SERVICE_HEAP")).orElse("").strip();
    Matcher m = Pattern.compile("(?i)(\\d+)([kmg]?)").matcher(v);
    if (v.isEmpty()) {
      return 256;
    }
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "SERVICE_HEAP must be a JVM heap size such as 256m or 1g, was '" + v + "'");
    }
    long n = Long.parseLong(m.group(1));
    return (int)
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> n / 1024;
          case "g" -> n * 1024;
          default -> n;
        };
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4 || !List.of("smoke", "full").contains(args[0])) {
      System.err.println("usage: Benchmark smoke|full <out-dir> <repo-root> <run-id>");
      System.exit(2);
    }
    Benchmark bench;
    try {
      bench =
          new Benchmark(
              args[0].equals("smoke"),
              Path.of(args[1]).toAbsolutePath(),
              Path.of(args[2]).toAbsolutePath(),
              args[3]);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    // Also on Ctrl-C or SIGTERM: the run's processes stop and its queues leave the shared broker.
    Thread cleanUp = new Thread(bench::cleanUp, "benchmark-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanUp);
    int status;
    try {
      status = bench.measure();
    } catch (Exception | AssertionError e) {
      bench.fail("the run broke: " + e);
      e.printStackTrace();
      status = 1;
    }
    bench.cleanUp();
    System.exit(status);
  }

  private int measure() throws Exception {
    Files.createDirectories(out.resolve("logs"));
    Files.writeString(results, "");
    put("mode", smoke ? "smoke" : "full");
    put("run_id", runId);
    put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    put(
        "commit",
        output(List.of("git", "rev-parse", "--short", "HEAD"))
            .map(String::strip)
            .filter(c -> !c.isEmpty())
            .orElse("unknown"));
    put("duration_s", duration);
    put("warmup_s", warmup);
    put("service_heap", serviceHeapMiB + "m");
    // The streams-app's commit interval bounds how much longer than the sampled newest tweet an
    // older one waited.
    Matcher interval =
        Pattern.compile("commit\\.interval\\.ms: .*:(\\d+)}")
            .matcher(Files.readString(root.resolve("streams-app/src/main/resources/streams.yml")));
    put("streams.commit_interval_ms", interval.find() ? interval.group(1) : "");
    put("machine", machine());
    put("loadavg_start", loadAverage());
    log("output: " + out);

    String prefix = "bench-" + runId;
    // The services' JVM options besides the heap are their images' (among them an exit on running
    // out of heap: a run that did is reported, not measured on).
    List<String> serviceJvm = new ArrayList<>(ImageJvmFlags.withoutHeap(root));
    // JFR (profile settings, ~1-2 % overhead) in every service, so that a missed target can be
    // explained by where the CPU went: hot methods per service in profile-<svc>.txt.
    serviceJvm.add("-XX:StartFlightRecording=name=bench,settings=profile,maxsize=200m");
    system =
        new ProcessSystem(
            ProcessSystem.Setup.durable(ServiceJars.resolve(root), out, out.resolve("logs"), prefix)
                .toBuilder()
                .volatileStores()
                .sharedRabbit(rabbitUri)
                .jvms(serviceJvm, serviceHeapMiB, serviceHeapMiB, List.of("-Xmx1g"))
                .startTimeout(Duration.ofSeconds(300))
                .build());
    loadgenJar =
        ServiceJars.newest(root, "loadgen")
            .orElseThrow(() -> new IllegalStateException("loadgen: no executable jar"));
    courseQueue = "bench." + runId + ".course";
    courseRedisPort = FreePorts.one();
    courseRedis =
        new ManagedProcess(
            "redis-course",
            ProcessSystem.storeCommand("redis-server", courseRedisPort, out, false),
            Map.of(),
            out.resolve("logs"));
    log("infrastructure: private redis and valkey, Kafka (standalone --infra-only)");
    system.startInfrastructure();
    courseRedis.start();
    ProcessSystem.awaitPong(courseRedis, courseRedisPort);

    limits();

    log(
        "services: gateways (kafka, rabbit), streams-app, rabbit-bridge, ingress — one JVM each,"
            + " heap "
            + serviceHeapMiB
            + " MiB");
    system.startServices();
    heap = new HeapSampler();
    heap.start();
    pipeline();

    for (Service s : Service.values()) {
      checkAlive(s);
    }
    put("loadavg_end", loadAverage());
    for (Service s : Service.values()) {
      Path jfr = out.resolve(KEYS.get(s) + ".jfr");
      Processes.jcmd(system.process(s).pid(), "JFR.dump", "name=bench", "filename=" + jfr);
      Processes.hotMethods(jfr, out.resolve("profile-" + KEYS.get(s) + ".txt"));
    }
    return failures.isEmpty() ? 0 : 1;
  }

  /** Fails the run when {@code s} is not running, or any of its starts ran out of heap. */
  private void checkAlive(Service s) throws IOException {
    if (!system.process(s).isAlive()) {
      fail(KEYS.get(s) + " exited during the run (see " + system.process(s).logFile() + ")");
    }
    for (Path log : system.process(s).logFiles()) {
      boolean outOfHeap;
      try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
        outOfHeap = lines.anyMatch(l -> l.contains("OutOfMemoryError"));
      }
      if (outOfHeap) {
        fail(KEYS.get(s) + " ran out of heap (" + serviceHeapMiB + " MiB), see " + log);
      }
    }
  }

  // ------------------------------------------------------------------------------ raw limits

  private void limits() throws Exception {
    int httpPort = FreePorts.one();
    ManagedProcess httpLimit;
    // nginx answering 202 is the trivial server; the JDK's HttpServer is the fallback where nginx
    // is not installed (several times slower, which would flatter the ratios: the report says
    // which).
    if (onPath("nginx")) {
      Path conf = out.resolve("nginx");
      Files.createDirectories(conf);
      Files.writeString(
          conf.resolve("nginx.conf"),
          """
          worker_processes 2;
          daemon off;
          pid %1$s/nginx.pid;
          error_log %2$s/logs/nginx-error.log;
          events { worker_connections 4096; }
          http {
            access_log off;
            client_body_temp_path %1$s/body;
            proxy_temp_path %1$s/proxy;
            fastcgi_temp_path %1$s/fastcgi;
            uwsgi_temp_path %1$s/uwsgi;
            scgi_temp_path %1$s/scgi;
            server { listen 127.0.0.1:%3$d; location / { return 202; } }
          }
          """
              .formatted(conf, out, httpPort));
      log("limit: trivial HTTP POST (nginx return 202, 2 workers), wrk -t2 -c64");
      put(
          "limit.http_server",
          "nginx "
              + output(List.of("sh", "-c", "nginx -v 2>&1"))
                  .orElse("")
                  .replaceFirst("(?s).*nginx/", "")
                  .strip()
              + ", return 202, 2 workers");
      httpLimit =
          new ManagedProcess(
              "http-limit",
              List.of("nginx", "-p", conf.toString(), "-c", conf.resolve("nginx.conf").toString()),
              Map.of(),
              out.resolve("logs"));
    } else {
      log("limit: trivial HTTP POST (JDK HttpServer: nginx not installed), wrk -t2 -c64");
      put("limit.http_server", "JDK HttpServer (nginx not installed), 4 threads");
      httpLimit = tool("http-limit", "TrivialHttpServer", List.of("-Xmx256m"), httpPort, 4);
    }
    httpLimit.start();
    try {
      URI limitUri = URI.create("http://127.0.0.1:" + httpPort + "/api/tweet");
      awaitHttp(limitUri, httpLimit);
      wrk(Math.min(warmup, 10), 0, 64, limitUri, out.resolve("limit-http-warm.txt"));
      Path limitHttp = out.resolve("limit-http.txt");
      wrk(duration, 0, 64, limitUri, limitHttp);
      put("limit.http", value(limitHttp, "ok_per_s"));
      put("limit.http_p99_ms", value(limitHttp, "p99_ms"));
    } finally {
      httpLimit.stop(Duration.ofSeconds(20));
    }

    log(
        "limit: Kafka ProducerPerformance, "
            + kafkaLimitRecords
            + " x 70 B, acks=all, idempotent, linger.ms=5");
    Path kafkaOut = out.resolve("limit-kafka.txt");
    if (runJava(
        List.of(
            "org.apache.kafka.tools.ProducerPerformance",
            "--topic",
            "bench-limit-" + runId,
            "--num-records",
            Long.toString(kafkaLimitRecords),
            "--record-size",
            "70",
            "--throughput",
            "-1",
            "--producer-props",
            "bootstrap.servers=" + system.kafkaBootstrap(),
            "acks=all",
            "enable.idempotence=true",
            "linger.ms=5"),
        kafkaOut)) {
      put("limit.kafka", lastMatch(kafkaOut, "records sent, ([0-9.]+) records/sec"));
    } else {
      fail("ProducerPerformance (see " + kafkaOut + ")");
    }

    log("limit: RabbitMQ persistent + confirms + manual ack, quorum queue");
    Path rabbitOut = out.resolve("limit-rabbit.txt");
    if (runJava(
        List.of(
            "io.weathertweets.bench.RabbitLimit",
            rabbitUri,
            "bench-limit-" + runId,
            Integer.toString(duration)),
        rabbitOut)) {
      put("limit.rabbit", value(rabbitOut, "rate"));
    } else {
      fail("RabbitMQ limit (see " + rabbitOut + ")");
    }

    log("limit: redis-benchmark SET/HSET, plain and -P 64 (private redis, --dbnum 9)");
    String port = Integer.toString(system.redisPort());
    Path plain = out.resolve("limit-redis.csv");
    Path pipelined = out.resolve("limit-redis-p64.csv");
    List<String> redisBench =
        List.of(
            "redis-benchmark",
            "-p",
            port,
            "--dbnum",
            "9",
            "-r",
            "100000",
            "-c",
            "50",
            "-t",
            "set,hset",
            "--csv");
    if (!run(concat(redisBench, "-n", Long.toString(redisN)), plain, Map.of())) {
      fail("redis-benchmark");
    }
    if (!run(
        concat(redisBench, "-n", Long.toString(redisN * 4), "-P", "64"), pipelined, Map.of())) {
      fail("redis-benchmark -P 64");
    }
    redisCli(system.redisPort(), "-n", "9", "flushdb");
    put("limit.redis_set", csvRate(plain, "SET"));
    put("limit.redis_hset", csvRate(plain, "HSET"));
    put("limit.redis_set_p64", csvRate(pipelined, "SET"));
    put("limit.redis_hset_p64", csvRate(pipelined, "HSET"));
    redisCli(system.redisPort(), "config", "resetstat");
  }

  // -------------------------------------------------------------------------------- pipeline

  private void pipeline() throws Exception {
    URI ingress = system.ingress();
    URI single = ingress.resolve("/api/tweet");

    // S1: single tweets over HTTP, fan-out to both brokers.
    log("S1 warm-up (" + warmup + " s), then " + duration + " s");
    Path s1Out = wrkScenario("s1", 0, 64, single, "ok_per_s");

    // S1h: half of S1's rate (loadgen paces it; wrk cannot), for the latency and freshness targets.
    long half = Math.max(10, Math.round(number(value(s1Out, "ok_per_s"), 200) / 2));
    log("S1h: loadgen http-single at " + half + " tweets/s for " + duration + " s");
    Scenario s1h = begin("s1h");
    Optional<JsonNode> s1hReport =
        loadgen(
            "s1h",
            List.of(
                "--mode=http-single",
                "--url=" + ingress,
                "-c",
                "32",
                "--rate=" + half,
                "-n",
                Long.toString(half * duration)));
    put("s1h.target_rate", half);
    s1hReport.ifPresent(
        r -> {
          putLoadgen("s1h", r);
          put("s1h.failed", r.path("failed").asString());
        });
    s1h.end(true);

    // S4: the course load with Locust (its S5 twin queue listens to the same tweets).
    if (!runJava(
        List.of(
            "io.weathertweets.bench.RabbitAdmin",
            rabbitUri,
            "bind",
            courseQueue,
            system.rabbitNames().exchange()),
        out.resolve("logs/rabbit-admin.log"))) {
      fail("declare the S5 queue");
    }
    Scenario s4 = begin("s4");
    if (onPath("locust")
        && run(List.of("locust", "--help"), out.resolve("logs/locust-help.log"), Map.of())) {
      locust();
    } else {
      log("S4: Locust is not installed: loadgen -c 10 -n " + courseRequests + " instead");
      put("s4.tool", "loadgen -c 10");
      loadgen(
              "s4",
              List.of(
                  "--mode=http-single",
                  "--url=" + ingress,
                  "-c",
                  "10",
                  "-n",
                  Integer.toString(courseRequests)))
          .ifPresent(
              r -> {
                put("s4.requests", r.path("sent").asString());
                put("s4.failures", r.path("failed").asLong() + r.path("rejected").asLong());
                putLoadgen("s4", r);
              });
    }
    s4.end(true);

    // S5: the course projects' consumer design on the same tweets (per-message Redis commands),
    // own Redis.
    log("S5: per-message consumer draining the S4 tweets into its own redis-server");
    redisCli(courseRedisPort, "config", "resetstat");
    Path s5Out = out.resolve("s5.txt");
    if (!runJava(
        List.of(
            "io.weathertweets.bench.CourseConsumer",
            rabbitUri,
            courseQueue,
            "127.0.0.1",
            Integer.toString(courseRedisPort),
            system.prefix(),
            Integer.toString(duration * 4 + 30)),
        s5Out)) {
      fail("S5 consumer (see " + s5Out + ")");
    }
    long s5Consumed = (long) number(value(s5Out, "consumed"), 0);
    long s5Commands = commands(courseRedisPort);
    put("s5.consumed", s5Consumed);
    put("s5.rate", value(s5Out, "rate"));
    put("s5.redis_commands", s5Commands);
    if (s5Consumed > 0) {
      put(
          "s5.redis_ops_per_tweet",
          String.format(Locale.ROOT, "%.3f", (double) s5Commands / s5Consumed));
    }
    String s5Total = redisCli(courseRedisPort, "get", system.prefix() + ":tweets_total").strip();
    if (s5Total.isEmpty()) {
      s5Total = "0"; // nothing consumed: no key
    }
    String s4Rabbit = property("s4.published_rabbit");
    if (s5Total.equals(s4Rabbit)) {
      put("s5.exact", "yes");
    } else {
      put("s5.exact", "no");
      fail("S5: its Redis counts " + s5Total + " of " + s4Rabbit + " tweets");
    }

    // S2, S3: routing kafka.
    checkAlive(Service.INGRESS); // before its restart hides a crash
    log("restarting the ingress with INGRESS_ROUTING=kafka");
    system.restart(Service.INGRESS, Map.of("INGRESS_ROUTING", "kafka"));
    log("S2 warm-up (" + warmup + " s), then " + duration + " s");
    wrkScenario("s2", 0, 64, single, "ok_per_s");

    URI batch = ingress.resolve("/api/tweets");
    log("S3a: POST /api/tweets, 100 tweets per request, wrk -t2 -c16, " + duration + " s");
    wrkScenario("s3http", 100, 16, batch, "tweets_per_s");

    // Sized from what Redis sustained over HTTP (not what the ingress accepted), so the run stays
    // near DURATION.
    long s3n =
        Math.clamp(
            Math.round(number(property("s3http.sustained_kafka"), 0) * duration),
            20_000,
            1_000_000);
    for (String mode : List.of("grpc-batch", "grpc-stream")) {
      String name = "s3" + mode.substring("grpc-".length());
      log(
          "S3: loadgen --mode="
              + mode
              + ", "
              + s3n
              + " tweets, batches of 500, to the Kafka gateway");
      Scenario s3 = begin(name);
      loadgen(
              name,
              List.of(
                  "--mode=" + mode,
                  "--grpc-target=127.0.0.1:" + system.grpcPort(Service.KAFKA_GATEWAY),
                  "-c",
                  "8",
                  "--batch-size",
                  "500",
                  "-n",
                  Long.toString(s3n)))
          .ifPresent(
              r -> {
                putLoadgen(name, r);
                put(name + ".failed", r.path("failed").asLong() + r.path("rejected").asLong());
              });
      // Direct v1 gRPC clients send no accepted_at_ms, so their freshness is not measurable.
      s3.end(false);
    }
  }

  private void locust() throws Exception {
    log("S4: locust headless -u 10 -r 10, " + courseRequests + " requests");
    put("s4.tool", "locust");
    Path log = out.resolve("logs/s4-locust.log");
    long t0 = System.nanoTime();
    run(
        List.of(
            "locust",
            "-f",
            root.resolve("locust/locustfile.py").toString(),
            "--headless",
            "-u",
            "10",
            "-r",
            "10",
            "--host",
            system.ingress().toString(),
            "--run-time",
            "600s",
            "--csv",
            out.resolve("s4").toString(),
            "--only-summary"),
        log,
        Map.of("WEATHER_MAX_REQUESTS", Integer.toString(courseRequests)));
    double seconds = (System.nanoTime() - t0) / 1e9;
    // The printed summary is final; the CSV can be written before the last requests are counted.
    // First "Aggregated" line: requests and failures; second: the percentiles.
    List<String[]> summary =
        Files.readAllLines(log).stream()
            .filter(l -> l.strip().startsWith("Aggregated"))
            .limit(2)
            .map(l -> l.strip().split("\\s+"))
            .toList();
    if (summary.size() < 2) {
      fail("S4: no Locust statistics (see " + log + ")");
      return;
    }
    String count;
    String fails;
    try {
      count = summary.get(0)[1];
      fails = summary.get(0)[2].replaceFirst("\\(.*", "");
      put("s4.rate", String.format(Locale.ROOT, "%.1f", Double.parseDouble(count) / seconds));
      put("s4.p50_ms", summary.get(1)[1]);
      put("s4.p99_ms", summary.get(1)[8]);
    } catch (RuntimeException e) {
      fail("S4: Locust's summary is not in the expected form (see " + log + "): " + e);
      return;
    }
    put("s4.requests", count);
    put("s4.failures", fails);
    if (!count.equals(Integer.toString(courseRequests)) || !fails.equals("0")) {
      fail("S4: " + count + " requests, " + fails + " failures");
    }
  }

  /**
   * One scenario's accounting: both stores exact before it, each service's CPU, heap peak and
   * histograms over it, both stores exact after it.
   */
  private Scenario begin(String name) throws Exception {
    Drained before = drain();
    if (!before.exact()) {
      fail(name + ": stores not exact before the scenario (" + before + ")");
    }
    return new Scenario(name, before);
  }

  private final class Scenario {
    private final String name;
    private final Drained before;
    private final long redisCommands;
    private final long valkeyCommands;
    private final Map<Service, Long> ticks = new EnumMap<>(Service.class);
    private final Map<Service, Map<String, Long>> threads = new EnumMap<>(Service.class);
    private final long started;
    private final long startedEpochS;

    Scenario(String name, Drained before) throws IOException {
      this.name = name;
      this.before = before;
      this.redisCommands = commands(system.redisPort());
      this.valkeyCommands = commands(system.valkeyPort());
      for (Service s : Service.values()) {
        Files.writeString(scrape(s, "before"), system.prometheus(s));
      }
      for (Service s : Service.values()) {
        ticks.put(s, ticks(system.process(s).pid()));
        threads.put(s, Processes.threadTicks(system.process(s).pid()));
      }
      // The clock starts with the CPU counters, after the scrapes above.
      this.started = System.nanoTime();
      this.startedEpochS = Instant.now().getEpochSecond();
    }

    private Path scrape(Service s, String when) {
      return out.resolve(name + "-" + KEYS.get(s) + "-" + when + ".txt");
    }

    /** Load finished: CPU over the load phase, then wait until both stores hold every tweet. */
    void end(boolean freshness) throws Exception {
      long loadEnded = System.nanoTime();
      double elapsed = (loadEnded - started) / 1e9;
      long endedEpochS = Instant.now().getEpochSecond();
      for (Service s : Service.values()) {
        long used = ticks(system.process(s).pid()) - ticks.get(s);
        put(
            name + ".cpu." + KEYS.get(s),
            decimal((double) used / Processes.CLOCK_TICKS / elapsed, 4));
        Optional<Long> peak = heap.peakMiB(s, startedEpochS, endedEpochS + 2);
        peak.ifPresent(mib -> put(name + ".heap_peak_mib." + KEYS.get(s), mib));
        if (peak.isEmpty() && name.equals("s1")) {
          // The heap target is judged on S1: without a sample it would read as met.
          fail(
              "s1: no heap sample of " + KEYS.get(s) + " (its Prometheus endpoint did not answer)");
        }
      }
      Drained after = drain();
      long visible = System.nanoTime();
      // CPU seconds from the start until both stores held every tweet: with the tweets published,
      // the CPU per tweet including what a consumer still did after the load (Report's CPU
      // targets).
      for (Service s : Service.values()) {
        long used = ticks(system.process(s).pid()) - ticks.get(s);
        put(
            name + ".cpu_until_visible." + KEYS.get(s),
            decimal((double) used / Processes.CLOCK_TICKS, 4));
        // Of it, the JIT compiler threads': compilation still under way, start-up cost.
        long jit = 0;
        for (Map.Entry<String, Long> g :
            Processes.threadTicksSince(threads.get(s), system.process(s).pid()).entrySet()) {
          jit += Processes.isJit(g.getKey()) ? g.getValue() : 0;
        }
        put(
            name + ".jit_until_visible." + KEYS.get(s),
            decimal((double) jit / Processes.CLOCK_TICKS, 4));
      }
      long kafkaN = after.kafka() - before.kafka();
      long rabbitN = after.rabbit() - before.rabbit();
      put(name + ".published_kafka", kafkaN);
      put(name + ".published_rabbit", rabbitN);
      put(name + ".visible_after_s", decimal((visible - loadEnded) / 1e9, 2));
      put(name + ".sustained_kafka", decimal(kafkaN / ((visible - started) / 1e9), 1));
      put(name + ".exact", after.exact() ? "yes" : "no");
      if (!after.exact()) {
        fail(
            name + ": stores not exact (" + after + ", after " + verifyTimeout.toSeconds() + " s)");
      }
      long redisCmds = commands(system.redisPort()) - redisCommands;
      long valkeyCmds = commands(system.valkeyPort()) - valkeyCommands;
      put(name + ".redis_commands", redisCmds);
      put(name + ".valkey_commands", valkeyCmds);
      if (kafkaN > 0) {
        put(name + ".redis_ops_per_tweet", decimal((double) redisCmds / kafkaN, 4));
      }
      if (rabbitN > 0) {
        put(name + ".valkey_ops_per_tweet", decimal((double) valkeyCmds / rabbitN, 4));
      }
      for (Service s : Service.values()) {
        Files.writeString(scrape(s, "after"), system.prometheus(s));
      }
      // Where a request's time goes: ingress -> gateway call (per path), gateway -> broker ack.
      histogram(
          "forward_kafka", Service.INGRESS, "weather_forward_latency_seconds", "path=\"kafka\"");
      histogram(
          "forward_rabbit", Service.INGRESS, "weather_forward_latency_seconds", "path=\"rabbit\"");
      histogram(
          "publish_kafka",
          Service.KAFKA_GATEWAY,
          "weather_publish_latency_seconds",
          "sink=\"kafka\"");
      histogram(
          "publish_rabbit",
          Service.RABBIT_GATEWAY,
          "weather_publish_latency_seconds",
          "sink=\"rabbit\"");
      if (freshness && kafkaN > 0) {
        histogram("e2e_kafka", Service.STREAMS, "weather_e2e_latency_seconds", "path=\"kafka\"");
      }
      if (freshness && rabbitN > 0) {
        histogram("e2e_rabbit", Service.BRIDGE, "weather_e2e_latency_seconds", "path=\"rabbit\"");
      }
      log(
          name
              + ": exact="
              + (after.exact() ? "yes" : "no")
              + ", stores complete "
              + property(name + ".visible_after_s")
              + " s after the load");
    }

    private void histogram(String key, Service s, String metric, String label) throws IOException {
      HistogramDelta.Quantiles q =
          HistogramDelta.between(scrape(s, "before"), scrape(s, "after"), metric, label);
      if (q.count() > 0 || key.startsWith("e2e_")) {
        put(name + "." + key + "_p50_ms", q.p50Ms());
        put(name + "." + key + "_p99_ms", q.p99Ms());
      }
    }
  }

  /** What each gateway published (cumulative) and what each store counts. */
  private record Drained(long kafka, long rabbit, long redis, long valkey) {
    boolean exact() {
      return redis == kafka && valkey == rabbit;
    }

    @Override
    public String toString() {
      return "redis "
          + redis
          + " of "
          + kafka
          + " published to Kafka, valkey "
          + valkey
          + " of "
          + rabbit
          + " published to RabbitMQ";
    }
  }

  /**
   * Both stores started empty under this run's prefix and both gateways run for the whole run, so
   * at rest each store's tweets_total must equal what its gateway published (cumulative): more is a
   * double count, less a loss. Waits up to the verify timeout for that.
   */
  private Drained drain() throws InterruptedException {
    long deadline = System.nanoTime() + verifyTimeout.toNanos();
    while (true) {
      Drained d =
          new Drained(
              (long) system.counter(Service.KAFKA_GATEWAY, "weather_tweets_published_total"),
              (long) system.counter(Service.RABBIT_GATEWAY, "weather_tweets_published_total"),
              storeTotal(system.redisPort()),
              storeTotal(system.valkeyPort()));
      if (d.exact() || System.nanoTime() > deadline) {
        return d;
      }
      Thread.sleep(200);
    }
  }

  private long storeTotal(int port) {
    String v = redisCli(port, "hget", system.prefix() + ":meta", "tweets_total").strip();
    return v.matches("\\d+") ? Long.parseLong(v) : 0;
  }

  /**
   * Commands the pipeline sent, without the harness's own reads (INFO, HGET of the meta hash,
   * loadgen's HGETALL).
   */
  private long commands(int port) {
    Pattern stat = Pattern.compile("^cmdstat_([a-z|_-]+):calls=(\\d+)");
    Pattern ours = Pattern.compile("(info|hget|hgetall|ping|hello|client|select|command|config).*");
    return redisCli(port, "info", "commandstats")
        .lines()
        .map(stat::matcher)
        .filter(Matcher::find)
        .filter(m -> !ours.matcher(m.group(1)).matches())
        .mapToLong(m -> Long.parseLong(m.group(2)))
        .sum();
  }

  /**
   * Peak used heap per service from Micrometer's jvm_memory_used_bytes (area="heap"), every 2 s.
   */
  private final class HeapSampler extends Thread {
    private record Sample(long epochS, Service service, double bytes) {}

    private final List<Sample> samples = new CopyOnWriteArrayList<>();

    HeapSampler() {
      super("heap-sampler");
      setDaemon(true);
    }

    @Override
    public void run() {
      while (!isInterrupted()) {
        for (Service s : Service.values()) {
          // An unreadable scrape is a missing sample, which the scenario reports.
          system
              .metric(s, "jvm_memory_used_bytes", "area=\"heap\"")
              .ifPresent(
                  used -> {
                    if (used > 0) {
                      samples.add(new Sample(Instant.now().getEpochSecond(), s, used));
                    }
                  });
        }
        try {
          Thread.sleep(2000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    Optional<Long> peakMiB(Service s, long fromEpochS, long toEpochS) {
      return samples.stream()
          .filter(x -> x.service() == s && x.epochS() >= fromEpochS && x.epochS() <= toEpochS)
          .mapToDouble(Sample::bytes)
          .max()
          .stream()
          .mapToObj(b -> Math.round(b / 1048576))
          .findFirst();
    }
  }

  // ------------------------------------------------------------------------------------ tools

  /** wrk with bench/wrk/tweet.lua; {@code batch} > 0 posts that many tweets per request. */
  private void wrk(int seconds, int batch, int connections, URI url, Path outFile)
      throws IOException, InterruptedException {
    boolean ok =
        run(
            List.of(
                "wrk",
                "-t2",
                "-c" + connections,
                "--timeout",
                "10s",
                "-d" + seconds + "s",
                "-s",
                root.resolve("bench/wrk/tweet.lua").toString(),
                url.toString()),
            outFile,
            batch > 0 ? Map.of("BATCH", Integer.toString(batch)) : Map.of(),
            Duration.ofSeconds(seconds + 60));
    if (!ok) {
      fail("wrk " + url + " (see " + outFile + ")");
    }
  }

  /**
   * A wrk scenario: WARMUP s of load, then DURATION s measured as scenario {@code name}, its rate
   * read from {@code rateKey} of wrk's output (which it returns).
   */
  private Path wrkScenario(String name, int batch, int connections, URI url, String rateKey)
      throws Exception {
    wrk(warmup, batch, connections, url, out.resolve(name + "-warm.txt"));
    Scenario scenario = begin(name);
    Path wrkOut = out.resolve(name + ".txt");
    wrk(duration, batch, connections, url, wrkOut);
    put(name + ".rate", value(wrkOut, rateKey));
    put(name + ".p50_ms", value(wrkOut, "p50_ms"));
    put(name + ".p99_ms", value(wrkOut, "p99_ms"));
    put(name + ".errors", value(wrkOut, "errors"));
    scenario.end(true);
    return wrkOut;
  }

  /** loadgen with {@code args}; its report, or empty (and a failure) if it broke. */
  private Optional<JsonNode> loadgen(String name, List<String> args)
      throws IOException, InterruptedException {
    try {
      return Optional.of(Processes.loadgen(loadgenJar, args, out, name));
    } catch (IllegalStateException e) {
      fail(e.getMessage());
      return Optional.empty();
    }
  }

  private void putLoadgen(String name, JsonNode r) {
    put(name + ".rate", r.path("tweetsPerSecond").asString());
    put(name + ".p50_ms", r.path("latency").path("p50Ms").asString());
    put(name + ".p99_ms", r.path("latency").path("p99Ms").asString());
  }

  private ManagedProcess tool(String name, String mainClass, List<String> jvm, Object... args) {
    List<String> command = new ArrayList<>(List.of(java()));
    command.addAll(jvm);
    command.addAll(
        List.of(
            "-cp", System.getProperty("java.class.path"), "io.weathertweets.bench." + mainClass));
    for (Object a : args) {
      command.add(a.toString());
    }
    return new ManagedProcess(name, command, Map.of(), out.resolve("logs"));
  }

  private void awaitHttp(URI uri, ManagedProcess server) throws InterruptedException {
    for (int i = 0; i < 50 && server.isAlive(); i++) {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() < 300) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    fail("the trivial HTTP server did not answer (see " + server.logFile() + ")");
  }

  private static String csvRate(Path csv, String test) throws IOException {
    return Files.readAllLines(csv).stream()
        .map(l -> l.split("\""))
        .filter(f -> f.length > 3 && f[1].equals(test))
        .map(f -> f[3])
        .findFirst()
        .orElse("");
  }

  private String property(String key) throws IOException {
    return value(results, key);
  }

  private static String machine() throws IOException {
    long memKiB =
        Files.readAllLines(Path.of("/proc/meminfo")).stream()
            .filter(l -> l.startsWith("MemTotal"))
            .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
            .findFirst()
            .orElse(0L);
    String model =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .map(l -> l.replaceFirst("^model name\\s*: ", ""))
            .findFirst()
            .orElse("");
    return Runtime.getRuntime().availableProcessors()
        + " cores, "
        + Math.round(memKiB / 1048576.0)
        + " GiB, "
        + model;
  }

  private static String loadAverage() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }

  private void put(String key, Object value) {
    try {
      Files.writeString(
          results,
          key + "=" + String.valueOf(value).replaceAll("\\R+", " | ") + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void fail(String what) {
    log("FAILED: " + what);
    failures.add(what);
    put("failure." + failures.size(), what);
  }

  private static void log(String message) {
    System.err.printf(
        "[bench %s] %s%n",
        LocalTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_LOCAL_TIME),
        message);
  }

  /** Stops every process and deletes this run's queues and exchanges from the shared RabbitMQ. */
  private void cleanUp() {
    if (!cleanedUp.compareAndSet(false, true)) {
      return;
    }
    if (heap != null) {
      heap.interrupt();
    }
    attempt("stop the S5 Redis", () -> courseRedis.stop(Duration.ofSeconds(10)), courseRedis);
    attempt("stop the system", () -> system.close(), system);
    attempt(
        "delete this run's queues and exchanges",
        () -> {
          if (!Processes.deleteRunNames(
              rabbitUri,
              system,
              out.resolve("logs/rabbit-cleanup.log"),
              "queue:" + courseQueue,
              "queue:bench-limit-" + runId)) {
            log("could not delete this run's queues and exchanges: see logs/rabbit-cleanup.log");
          }
        },
        system);
  }

  private interface Step {
    void run() throws Exception;
  }

  /** One cleanup step; it runs only when {@code needed} exists, and its failure stops no other. */
  private static void attempt(String what, Step step, Object needed) {
    if (needed == null) {
      return;
    }
    try {
      step.run();
    } catch (Exception | Error e) {
      log("could not " + what + ": " + e);
    }
  }
}
