package io.weathertweets.bench;

import static io.weathertweets.bench.Processes.concat;
import static io.weathertweets.bench.Processes.env;
import static io.weathertweets.bench.Processes.threadTicks;
import static io.weathertweets.bench.Processes.threadTicksSince;
import static io.weathertweets.bench.Processes.ticks;

import io.weathertweets.harness.ImageJvmFlags;
import io.weathertweets.harness.ProcessSystem;
import io.weathertweets.harness.Service;
import io.weathertweets.harness.ServiceJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * CPU per single tweet, per service, at a FIXED rate: the figure the S1 analysis reasons with (µs
 * of CPU each JVM spends per accepted fan-out tweet), measured so that two builds can be compared
 * in one window.
 *
 * <p>A variant is a directory with {@code ingress.jar} and {@code gateway.jar} (executable jars, or
 * links to them) and optionally {@code ingress.args}, {@code gateway.args} and {@code streams.args}
 * (one extra argument per line) and {@code jvm.args} (JVM options of every restarted service);
 * without one, the newest jars under {@code *}{@code /target} are "current". Kafka, the stores and
 * the rabbit-bridge run once on the {@link ProcessSystem} harness; per round and variant the
 * streams-app (its state kept), the two gateways and the ingress start, get WARMUP_TWEETS single
 * tweets as fast as they are accepted (32 in flight), then DURATION s of loadgen http-single at
 * RATE tweets/s while each service's utime+stime is read before and after.
 *
 * <p>The figures leave out the JIT compiler threads: on two cores shared by seven JVMs, C2 still
 * used ~40 % of the ingress's CPU after 30,000 warm-up requests, a start-up cost that would
 * otherwise swamp any per-request difference; {@code jit_us} gives it for all services together.
 * Per service and thread group (thread names with their digits as {@code #}: a pool's threads
 * together), µs per tweet go to {@code <out>/<round>-<variant>-threads.tsv}: what JFR's samples of
 * Java code miss, such as the garbage collector's threads. Variants alternate (A B A B ... for
 * ROUNDS rounds) so drift on a shared machine hits both. After {@code jit_us} come the Kafka path's
 * freshness in the window (the streams-app's weather_e2e_latency_seconds: the newest tweet of each
 * update it writes) and the tweets the ingress put in each gateway call over the window. With JFR=1
 * every service records a JFR window (settings=profile); the hot methods land in {@code
 * <out>/<round>-<variant>-<service>.hot.txt}.
 *
 * <p>Usage: {@code CpuPerTweet <out-dir> <repo-root> <run-id> [variant-dir...]}. Environment: RATE
 * (400), WARMUP_TWEETS (40000), DURATION (30), ROUNDS (2), ROUTING (fanout), JFR (0), SERVICE_HEAP,
 * RABBITMQ_URI. Output: a table on stdout and {@code <out>/results.tsv}.
 */
public final class CpuPerTweet {
  private static final List<Service> RESTARTED =
      List.of(Service.STREAMS, Service.KAFKA_GATEWAY, Service.RABBIT_GATEWAY);

  /** The ingress's tweets per gateway call (the coalescer's summary). */
  private static final String CALL_TWEETS = "weather_forward_call_tweets";

  private CpuPerTweet() {}

