package io.weathertweets.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.loadgen.tweets.LoadTweet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * --verify against the test Redis and Valkey ({@link LocalServers}), under a key prefix of its own.
 * An HTTP server stands in for the ingress and accepts everything; once it has the whole run, it
 * plays the two aggregation paths a moment later: it writes the municipality hashes and {@code
 * meta} as they would, on top of a baseline that was there before the run.
 */
class LoadGenVerifyTest {
  private static final String REDIS = LocalServers.redisUrl();
  private static final String VALKEY = LocalServers.valkeyUrl();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long BASELINE_MIXCO = 5;

  private final String prefix = "loadgen-test-" + UUID.randomUUID();
  private final StoreLayout layout = new StoreLayout(prefix);
  private final List<LoadTweet> accepted = new ArrayList<>();
  private final ScheduledExecutorService pipeline = Executors.newSingleThreadScheduledExecutor();
  private RedissonClient redis;
  private RedissonClient valkey;
  private HttpServer server;
  private int expectedTweets;

  /**
   * Which stores the fake pipeline writes, and how it distorts the aggregates (identity =
   * faithfully).
   */
  private boolean writeRedis = true;

  private boolean writeValkey = true;
  private UnaryOperator<Map<Municipality, Aggregate>> distortion = UnaryOperator.identity();

  @BeforeEach
  void setUp() throws IOException {
    redis = client(REDIS);
    valkey = client(VALKEY);
    for (RedissonClient store : List.of(redis, valkey)) {
      write(store, Map.of(Municipality.MIXCO, aggregateOf(BASELINE_MIXCO)), BASELINE_MIXCO);
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/tweet",
        exchange -> {
          JsonNode body =
              JSON.readTree(
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          boolean complete;
          synchronized (accepted) {
            accepted.add(new LoadTweet(accepted.size(), (ObjectNode) body));
            complete = accepted.size() == expectedTweets;
          }
          exchange.sendResponseHeaders(202, -1);
          exchange.close();
          if (complete) {
            pipeline.schedule(this::playPipeline, 300, TimeUnit.MILLISECONDS);
          }
        });
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
    pipeline.shutdownNow();
    for (RedissonClient store : List.of(redis, valkey)) {
      store.getKeys().deleteByPattern(prefix + ":*");
      store.shutdown();
    }
  }

  @Test
  void shouldPassWhenBothStoresAccountForEveryAcceptedTweet() {
    CliRun run = run(200, "--verify-timeout", "20");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    JsonNode verification = run.report().get("verification");
    assertThat(verification).hasSize(2);
    for (JsonNode path : verification) {
      assertThat(path.get("verified").booleanValue()).as(path.toString()).isTrue();
      assertThat(path.get("tweetsTotalDelta").longValue()).isEqualTo(200);
      assertThat(path.get("countSumDelta").longValue()).isEqualTo(200);
      // The fake pipeline writes 300 ms after the last tweet: verification waited for it.
      assertThat(path.get("visibleAfterMs").longValue()).isGreaterThanOrEqualTo(250);
    }
    assertThat(verification.get(0).get("path").stringValue()).isEqualTo("kafka");
    assertThat(verification.get(1).get("path").stringValue()).isEqualTo("rabbit");
  }

  @Test
  void shouldFailWithExitCodeOneWhenAStoreDoesNotGrow() {
    writeValkey = false;

    CliRun run = run(50, "--verify-timeout", "2");

    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode verification = run.report().get("verification");
    assertThat(verification.get(0).get("verified").booleanValue()).isTrue();
    assertThat(verification.get(1).get("verified").booleanValue()).isFalse();
    assertThat(verification.get(1).get("visibleAfterMs").longValue()).isEqualTo(-1);
    assertThat(verification.get(1).get("problems").get(0).stringValue())
        .isEqualTo("meta tweets_total grew by 0, expected 50");
  }

  @Test
  void shouldFailWhenTheTotalsGrowButTheTweetsLandInTheWrongMunicipality() {
    distortion =
        byMunicipality -> {
          // Everything counted under mixco: same totals, wrong split.
          long all = byMunicipality.values().stream().mapToLong(Aggregate::count).sum();
          Map<Municipality, Aggregate> wrong = new EnumMap<>(Municipality.class);
          for (Municipality m : Municipality.values()) {
            wrong.put(m, aggregateOf(m == Municipality.MIXCO ? all : 0));
          }
          return wrong;
        };

    CliRun run = run(40, "--verify-timeout", "2");

    assertThat(run.exitCode()).isEqualTo(1);
    for (JsonNode path : run.report().get("verification")) {
      assertThat(path.get("tweetsTotalDelta").longValue()).isEqualTo(40);
      assertThat(path.get("countSumDelta").longValue()).isEqualTo(40);
      assertThat(path.get("problems").toString()).contains("guatemala count grew by 0, expected");
    }
  }

  @Test
  void shouldVerifyOnlyTheChosenPaths() {
    writeValkey = false;

    CliRun run = run(30, "--verify-timeout", "20", "--paths", "kafka");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.report().get("verification")).hasSize(1);
    assertThat(run.report().get("verification").get(0).get("path").stringValue())
        .isEqualTo("kafka");
  }

  private CliRun run(int n, String... extra) {
    expectedTweets = n;
    List<String> args =
        new ArrayList<>(
            List.of(
                "--url",
                "http://127.0.0.1:" + server.getAddress().getPort(),
                "-n",
                "" + n,
                "--seed",
                "77",
                "-c",
                "4",
                "--json",
                "--verify",
                "--prefix",
                prefix,
                "--redis-url",
                REDIS,
                "--valkey-url",
                VALKEY));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  /** What both paths would write after the run: baseline plus every accepted tweet. */
  private void playPipeline() {
    Map<Municipality, Aggregate> aggregates = new EnumMap<>(Municipality.class);
    aggregates.put(Municipality.MIXCO, aggregateOf(BASELINE_MIXCO));
    synchronized (accepted) {
      for (LoadTweet tweet : accepted) {
        Municipality m = tweet.municipality().orElseThrow();
        aggregates.put(m, aggregates.getOrDefault(m, Aggregate.EMPTY).plus(tweet.toV1(1, "x")));
      }
    }
    Map<Municipality, Aggregate> written = distortion.apply(aggregates);
    long total = BASELINE_MIXCO + accepted.size();
    if (writeRedis) {
      write(redis, written, total);
    }
    if (writeValkey) {
      write(valkey, written, total);
    }
  }

  private void write(
      RedissonClient store, Map<Municipality, Aggregate> aggregates, long tweetsTotal) {
    aggregates.forEach(
        (m, a) ->
            store
                .<String, String>getMap(layout.municipality(m), StringCodec.INSTANCE)
                .putAll(a.toFields()));
    store
        .<String, String>getMap(layout.meta(), StringCodec.INSTANCE)
        .putAll(Map.of("tweets_total", Long.toString(tweetsTotal), "path", "test"));
  }

  private static Aggregate aggregateOf(long count) {
    Aggregate a = Aggregate.EMPTY;
    for (long i = 0; i < count; i++) {
      a = a.plus(20, 50, io.weathertweets.aggregates.Condition.SUNNY, 1);
    }
    return a;
  }

  private static RedissonClient client(String url) {
    return io.weathertweets.aggregates.StoreClients.create(url, false);
  }
}
