package io.weathertweets.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import javax.imageio.ImageIO;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one run's figures (results.properties written by run.sh) into RESULTS.md, a PNG chart and
 * one line of the history CSV. Every ratio divides a pipeline figure by a limit measured in the
 * same run. Targets are the table in this class (RESULTS.md lists them); an unmet target is
 * reported ({@code met = no}) with the busiest service's CPU, never turned into a failure: only
 * lost data or a broken step fail a run (run.sh decides that).
 *
 * <p>Usage: {@code Report <results.properties> <jmh.json> <RESULTS.md> <chart.png> <history.csv>}.
 * Headless AWT.
 */
public final class Report {
  private static final String[] SERVICES = {
    "ingress", "gateway-kafka", "gateway-rabbit", "streams", "bridge"
  };
  private final Properties p = new Properties();

  private Report(Path results) throws IOException {
    try (Reader in = Files.newBufferedReader(results)) {
      p.load(in);
    }
  }

  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Report report = new Report(Path.of(args[0]));
    List<Target> targets = report.targets();
    Files.writeString(
        Path.of(args[2]), report.markdown(targets, Path.of(args[1]), Path.of(args[3])));
    report.chart(targets, Path.of(args[3]));
    report.history(targets, Path.of(args[4]));
  }

  // ------------------------------------------------------------------------------------------------ figures
  private double num(String key) {
    String value = p.getProperty(key);
    if (value == null || value.isBlank() || value.equals("NA")) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private String str(String key) {
    return p.getProperty(key, "");
  }

  private static String fmt(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    if (Math.abs(value) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (Math.abs(value) >= 1) {
      return String.format(Locale.ROOT, "%.2f", value);
    }
    return String.format(Locale.ROOT, "%.4f", value);
  }

  private static String ratio(double figure, double limit) {
    return Double.isNaN(figure) || Double.isNaN(limit) || limit == 0
        ? "n/a"
        : String.format(Locale.ROOT, "%.3f", figure / limit);
  }

  /**
   * Tweets/s that reached Redis: the tweets over the load time plus the time until Redis had them
   * all.
   */
  private double sustained(String scenario) {
    double published = num(scenario + ".published_kafka");
    double rate = num(scenario + ".rate");
    double after = num(scenario + ".visible_after_s");
    if (scenario.equals("s3http")) {
      return num(scenario + ".sustained_kafka");
    }
    return published / (published / rate + after);
  }

  private String bestS3() {
    String best = "s3http";
    for (String s : new String[] {"s3batch", "s3stream"}) {
      if (!(sustained(s) <= sustained(best))) {
        best = Double.isNaN(sustained(s)) ? best : s;
      }
    }
    return best;
  }

  private String busiest(String scenario) {
    String top = "";
    double max = -1;
    double total = 0;
    for (String svc : SERVICES) {
      double cpu = num(scenario + ".cpu." + svc);
      if (!Double.isNaN(cpu)) {
        total += cpu;
        if (cpu > max) {
          max = cpu;
          top = svc;
        }
      }
    }
    return String.format(
        Locale.ROOT,
        "busiest: %s %.2f cores; our services %.2f of %s cores",
        top,
        max,
        total,
        Runtime.getRuntime().availableProcessors());
  }

  record Target(
      String name,
      String figureText,
      double figure,
      String limitText,
      double limit,
      double ratio,
      boolean met,
      String note) {}

  private List<Target> targets() {
    List<Target> t = new ArrayList<>();
    double s1 = num("s1.rate");
    double rabbit = num("limit.rabbit");
    t.add(
        new Target(
            "S1 >= 0.5 x RabbitMQ persistent+confirm rate",
            fmt(s1) + " tweets/s",
            s1,
            fmt(rabbit) + " msg/s",
            rabbit,
            s1 / rabbit,
            s1 / rabbit >= 0.5,
            busiest("s1")));
    double p99 = num("s1h.p99_ms");
    t.add(
        new Target(
            "S1 p99 HTTP latency <= 50 ms at half S1's load",
            fmt(p99) + " ms at " + fmt(num("s1h.rate")) + " tweets/s",
            p99,
            "50 ms",
            50,
            p99 / 50,
            p99 <= 50,
            busiest("s1h")));
    double s2 = num("s2.rate");
    double http = num("limit.http");
    t.add(
        new Target(
            "S2 >= 0.15 x trivial HTTP rate",
            fmt(s2) + " tweets/s",
            s2,
            fmt(http) + " req/s",
            http,
            s2 / http,
            s2 / http >= 0.15,
            busiest("s2")));
    String s3 = bestS3();
    double s3rate = sustained(s3);
    double kafka = num("limit.kafka");
    t.add(
        new Target(
            "S3 >= 0.25 x Kafka ProducerPerformance, sustained into Redis",
            fmt(s3rate) + " tweets/s (" + s3 + ")",
            s3rate,
            fmt(kafka) + " rec/s",
            kafka,
            s3rate / kafka,
            s3rate / kafka >= 0.25,
            busiest(s3)));
    // The Kafka path samples the newest tweet of each update it writes; an older tweet of the same
    // update waited up to one commit interval longer, so the figure held against the target is that
    // sample plus the interval.
    double commit = num("streams.commit_interval_ms");
    double ek = num("s1h.e2e_kafka_p99_ms") + commit;
    t.add(
        new Target(
            "Freshness p99 <= 1 s, Kafka path, at half S1's rate",
            fmt(ek)
                + " ms (newest tweet of an update "
                + fmt(num("s1h.e2e_kafka_p99_ms"))
                + " ms + commit interval "
                + fmt(commit)
                + " ms)",
            ek,
            "1000 ms",
            1000,
            ek / 1000,
            ek <= 1000,
            "p50 " + fmt(num("s1h.e2e_kafka_p50_ms")) + " ms (newest tweet of an update)"));
    double er = num("s1h.e2e_rabbit_p99_ms");
    t.add(
        new Target(
            "Freshness p99 <= 0.5 s, RabbitMQ path, at half S1's rate",
            fmt(er) + " ms",
            er,
            "500 ms",
            500,
            er / 500,
            er <= 500,
            "p50 " + fmt(num("s1h.e2e_rabbit_p50_ms")) + " ms"));
    double ops = num(s3 + ".redis_ops_per_tweet");
    t.add(
        new Target(
            "Kafka path Redis ops/tweet <= 0.01 at >= 10,000 tweets/s",
            fmt(ops) + " at " + fmt(num(s3 + ".rate")) + " tweets/s (" + s3 + ")",
            ops,
            "0.01",
            0.01,
            ops / 0.01,
            ops <= 0.01 && num(s3 + ".rate") >= 10_000,
            num(s3 + ".rate") < 10_000 ? "rate below 10,000/s" : ""));
    double s5 = num("s5.redis_ops_per_tweet");
    t.add(
        new Target(
            "S5 per-message baseline needs >= 1 Redis op/tweet",
            fmt(s5) + " ops/tweet",
            s5,
            "1",
            1,
            s5,
            s5 >= 1,
            "our Kafka path: " + fmt(ops) + ", ratio " + ratio(s5, ops) + "x fewer"));
    double heap = 0;
    String heapSvc = "";
    for (String svc : SERVICES) {
      double h = num("s1.heap_peak_mib." + svc);
      if (h > heap) {
        heap = h;
        heapSvc = svc;
      }
    }
    boolean oom =
        p.stringPropertyNames().stream()
            .anyMatch(k -> k.startsWith("failure.") && p.getProperty(k).contains("heap"));
    t.add(
        new Target(
            "Every service's heap <= 256 MiB at S1's rate",
            fmt(heap) + " MiB peak used (" + heapSvc + ")",
            heap,
            "256 MiB",
            256,
            heap / 256,
            heap <= 256 && !oom,
            "heap limit -Xmx" + str("service_heap")));
    // CPU per tweet, per service ({@link #microsPerTweet}): figures that carry over to any machine
    // and to the pods' CPU requests.
    double s1Total = 0;
    double s1Jit = 0;
    for (String svc : SERVICES) {
      s1Total += microsPerTweet("s1", svc, s1);
      s1Jit += jitMicrosPerTweet("s1", svc);
    }
    t.add(
        cpuTarget(
            "CPU µs per fan-out single tweet, all our JVMs (S1) <= 150",
            s1Total,
            s1Jit,
            150,
            "s1"));
    t.add(
        cpuTarget(
            "ingress CPU µs per single-tweet request (S1) <= 40",
            microsPerTweet("s1", "ingress", s1),
            jitMicrosPerTweet("s1", "ingress"),
            40,
            "s1"));
    t.add(
        cpuTarget(
            "ingress CPU µs per single-tweet request (S2) <= 40",
            microsPerTweet("s2", "ingress", s2),
            jitMicrosPerTweet("s2", "ingress"),
            40,
            "s2"));
    t.add(
        cpuTarget(
            "kafka gateway CPU µs per tweet (S1) <= 25",
            microsPerTweet("s1", "gateway-kafka", s1),
            jitMicrosPerTweet("s1", "gateway-kafka"),
            25,
            "s1"));
    t.add(
        cpuTarget(
            "rabbit gateway CPU µs per tweet (S1) <= 45",
            microsPerTweet("s1", "gateway-rabbit", s1),
            jitMicrosPerTweet("s1", "gateway-rabbit"),
            45,
            "s1"));
    t.add(
        cpuTarget(
            "streams-app CPU µs per tweet at S1's rate <= 30",
            microsPerTweet("s1", "streams", s1),
            jitMicrosPerTweet("s1", "streams"),
            30,
            "s1"));
    t.add(
        cpuTarget(
            "streams-app CPU µs per tweet in S3 <= 5",
            microsPerTweet(s3, "streams", s3rate),
            jitMicrosPerTweet(s3, "streams"),
            5,
            s3));
    double fails = num("s4.failures");
    boolean exact = "yes".equals(str("s4.exact"));
    t.add(
        new Target(
            "S4 (10 users, " + fmt(num("s4.requests")) + " requests) 0 failures, exact stores",
            str("s4.failures") + " failures, stores exact: " + str("s4.exact"),
            fails,
            "0",
            0,
            Double.NaN,
            fails == 0 && exact,
            "with " + str("s4.tool")));
    return t;
  }

  /**
   * µs of CPU (utime + stime from /proc) {@code service} spent per tweet in {@code scenario}: from
   * the scenario's start until both stores held every tweet, over the tweets published; a run that
   * did not record that gives the load phase's cores over the load's {@code rate}, which leaves out
   * what a consumer still did after the load (S3's streams-app catches up for seconds).
   */
  private double microsPerTweet(String scenario, String service, double rate) {
    if (untilVisible(scenario)) {
      return num(scenario + ".cpu_until_visible." + service)
          * 1_000_000
          / num(scenario + ".published_kafka");
    }
    return num(scenario + ".cpu." + service) * 1_000_000 / rate;
  }

  /** Whether the run recorded {@code scenario}'s CPU until both stores were complete (run.sh). */
  private boolean untilVisible(String scenario) {
    return !Double.isNaN(num(scenario + ".cpu_until_visible.streams"))
        && num(scenario + ".published_kafka") > 0;
  }

  /**
   * µs per tweet of {@code service}'s JIT compiler threads within {@link #microsPerTweet}'s figure:
   * start-up cost still being paid, not cost per tweet. NaN for runs that did not record it.
   */
  private double jitMicrosPerTweet(String scenario, String service) {
    return num(scenario + ".jit_until_visible." + service)
        * 1_000_000
        / num(scenario + ".published_kafka");
  }

  private Target cpuTarget(
      String name, double micros, double jitMicros, double limit, String scenario) {
    return new Target(
        name,
        fmt(micros) + " µs",
        micros,
        fmt(limit) + " µs",
        limit,
        micros / limit,
        micros <= limit,
        (untilVisible(scenario)
                ? "until both stores were complete; "
                : "load phase only (the consumers' catch-up after it is not counted); ")
            + (Double.isNaN(jitMicros)
                ? ""
                : "of it the JIT compiler threads " + fmt(jitMicros) + " µs; ")
            + busiest(scenario));
  }

  // -----------------------------------------------------------------------------------------------
  // markdown
  private String markdown(List<Target> targets, Path jmh, Path chart) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark results\n\n");
    md.append("Run `")
        .append(str("run_id"))
        .append("` (")
        .append(str("mode"))
        .append(") on ")
        .append(str("date"))
        .append(", commit `")
        .append(str("commit"))
        .append("`, ")
        .append(str("machine"))
        .append(".\n");
    md.append("Each scenario ran ")
        .append(str("duration_s"))
        .append(" s after a ")
        .append(str("warmup_s"))
        .append(" s warm-up; every service in its own JVM (-Xmx")
        .append(str("service_heap"))
        .append("); load generators on the same machine. Load average at start ")
        .append(str("loadavg_start"))
        .append(", at end ")
        .append(str("loadavg_end"))
        .append(" (other work shares this machine: compare ratios, not absolute figures).\n\n");
    md.append(
        "Reproduce: `bench/run.sh` (full), `bench/run.sh --smoke` (CI), `bench/run.sh --jmh` (micro-benchmarks"
            + " only). Method and tools: [README.md](README.md).\n\n");
    md.append("![throughput and targets](").append(chart.getFileName()).append(")\n\n");

    md.append("## Targets\n\n| target | figure | limit | ratio | met |\n|---|---|---|---|---|\n");
    for (Target t : targets) {
      md.append("| ")
          .append(t.name())
          .append(" | ")
          .append(t.figureText())
          .append(" | ")
          .append(t.limitText())
          .append(" | ")
          .append(Double.isNaN(t.ratio()) ? "n/a" : String.format(Locale.ROOT, "%.3f", t.ratio()))
          .append(" | ")
          .append(t.met() ? "yes" : "no")
          .append(" |\n");
    }
    md.append("\nNotes per target (measured in this run):\n\n");
    for (Target t : targets) {
      if (!t.note().isEmpty()) {
        md.append("- ").append(t.name()).append(": ").append(t.note()).append('\n');
      }
    }

    md.append("\n## Raw limits (same run)\n\n| limit | figure | how |\n|---|---|---|\n");
    md.append(
        row(
            "trivial HTTP POST",
            fmt(num("limit.http")) + " req/s, p99 " + fmt(num("limit.http_p99_ms")) + " ms",
            str("limit.http_server") + ", wrk -t2 -c64 with bench/wrk/tweet.lua"));
    md.append(
        row(
            "Kafka producer",
            fmt(num("limit.kafka")) + " rec/s",
            "ProducerPerformance, 70-byte records, acks=all, idempotent, linger.ms=5, embedded KRaft broker"));
    md.append(
        row(
            "RabbitMQ",
            fmt(num("limit.rabbit")) + " msg/s",
            "RabbitLimit: persistent 70-byte messages, publisher confirms, manual acks, quorum queue"));
    md.append(
        row(
            "Redis, 1 command per round trip",
            "SET "
                + fmt(num("limit.redis_set"))
                + ", HSET "
                + fmt(num("limit.redis_hset"))
                + " ops/s",
            "redis-benchmark -c 50"));
    md.append(
        row(
            "Redis, pipelined",
            "SET "
                + fmt(num("limit.redis_set_p64"))
                + ", HSET "
                + fmt(num("limit.redis_hset_p64"))
                + " ops/s",
            "redis-benchmark -c 50 -P 64"));

    md.append("\n## Results (scenario, figure, limit measured in the same run, ratio)\n\n");
    md.append("| scenario | figure | limit | ratio |\n|---|---|---|---|\n");
    md.append(
        row(
            "S1 HTTP single, fanout",
            fmt(num("s1.rate")) + " tweets/s",
            "RabbitMQ " + fmt(num("limit.rabbit")),
            ratio(num("s1.rate"), num("limit.rabbit"))));
    md.append(
        row(
            "S1 HTTP single, fanout",
            fmt(num("s1.rate")) + " tweets/s",
            "trivial HTTP " + fmt(num("limit.http")),
            ratio(num("s1.rate"), num("limit.http"))));
    md.append(
        row(
            "S2 HTTP single, kafka",
            fmt(num("s2.rate")) + " tweets/s",
            "trivial HTTP " + fmt(num("limit.http")),
            ratio(num("s2.rate"), num("limit.http"))));
    for (String s : new String[] {"s3http", "s3batch", "s3stream"}) {
      md.append(
          row(
              label(s) + ", sustained into Redis",
              fmt(sustained(s)) + " tweets/s",
              "Kafka producer " + fmt(num("limit.kafka")),
              ratio(sustained(s), num("limit.kafka"))));
    }
    md.append(
        row(
            "S4 course load (" + str("s4.tool") + ")",
            fmt(num("s4.rate")) + " tweets/s",
            "trivial HTTP " + fmt(num("limit.http")),
            ratio(num("s4.rate"), num("limit.http"))));
    md.append(
        row(
            "S5 per-message consumer",
            fmt(num("s5.rate")) + " tweets/s",
            "Redis HSET, 1 per round trip " + fmt(num("limit.redis_hset")),
            ratio(num("s5.rate"), num("limit.redis_hset"))));
    md.append(
        row(
            "Kafka path Redis ops/tweet (" + bestS3() + ")",
            fmt(num(bestS3() + ".redis_ops_per_tweet")),
            "S5 per-message " + fmt(num("s5.redis_ops_per_tweet")),
            ratio(num(bestS3() + ".redis_ops_per_tweet"), num("s5.redis_ops_per_tweet"))));

    md.append(
        "\n## Per scenario\n\nLatency: from the load tool (wrk, loadgen or Locust). Freshness: accepted at the"
            + " ingress until visible in the store, from the services' `weather_e2e_latency_seconds` histogram"
            + " (bucket deltas over the scenario); the RabbitMQ path samples every tweet, the Kafka path the newest tweet of"
            + " each update it writes (an older tweet of that update waited up to one commit interval longer). Ops/tweet: INFO commandstats delta of the private Redis/Valkey"
            + " (commands run inside scripts count too; the harness's own INFO/HGET/HGETALL reads excluded) divided"
            + " by the tweets the gateways published. Exact: both stores' `tweets_total` grew by exactly what the"
            + " gateways published.\n\n");
    md.append(
        "| scenario | tweets/s | p50 ms | p99 ms | fresh kafka p50/p99 ms | fresh rabbit p50/p99 ms"
            + " | Redis ops/tweet | Valkey ops/tweet | visible after s | exact |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (String s : new String[] {"s1", "s1h", "s4", "s2", "s3http", "s3batch", "s3stream"}) {
      md.append("| ")
          .append(label(s))
          .append(" | ")
          .append(fmt(num(s + ".rate")))
          .append(" | ")
          .append(fmt(num(s + ".p50_ms")))
          .append(" | ")
          .append(fmt(num(s + ".p99_ms")))
          .append(" | ")
          .append(fmt(num(s + ".e2e_kafka_p50_ms")))
          .append(" / ")
          .append(fmt(num(s + ".e2e_kafka_p99_ms")))
          .append(" | ")
          .append(fmt(num(s + ".e2e_rabbit_p50_ms")))
          .append(" / ")
          .append(fmt(num(s + ".e2e_rabbit_p99_ms")))
          .append(" | ")
          .append(fmt(num(s + ".redis_ops_per_tweet")))
          .append(" | ")
          .append(fmt(num(s + ".valkey_ops_per_tweet")))
          .append(" | ")
          .append(fmt(num(s + ".visible_after_s")))
          .append(" | ")
          .append(str(s + ".exact"))
          .append(" |\n");
    }
    md.append("| S5 per-message consumer | ")
        .append(fmt(num("s5.rate")))
        .append(" | | | | | ")
        .append(fmt(num("s5.redis_ops_per_tweet")))
        .append(" | | | ")
        .append(str("s5.exact"))
        .append(" |\n");

    md.append(
        "\n## Where a request's time goes (p50 / p99 ms over the scenario)\n\nLoad tool's request latency;"
            + " the ingress's gRPC call to each gateway (`weather_forward_latency_seconds`); each gateway's wait for"
            + " its broker's acknowledgement (`weather_publish_latency_seconds`).\n\n"
            + "| scenario | request | ingress -> kafka gateway | ingress -> rabbit gateway | Kafka ack | RabbitMQ confirm |"
            + "\n|---|---|---|---|---|---|\n");
    for (String s : new String[] {"s1", "s1h", "s4", "s2", "s3http", "s3batch", "s3stream"}) {
      md.append("| ")
          .append(label(s))
          .append(" | ")
          .append(pair(s, ""))
          .append(" | ")
          .append(pair(s, "forward_kafka_"))
          .append(" | ")
          .append(pair(s, "forward_rabbit_"))
          .append(" | ")
          .append(pair(s, "publish_kafka_"))
          .append(" | ")
          .append(pair(s, "publish_rabbit_"))
          .append(" |\n");
    }

    md.append(
        "\n## CPU (cores, average over the load) and peak used heap (MiB) per service\n\n| service |");
    String[] cpuScenarios = {"s1", "s1h", "s2", "s3http", "s3batch"};
    for (String s : cpuScenarios) {
      md.append(' ').append(label(s)).append(" CPU | heap |");
    }
    md.append("\n|---|");
    md.append("---|---|".repeat(cpuScenarios.length)).append('\n');
    for (String svc : SERVICES) {
      md.append("| ").append(svc).append(" |");
      for (String s : cpuScenarios) {
        md.append(' ')
            .append(fmt(num(s + ".cpu." + svc)))
            .append(" | ")
            .append(
                num(s + ".heap_peak_mib." + svc) > 0
                    ? fmt(num(s + ".heap_peak_mib." + svc))
                    : "n/a")
            .append(" |");
      }
      md.append('\n');
    }

    md.append("\n## JMH micro-benchmarks (hot paths)\n\n");
    md.append(jmhTable(jmh));

    List<String> failures =
        p.stringPropertyNames().stream()
            .filter(k -> k.startsWith("failure."))
            .sorted()
            .map(p::getProperty)
            .toList();
    md.append("\n## Run status\n\n")
        .append(
            failures.isEmpty()
                ? "No step failed; every store ended exact.\n"
                : "FAILED:\n\n"
                    + String.join("\n", failures.stream().map(f -> "- " + f).toList())
                    + "\n");
    Path analysis = Path.of(System.getProperty("bench.analysis", "bench/ANALYSIS.md"));
    if (Files.exists(analysis)) {
      md.append("\n").append(Files.readString(analysis));
    }
    return md.toString();
  }

  private String pair(String scenario, String key) {
    double p50 = num(scenario + "." + key + "p50_ms");
    double p99 = num(scenario + "." + key + "p99_ms");
    return Double.isNaN(p50) && Double.isNaN(p99) ? "" : fmt(p50) + " / " + fmt(p99);
  }

  private static String label(String scenario) {
    return switch (scenario) {
      case "s1" -> "S1 HTTP single, fanout";
      case "s1h" -> "S1 at half rate (loadgen)";
      case "s2" -> "S2 HTTP single, kafka";
      case "s3http" -> "S3 POST /api/tweets x100";
      case "s3batch" -> "S3 gRPC Publish x500";
      case "s3stream" -> "S3 gRPC PublishStream x500";
      case "s4" -> "S4 course load";
      default -> scenario;
    };
  }

  private static String row(String... cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }

  private static String jmhTable(Path jmh) throws IOException {
    if (!Files.exists(jmh)) {
      return "Not run.\n";
    }
    JsonNode root = JsonMapper.builder().build().readTree(Files.readString(jmh));
    StringBuilder md =
        new StringBuilder("| benchmark | params | score | error | unit |\n|---|---|---|---|---|\n");
    for (JsonNode b : root) {
      String name = b.get("benchmark").asString();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      JsonNode metric = b.get("primaryMetric");
      JsonNode params = b.get("params");
      md.append(
          row(
              name,
              params == null ? "" : params.toString().replace("\"", "").replace("|", "/"),
              fmt(number(metric.get("score"))),
              fmt(number(metric.get("scoreError"))),
              metric.get("scoreUnit").asString()));
    }
    return md.append(
            "\nOne fork, short iterations (see run.sh); the error column is JMH's 99.9% interval.\n")
        .toString();
  }

  /** JMH writes "NaN" as a string when one iteration gives no error interval. */
  private static double number(JsonNode node) {
    return node == null || !node.isNumber() ? Double.NaN : node.asDouble();
  }

  // -------------------------------------------------------------------------------------------------- chart
  private void chart(List<Target> targets, Path png) throws IOException {
    int width = 1100;
    int height = 760;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);

    Map<String, double[]> bars = new LinkedHashMap<>();
    bars.put("limit: trivial HTTP", new double[] {num("limit.http"), 0});
    bars.put("limit: Kafka producer", new double[] {num("limit.kafka"), 0});
    bars.put("limit: RabbitMQ persistent", new double[] {num("limit.rabbit"), 0});
    bars.put("limit: Redis HSET (1/RTT)", new double[] {num("limit.redis_hset"), 0});
    bars.put("S1 HTTP fanout", new double[] {num("s1.rate"), 1});
    bars.put("S2 HTTP kafka", new double[] {num("s2.rate"), 1});
    bars.put("S3 HTTP batch -> Redis", new double[] {sustained("s3http"), 1});
    bars.put("S3 gRPC batch -> Redis", new double[] {sustained("s3batch"), 1});
    bars.put("S3 gRPC stream -> Redis", new double[] {sustained("s3stream"), 1});
    bars.put("S4 course load", new double[] {num("s4.rate"), 1});
    bars.put("S5 per-message consumer", new double[] {num("s5.rate"), 1});

    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(
        "Throughput, per second (log scale) - run " + str("run_id") + " (" + str("mode") + ")",
        20,
        28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int left = 230;
    int right = width - 120;
    double lo = 1;
    double hi = 1e7;
    int y = 45;
    for (int decade = 0; decade <= 7; decade++) {
      int x = left + (int) ((right - left) * decade / 7.0);
      g.setColor(new Color(225, 225, 225));
      g.drawLine(x, y, x, y + bars.size() * 26);
      g.setColor(Color.GRAY);
      g.drawString(decade == 0 ? "1" : "1e" + decade, x - 8, y + bars.size() * 26 + 14);
    }
    for (Map.Entry<String, double[]> bar : bars.entrySet()) {
      double value = bar.getValue()[0];
      g.setColor(Color.BLACK);
      g.drawString(bar.getKey(), 20, y + 16);
      if (!Double.isNaN(value) && value > 0) {
        int w = (int) ((right - left) * Math.log10(Math.max(value, lo)) / Math.log10(hi));
        g.setColor(bar.getValue()[1] == 0 ? new Color(150, 150, 150) : new Color(60, 110, 190));
        g.fillRect(left, y + 4, Math.max(w, 1), 18);
        g.setColor(Color.BLACK);
        g.drawString(fmt(value), left + w + 6, y + 17);
      }
      y += 26;
    }

    y += 50;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(
        "Targets: how far from the threshold (1.0 = exactly met; right of the line = met)", 20, y);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    y += 12;
    int chartLeft = 420;
    int chartRight = width - 120;
    double max = 3;
    int lineX = chartLeft + (int) ((chartRight - chartLeft) / max);
    for (Target t : targets) {
      String name = t.name().length() > 62 ? t.name().substring(0, 60) + "…" : t.name();
      g.setColor(Color.BLACK);
      g.drawString(name, 20, y + 16);
      double score = score(t);
      if (!Double.isNaN(score)) {
        int w = (int) ((chartRight - chartLeft) * Math.min(score, max) / max);
        g.setColor(t.met() ? new Color(70, 160, 90) : new Color(200, 70, 60));
        g.fillRect(chartLeft, y + 4, Math.max(w, 1), 18);
        g.setColor(Color.BLACK);
        g.drawString(
            String.format(Locale.ROOT, "%.2f%s", score, score > max ? " >" : ""),
            chartLeft + w + 6,
            y + 17);
      } else {
        g.setColor(t.met() ? new Color(70, 160, 90) : new Color(200, 70, 60));
        g.drawString(t.met() ? "met" : "not met", chartLeft + 4, y + 17);
      }
      y += 26;
    }
    g.setColor(Color.DARK_GRAY);
    g.setStroke(new BasicStroke(2));
    g.drawLine(lineX, y - 26 * targets.size(), lineX, y);
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
  }

  /** > 1 when met: figure/threshold for "at least" targets, threshold/figure for "at most" ones. */
  private static double score(Target t) {
    if (t.name().startsWith("S4")) {
      return Double.NaN;
    }
    boolean atMost = t.name().contains("<=");
    double threshold =
        switch (t.name().substring(0, 2)) {
          case "S1" -> t.name().contains("latency") ? 50 : 0.5;
          case "S2" -> 0.15;
          case "S3" -> 0.25;
          case "S5" -> 1;
          default -> t.limit();
        };
    if (t.name().startsWith("S1") && !t.name().contains("latency")
        || t.name().startsWith("S2")
        || t.name().startsWith("S3")) {
      return t.ratio() / threshold;
    }
    if (t.name().startsWith("S5")) {
      return t.figure() / threshold;
    }
    return atMost ? threshold / t.figure() : t.figure() / threshold;
  }

  // ------------------------------------------------------------------------------------------------ history
  private void history(List<Target> targets, Path csv) throws IOException {
    boolean fresh = !Files.exists(csv);
    String[] columns = {
      "date",
      "commit",
      "mode",
      "duration_s",
      "limit_http",
      "limit_kafka",
      "limit_rabbit",
      "limit_redis_hset",
      "limit_redis_hset_p64",
      "s1",
      "s1_half_p99_ms",
      "s2",
      "s3_sustained",
      "s4",
      "s5",
      "e2e_kafka_p99_ms",
      "e2e_rabbit_p99_ms",
      "kafka_redis_ops_per_tweet",
      "s5_redis_ops_per_tweet",
      "targets_met",
      "exact"
    };
    String s3 = bestS3();
    long met = targets.stream().filter(Target::met).count();
    boolean failed = p.stringPropertyNames().stream().anyMatch(k -> k.startsWith("failure."));
    Object[] values = {
      str("date"),
      str("commit"),
      str("mode"),
      str("duration_s"),
      num("limit.http"),
      num("limit.kafka"),
      num("limit.rabbit"),
      num("limit.redis_hset"),
      num("limit.redis_hset_p64"),
      num("s1.rate"),
      num("s1h.p99_ms"),
      num("s2.rate"),
      sustained(s3),
      num("s4.rate"),
      num("s5.rate"),
      num("s1h.e2e_kafka_p99_ms"),
      num("s1h.e2e_rabbit_p99_ms"),
      num(s3 + ".redis_ops_per_tweet"),
      num("s5.redis_ops_per_tweet"),
      met + "/" + targets.size(),
      failed ? "no" : "yes"
    };
    StringBuilder line = new StringBuilder();
    if (fresh) {
      line.append(String.join(",", columns)).append('\n');
    }
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      line.append(
          values[i] instanceof Double d
              ? (Double.isNaN(d)
                  ? ""
                  : String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.0f" : "%.4f", d))
              : values[i]);
    }
    line.append('\n');
    Files.writeString(
        csv, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