  /** A build to measure: its ingress and gateway jars and extra arguments per service. */
  private record Variant(
      String name, Path ingress, Path gateway, List<String> jvm, Map<Service, List<String>> args) {
    static Variant of(Path dir) throws IOException {
      Path ingress = dir.resolve("ingress.jar");
      Path gateway = dir.resolve("gateway.jar");
      if (!Files.isRegularFile(ingress) || !Files.isRegularFile(gateway)) {
        throw new IllegalArgumentException(dir + ": needs ingress.jar and gateway.jar");
      }
      Map<Service, List<String>> args = new EnumMap<>(Service.class);
      args.put(Service.INGRESS, lines(dir.resolve("ingress.args")));
      args.put(Service.KAFKA_GATEWAY, lines(dir.resolve("gateway.args")));
      args.put(Service.RABBIT_GATEWAY, lines(dir.resolve("gateway.args")));
      args.put(Service.STREAMS, lines(dir.resolve("streams.args")));
      return new Variant(
          dir.getFileName().toString(), ingress, gateway, lines(dir.resolve("jvm.args")), args);
    }

    private static List<String> lines(Path file) throws IOException {
      return Files.exists(file)
          ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList()
          : List.of();
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: CpuPerTweet <out-dir> <repo-root> <run-id> [variant-dir...]");
      System.exit(2);
    }
    Path out = Path.of(args[0]).toAbsolutePath();
    Path root = Path.of(args[1]).toAbsolutePath();
    String runId = args[2];
    int rate = env("RATE", 400);
    int warmupTweets = env("WARMUP_TWEETS", 40000);
    int duration = env("DURATION", 30);
    int rounds = env("ROUNDS", 2);
    boolean jfr = env("JFR", 0) == 1;
    String routing = Optional.ofNullable(System.getenv("ROUTING")).orElse("fanout");
    Files.createDirectories(out.resolve("logs"));

    ServiceJars jars = ServiceJars.resolve(root);
    List<Variant> variants = new ArrayList<>();
    if (args.length == 3) {
      variants.add(new Variant("current", jars.ingress(), jars.gateway(), List.of(), Map.of()));
    }
    for (int i = 3; i < args.length; i++) {
      variants.add(Variant.of(Path.of(args[i]).toAbsolutePath()));
    }
    log(
        "output: %s; %d tweets/s (%s), warm-up %d tweets, window %d s, %d round(s) of %d variant(s)"
            .formatted(out, rate, routing, warmupTweets, duration, rounds, variants.size()));

    ProcessSystem system =
        new ProcessSystem(
            ProcessSystem.Setup.durable(jars, out, out.resolve("logs"), "cpu-" + runId).toBuilder()
                .volatileStores()
                .sharedRabbit(Benchmark.rabbitUri())
                .jvms(
                    ImageJvmFlags.withoutHeap(root),
                    Benchmark.serviceHeapMiB(),
                    Benchmark.serviceHeapMiB(),
                    List.of("-Xmx1g"))
                .startTimeout(Duration.ofSeconds(300))
                .environment(Service.INGRESS, Map.of("INGRESS_ROUTING", routing))
                .build());
    Path loadgen =
        ServiceJars.newest(root, "loadgen")
            .orElseThrow(() -> new IllegalStateException("loadgen: no executable jar"));
    List<String> columns = new ArrayList<>(List.of("round", "variant", "accepted", "failed"));
    columns.addAll(List.of("rate", "p50_ms", "p99_ms"));
    Stream.of(Service.values()).map(s -> Benchmark.KEYS.get(s) + "_us").forEach(columns::add);
    columns.addAll(
        List.of("total_us", "jit_us", "e2e_kafka_p50_ms", "e2e_kafka_p99_ms", "tweets_per_call"));
    List<List<String>> table = new ArrayList<>(List.of(columns));
    Files.writeString(out.resolve("results.tsv"), String.join("\t", columns) + "\n");
    // Also on Ctrl-C or SIGTERM: the run's processes stop and its queues leave the shared broker.
    Runnable cleanUp = () -> cleanUp(system, out);
    Runtime.getRuntime().addShutdownHook(new Thread(cleanUp, "cpu-per-tweet-cleanup"));
    try {
      system.startInfrastructure();
      system.restart(Service.BRIDGE);
      for (int round = 1; round <= rounds; round++) {
        for (Variant variant : variants) {
          String tag = round + "-" + variant.name();
          log("round " + round + ", variant " + variant.name() + ": starting the services");
          system.replace(
              Service.STREAMS,
              jars.streams(),
              variant.jvm(),
              variant.args().getOrDefault(Service.STREAMS, List.of()));
          for (Service gateway : List.of(Service.KAFKA_GATEWAY, Service.RABBIT_GATEWAY)) {
            system.replace(
                gateway,
                variant.gateway(),
                variant.jvm(),
                variant.args().getOrDefault(gateway, List.of()));
          }
          system.replace(
              Service.INGRESS,
              variant.ingress(),
              variant.jvm(),
              variant.args().getOrDefault(Service.INGRESS, List.of()));
          CompletableFuture.allOf(
                  RESTARTED.stream()
                      .map(s -> CompletableFuture.runAsync(() -> system.restart(s)))
                      .toArray(CompletableFuture[]::new))
              .join();
          system.restart(Service.INGRESS);

          List<String> load =
              List.of(
                  "--mode=http-single", "--url=" + system.ingress(), "-c", "32", "--no-progress");
          Processes.loadgen(
              loadgen,
              concat(load, "--rate=0", "-n", Integer.toString(warmupTweets)),
              out,
              tag + "-warm");
          if (jfr) {
            for (Service s : Service.values()) {
              Processes.jcmd(system.process(s).pid(), "JFR.start", "name=cpu", "settings=profile");
            }
          }
          Path before = out.resolve(tag + "-streams-before.txt");
          Files.writeString(before, system.prometheus(Service.STREAMS));
          String ingressBefore = system.prometheus(Service.INGRESS);
          Map<Service, Long> t0 = new EnumMap<>(Service.class);
          Map<Service, Map<String, Long>> g0 = new EnumMap<>(Service.class);
          for (Service s : Service.values()) {
            t0.put(s, ticks(system.process(s).pid()));
            g0.put(s, threadTicks(system.process(s).pid()));
          }
          JsonNode r =
              Processes.loadgen(
                  loadgen,
                  concat(load, "--rate=" + rate, "-n", Integer.toString(rate * duration)),
                  out,
                  tag);
          long accepted = r.path("accepted").asLong();
          if (accepted <= 0) {
            throw new IllegalStateException(
                "no tweet was accepted in " + tag + ": see " + out.resolve("logs/" + tag + ".err"));
          }
          List<String> row = new ArrayList<>(List.of(Integer.toString(round), variant.name()));
          row.add(Long.toString(r.path("accepted").asLong()));
          row.add(Long.toString(r.path("failed").asLong() + r.path("rejected").asLong()));
          row.add(Long.toString(Math.round(r.path("tweetsPerSecond").asDouble())));
          row.add(r.path("latency").path("p50Ms").asString());
          row.add(r.path("latency").path("p99Ms").asString());
          long total = 0;
          long jit = 0;
          StringBuilder threads = new StringBuilder("service\tthreads\tus_per_tweet\n");
          for (Service s : Service.values()) {
            long pid = system.process(s).pid();
            long cpu = ticks(pid) - t0.get(s);
            long j = 0;
            for (Map.Entry<String, Long> g : threadTicksSince(g0.get(s), pid).entrySet()) {
              j += Processes.isJit(g.getKey()) ? g.getValue() : 0;
              threads.append(
                  "%s\t%s\t%d%n"
                      .formatted(
                          Benchmark.KEYS.get(s),
                          g.getKey(),
                          g.getValue() * 1_000_000 / Processes.CLOCK_TICKS / accepted));
            }
            long us = (cpu - j) * 1_000_000 / Processes.CLOCK_TICKS / accepted;
            total += us;
            jit += j;
            row.add(Long.toString(us));
          }
          Files.writeString(out.resolve(tag + "-threads.tsv"), threads);
          row.add(Long.toString(total));
          row.add(Long.toString(jit * 1_000_000 / Processes.CLOCK_TICKS / accepted));
          Path after = out.resolve(tag + "-streams-after.txt");
          Files.writeString(after, system.prometheus(Service.STREAMS));
          HistogramDelta.Quantiles e2e =
              HistogramDelta.between(
                  before, after, "weather_e2e_latency_seconds", "path=\"kafka\"");
          row.add(e2e.p50Ms());
          row.add(e2e.p99Ms());
          row.add(tweetsPerCall(ingressBefore, system.prometheus(Service.INGRESS)));
          table.add(row);
          // Each row as it is measured, so an abort keeps the rows before it.
          Files.writeString(
              out.resolve("results.tsv"),
              String.join("\t", row) + "\n",
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
          log(String.join("\t", row));
          if (jfr) {
            for (Service s : Service.values()) {
              Path recording = out.resolve(tag + "-" + Benchmark.KEYS.get(s) + ".jfr");
              if (Processes.jcmd(
                  system.process(s).pid(), "JFR.stop", "name=cpu", "filename=" + recording)) {
                Processes.hotMethods(
                    recording, out.resolve(tag + "-" + Benchmark.KEYS.get(s) + ".hot.txt"));
              }
            }
          }
          for (Service s :
              List.of(Service.INGRESS, Service.KAFKA_GATEWAY, Service.RABBIT_GATEWAY)) {
            system.stop(s);
          }
          system.stop(Service.STREAMS);
        }
      }
    } finally {
      cleanUp.run();
    }
    int[] widths = new int[columns.size()];
    table.forEach(
        row -> {
          for (int i = 0; i < row.size(); i++) {
            widths[i] = Math.max(widths[i], row.get(i).length());
          }
        });
    table.forEach(
        row -> {
          StringBuilder line = new StringBuilder();
          for (int i = 0; i < row.size(); i++) {
            line.append(String.format("%-" + (widths[i] + 2) + "s", row.get(i)));
          }
          System.out.println(line.toString().stripTrailing());
        });
    log("results: " + out.resolve("results.tsv"));
    System.exit(0);
  }

  /** Tweets per gateway call between two scrapes of the ingress, "n/a" when it made none. */
  private static String tweetsPerCall(String before, String after) {
    double calls = delta(before, after, CALL_TWEETS + "_count");
    return calls > 0
        ? String.format("%.2f", delta(before, after, CALL_TWEETS + "_sum") / calls)
        : "n/a";
  }

  private static double delta(String before, String after, String prometheusName) {
    return ProcessSystem.metric(after, prometheusName, "").orElse(0)
        - ProcessSystem.metric(before, prometheusName, "").orElse(0);
  }

  private static final AtomicBoolean CLEANED_UP = new AtomicBoolean();

  private static void cleanUp(ProcessSystem system, Path out) {
    if (!CLEANED_UP.compareAndSet(false, true)) {
      return;
    }
    try {
      system.close();
    } catch (RuntimeException e) {
      log("could not stop every process: " + e);
    }
    try {
      if (!Processes.deleteRunNames(
          Benchmark.rabbitUri(), system, out.resolve("logs/rabbit-cleanup.log"))) {
        log("could not delete the run's queues and exchanges: see logs/rabbit-cleanup.log");
      }
    } catch (IOException | InterruptedException e) {
      log("could not delete the run's queues and exchanges: " + e);
    }
  }

  private static void log(String message) {
    System.err.printf("[cpu %s] %s%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS), message);
  }
}
