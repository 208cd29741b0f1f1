package io.weathertweets.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.weathertweets.loadgen.tweets.LoadTweet;
import io.weathertweets.loadgen.tweets.TweetGenerator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the command line against a real HTTP server on a real port that answers like the ingress:
 * 202 for tweets from mixco and guatemala, 400 for chinautla (as if invalid), 503 for amatitlan (as
 * if a broker were down); a batch gets the answer of its "worst" tweet.
 */
class LoadGenHttpTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private HttpServer server;
  private ExecutorService executor;
  private final Set<String> receivedIds = ConcurrentHashMap.newKeySet();
  private final List<JsonNode> receivedBodies =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newFixedThreadPool(8);
    server.setExecutor(executor);
    server.createContext("/api/tweet", exchange -> answer(exchange, false));
    server.createContext("/api/tweets", exchange -> answer(exchange, true));
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void answer(HttpExchange exchange, boolean batch) throws IOException {
    requests.incrementAndGet();
    JsonNode body =
        JSON.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    List<JsonNode> tweets = new ArrayList<>();
    if (batch) {
      body.forEach(tweets::add);
    } else {
      tweets.add(body);
    }
    int status = 202;
    for (JsonNode tweet : tweets) {
      receivedBodies.add(tweet);
      if (tweet.has("id")) {
        receivedIds.add(tweet.get("id").stringValue());
      }
      status = Math.max(status, statusFor(tweet));
    }
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  private static int statusFor(JsonNode tweet) {
    JsonNode municipality = tweet.get("municipality");
    String name =
        municipality == null || !municipality.isString() ? "" : municipality.stringValue().trim();
    if (!tweet.path("temperature").isIntegralNumber()) {
      return 400;
    }
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "mixco", "guatemala" -> 202;
      case "amatitlan" -> 503;
      default -> 400;
    };
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void shouldCountEachSingleTweetByTheStatusTheServerGaveIt() {
    int n = 400;
    long[] expected = expectedSingle(new TweetGenerator(42, n), n);

    CliRun run =
        CliRun.of(
            "--mode",
            "http-single",
            "--url",
            url(),
            "-n",
            "" + n,
            "--seed",
            "42",
            "-c",
            "8",
            "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode report = run.report();
    assertThat(report.get("sent").longValue()).isEqualTo(n);
    assertThat(report.get("accepted").longValue()).isEqualTo(expected[0]);
    assertThat(report.get("rejected").longValue()).isEqualTo(expected[1]);
    assertThat(report.get("rejectedBy").get("400").longValue()).isEqualTo(expected[1]);
    assertThat(report.get("failed").longValue()).isEqualTo(expected[2]);
    assertThat(report.get("failedBy").get("503").longValue()).isEqualTo(expected[2]);
    assertThat(report.get("latency").get("requests").longValue()).isEqualTo(n);
    assertThat(report.get("latency").get("p99Ms").doubleValue()).isPositive();
    assertThat(requests.get()).isEqualTo(n);
    // Every tweet of the seed sent exactly once, with its derived id and an event time.
    assertThat(receivedIds)
        .containsExactlyInAnyOrderElementsOf(
            LongStream.range(0, n)
                .mapToObj(i -> "lg-" + Long.toUnsignedString(42, 36) + "-" + i)
                .toList());
    assertThat(receivedBodies)
        .allSatisfy(body -> assertThat(body.get("timestamp").longValue()).isPositive());
  }

  @Test
  void shouldApplyABatchAnswerToEveryTweetInTheBatch() {
    int n = 250;
    TweetGenerator generator = new TweetGenerator(7, n);
    long accepted = 0;
    long rejected = 0;
    long failed = 0;
    for (int from = 0; from < n; from += 10) {
      int status = 202;
      for (int i = from; i < Math.min(n, from + 10); i++) {
        status = Math.max(status, statusFor(generator.get(i).body()));
      }
      int size = Math.min(10, n - from);
      switch (status) {
        case 202 -> accepted += size;
        case 400 -> rejected += size;
        default -> failed += size;
      }
    }

    CliRun run =
        CliRun.of(
            "--mode",
            "http-batch",
            "--batch-size",
            "10",
            "--url",
            url(),
            "-n",
            "" + n,
            "--seed",
            "7",
            "-c",
            "3",
            "--json",
            "--progress");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode report = run.report();
    assertThat(report.get("sent").longValue()).isEqualTo(n);
    assertThat(report.get("accepted").longValue()).isEqualTo(accepted);
    assertThat(report.get("rejected").longValue()).isEqualTo(rejected);
    assertThat(report.get("failed").longValue()).isEqualTo(failed);
    assertThat(report.get("tweetsPerRequest").intValue()).isEqualTo(10);
    assertThat(requests.get()).isEqualTo(25);
    assertThat(receivedIds).hasSize(n);
    assertThat(run.err()).as("progress bar on stderr").contains("250/250 100%");
  }

  @Test
  void shouldKeepTheRateWhenPaced() {
    CliRun run =
        CliRun.of("--url", url(), "-n", "60", "--seed", "1", "-c", "4", "--rate", "200", "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    // 60 tweets at 200/s: the last one is due 295 ms after the start, so the run cannot be faster.
    assertThat(run.report().get("elapsedSeconds").doubleValue()).isGreaterThanOrEqualTo(0.295);
    assertThat(run.report().get("tweetsPerSecond").doubleValue()).isLessThanOrEqualTo(204);
  }

  @Test
  void shouldSendInputFileTweetsAsWrittenAndAddOnlyTheEventTime(@TempDir Path dir)
      throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("tweets.jsonl"),
            """
        {"id": "f-1", "municipality": "mixco", "temperature": 25, "humidity": 70, "weather": "sunny"}
        {"id": "f-2", "municipality": "Guatemala", "temperature": "hot", "humidity": 70, "weather": "sunny"}
        {"id": "f-3", "municipality": "guatemala", "temperature": -5, "humidity": 9, "weather": "foggy", "timestamp": "2026-01-01T00:00:00Z"}
        """);

    CliRun run = CliRun.of("--url", url(), "--input", file.toString(), "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.report().get("sent").longValue()).isEqualTo(3);
    assertThat(run.report().get("accepted").longValue()).isEqualTo(2);
    assertThat(run.report().get("rejectedBy").get("400").longValue()).isEqualTo(1);
    assertThat(run.report().get("acceptedByMunicipality").get("guatemala").longValue())
        .isEqualTo(1);
    JsonNode third =
        receivedBodies.stream()
            .filter(b -> b.get("id").stringValue().equals("f-3"))
            .findFirst()
            .orElseThrow();
    assertThat(third.get("timestamp").stringValue()).isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void shouldPrintAReadableReportByDefault() {
    CliRun run = CliRun.of("--url", url(), "-n", "20", "--seed", "3");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("sent           20 tweets in").contains("latency        p50");
  }

  @Test
  void shouldDrawTheProgressBarOnlyOnATerminalUnlessForced() {
    // Here stderr is a buffer, not a terminal: no bar unless --progress asks for one.
    CliRun byDefault = CliRun.of("--url", url(), "-n", "20", "--seed", "3");
    CliRun forced = CliRun.of("--url", url(), "-n", "20", "--seed", "3", "--progress");
    CliRun refused = CliRun.of("--url", url(), "-n", "20", "--seed", "3", "--no-progress");

    assertThat(List.of(byDefault.exitCode(), forced.exitCode(), refused.exitCode()))
        .containsOnly(0);
    assertThat(byDefault.err()).doesNotContain("20/20");
    assertThat(forced.err()).contains("20/20 100%");
    assertThat(refused.err()).doesNotContain("20/20");
    assertThat(CliRun.of("--help").out()).contains("--[no-]progress");
  }

  @Test
  void shouldExitWithTwoOnUsageErrors() {
    assertThat(CliRun.of("--mode", "carrier-pigeon").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("--batch-size", "5000").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("--paths", "kafka,kinesis").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("--input", "/does/not/exist.jsonl").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("-n", "0").exitCode()).isEqualTo(2);
    assertThat(requests.get()).as("nothing sent on a usage error").isZero();
  }

  /** accepted, rejected, failed for one-tweet requests. */
  private static long[] expectedSingle(TweetGenerator generator, int n) {
    long[] counts = new long[3];
    for (int i = 0; i < n; i++) {
      LoadTweet tweet = generator.get(i);
      switch (statusFor(tweet.body())) {
        case 202 -> counts[0]++;
        case 400 -> counts[1]++;
        default -> counts[2]++;
      }
    }
    assertThat(counts).as("the seed exercises all three answers").doesNotContain(0L);
    return counts;
  }
}
