package io.weathertweets.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.ConsumerReport;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.loadgen.tweets.LoadTweet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code --verify} while a store is still working off earlier tweets, against the test Redis and
 * Valkey ({@link LocalServers}) under a key prefix of its own. A background writer plays a consumer
 * with a backlog: it keeps adding tweets to Redis (the Kafka path's store) while loadgen takes its
 * baseline. A baseline read in the middle of that counts the rest of the backlog as this run's
 * tweets: "tweets_total grew by more than accepted", a double count the store does not hold.
 * loadgen must wait for the store to settle, or say it could not, never report a false failure.
 *
 * <p>An HTTP server stands in for the ingress and accepts everything; once it has the whole run,
 * the fake pipeline adds the accepted tweets to both stores (increments, as the real paths do, so
 * it composes with the writer). It also answers {@code GET /api/stores} as the ingress does, from
 * the same two stores: the figures as stored and each path consumer's report of its lag (written
 * into the store as the streams-app and the bridge write it).
 */
class LoadGenQuietBaselineTest {
  private static final String REDIS = LocalServers.redisUrl();
  private static final String VALKEY = LocalServers.valkeyUrl();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int TWEETS = 100;

  /** Tweets the background writer adds per tick, and its tick. */
  private static final int BACKLOG_PER_TICK = 3;

  private static final long TICK_MS = 50;

  private final String prefix = "loadgen-quiet-test-" + UUID.randomUUID();
  private final StoreLayout layout = new StoreLayout(prefix);
  private final List<LoadTweet> accepted = new ArrayList<>();

  /**
   * One thread for every store write, so the writer and the fake pipeline never interleave a
   * read-modify-write.
   */
  private final ScheduledExecutorService writes = Executors.newSingleThreadScheduledExecutor();

  private final AtomicInteger backlogTicks = new AtomicInteger();

  /** nanoTime of the first tweet received, 0 before. */
  private final AtomicLong firstTweetNanos = new AtomicLong();

  private final AtomicInteger storesRequests = new AtomicInteger();

  /** What /api/stores answers for Valkey instead of its figures, when set. */
  private final AtomicReference<String> valkeyError = new AtomicReference<>();

  private RedissonClient redis;
  private RedissonClient valkey;
  private HttpServer server;
  private volatile ScheduledFuture<?> writer;

  @BeforeEach
  void setUp() throws IOException {
    redis = StoreClients.create(REDIS, false);
    valkey = StoreClients.create(VALKEY, false);
    for (RedissonClient store : List.of(redis, valkey)) {
      add(store, Municipality.MIXCO, 5);
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/tweet",
        exchange -> {
          firstTweetNanos.compareAndSet(0, System.nanoTime());
          JsonNode body =
              JSON.readTree(
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          boolean complete;
          synchronized (accepted) {
            accepted.add(new LoadTweet(accepted.size(), (ObjectNode) body));
            complete = accepted.size() == TWEETS;
          }
          exchange.sendResponseHeaders(202, -1);
          exchange.close();
          if (complete) {
            writes.schedule(this::playPipeline, 300, TimeUnit.MILLISECONDS);
          }
        });
    server.createContext(
        "/api/stores",
        exchange -> {
          storesRequests.incrementAndGet();
          long now = System.currentTimeMillis();
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("redis", storeAsTheIngressShowsIt(redis, now));
          String error = valkeyError.get();
          body.put(
              "valkey",
              error != null ? Map.of("error", error) : storeAsTheIngressShowsIt(valkey, now));
          body.put("readAt", now);
          byte[] json = JSON.writeValueAsBytes(body);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, json.length);
          exchange.getResponseBody().write(json);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
    writes.shutdownNow();
    for (RedissonClient store : List.of(redis, valkey)) {
      store.getKeys().deleteByPattern(prefix + ":*");
      store.shutdown();
    }
  }

  @Test
  void shouldTakeTheBaselineOnlyOnceTheStoreHasWorkedOffItsBacklog() {
    int ticks = 80;
    startBacklog(ticks);

    CliRun run = run("--verify-timeout", "30");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    JsonNode kafka = run.report().get("verification").get(0);
    assertThat(kafka.get("verdict").stringValue()).isEqualTo("PASS");
    assertThat(kafka.get("tweetsTotalDelta").longValue()).isEqualTo(TWEETS);
    assertThat(kafka.get("countSumDelta").longValue()).isEqualTo(TWEETS);
    assertThat(run.report().get("verification").get(1).get("verdict").stringValue())
        .isEqualTo("PASS");
    // The whole backlog landed before the baseline: the store holds both, and the run counted only
    // its own.
    assertThat(tweetsTotal(redis)).isEqualTo(5 + (long) ticks * BACKLOG_PER_TICK + TWEETS);
    assertThat(run.err()).contains("the Kafka path's store is still changing");
  }

  @Test
  void shouldSayTheRunIsUnverifiedNotFailedWhenTheStoreNeverSettles() {
    startBacklog(Integer.MAX_VALUE);

    CliRun run = run("--verify-timeout", "3");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
    assertThat(run.err())
        .contains("could not take a quiet baseline: the Kafka path's store was still changing");
    JsonNode kafka = run.report().get("verification").get(0);
    assertThat(kafka.get("verdict").stringValue()).isEqualTo("UNVERIFIED");
    assertThat(kafka.get("verified").booleanValue()).isFalse();
    assertThat(kafka.get("problems").toString()).doesNotContain("grew by");
    // The quiet path is verified as usual.
    JsonNode rabbit = run.report().get("verification").get(1);
    assertThat(rabbit.get("verdict").stringValue()).as(rabbit.toString()).isEqualTo("PASS");
    assertThat(rabbit.get("tweetsTotalDelta").longValue()).isEqualTo(TWEETS);
  }

  @Test
  void shouldNeverPrintAFailureForAStoreThatNeverSettled() {
    startBacklog(Integer.MAX_VALUE);

    CliRun run = CliRun.of(args("--verify-timeout", "2", "--paths", "kafka"));

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("UNVERIFIED").doesNotContain("FAILED");
  }

  @Test
  void shouldReadTheFiguresFromTheIngressAndWaitUntilItsConsumersReportNoLag() {
    // Figures stand still, but the Kafka path's consumer says 500 tweets are still waiting for it.
    report(redis, "streams-app", 500);
    report(valkey, "rabbit-bridge", 0);
    AtomicLong caughtUpNanos = new AtomicLong();
    writes.schedule(
        () -> {
          caughtUpNanos.set(System.nanoTime());
          report(redis, "streams-app", 0);
        },
        2500,
        TimeUnit.MILLISECONDS);

    // No store option: the figures come from the ingress.
    CliRun run = run(false, "--verify-timeout", "20");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(storesRequests.get()).isPositive();
    assertThat(caughtUpNanos.get()).as("the lag was cleared before the run ended").isPositive();
    assertThat(firstTweetNanos.get())
        .as("the first tweet went out only after the lag was 0")
        .isGreaterThan(caughtUpNanos.get());
    assertThat(run.err())
        .contains("the Kafka path's consumer still reports 500 tweets not yet processed");
    JsonNode verification = run.report().get("verification");
    assertThat(verification.get(0).get("store").stringValue())
        .isEqualTo(ingress() + "/api/stores (redis)");
    assertThat(verification.get(1).get("store").stringValue())
        .isEqualTo(ingress() + "/api/stores (valkey)");
    for (JsonNode path : verification) {
      assertThat(path.get("verdict").stringValue()).as(path.toString()).isEqualTo("PASS");
      assertThat(path.get("tweetsTotalDelta").longValue()).isEqualTo(TWEETS);
    }
  }

  @Test
  void shouldWaitForTheConsumersLagAlsoWhenReadingTheStoresThemselves() {
    report(redis, "streams-app", 500);
    AtomicLong caughtUpNanos = new AtomicLong();
    writes.schedule(
        () -> {
          caughtUpNanos.set(System.nanoTime());
          report(redis, "streams-app", 0);
        },
        4,
        TimeUnit.SECONDS);

    CliRun run = run("--verify-timeout", "20");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(storesRequests.get()).as("store URLs given: the ingress is not asked").isZero();
    assertThat(run.err())
        .contains("the Kafka path's consumer still reports 500 tweets not yet processed");
    assertThat(caughtUpNanos.get()).as("the lag was cleared before the run ended").isPositive();
    assertThat(firstTweetNanos.get()).isGreaterThan(caughtUpNanos.get());
  }

  @Test
  void shouldCheckTheReadablePathAndLeaveTheOtherUnverifiedWhenTheIngressCannotReadAStore() {
    valkeyError.set(
        "RedisConnectionException: Unable to connect to Redis server: localhost/127.0.0.1:6380");

    CliRun run = run(false, "--verify-timeout", "2");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
    JsonNode verification = run.report().get("verification");
    // No consumer report in Redis: unchanged figures alone make the baseline.
    assertThat(verification.get(0).get("verdict").stringValue()).isEqualTo("PASS");
    assertThat(verification.get(1).get("verdict").stringValue()).isEqualTo("UNVERIFIED");
    assertThat(verification.get(1).get("problems").get(0).stringValue())
        .isEqualTo(
            "could not take a quiet baseline: the RabbitMQ path's store could not be read (the ingress cannot read it: "
                + "RedisConnectionException: Unable to connect to Redis server: localhost/127.0.0.1:6380)");
  }

  /**
   * The writer adds {@link #BACKLOG_PER_TICK} mixco tweets to Redis every tick, {@code ticks}
   * times.
   */
  private void startBacklog(int ticks) {
    writer =
        writes.scheduleAtFixedRate(
            () -> {
              if (backlogTicks.get() < ticks) {
                add(redis, Municipality.MIXCO, BACKLOG_PER_TICK);
                backlogTicks.incrementAndGet();
              } else {
                writer.cancel(false);
              }
            },
            0,
            TICK_MS,
            TimeUnit.MILLISECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> backlogTicks.get() >= 2);
  }

  private CliRun run(String... extra) {
    return run(true, extra);
  }

  /**
   * @param storeOptions whether to name the stores (read them directly) or leave --verify to the
   *     ingress
   */
  private CliRun run(boolean storeOptions, String... extra) {
    List<String> args = new ArrayList<>(List.of(storeOptions ? args(extra) : ingressArgs(extra)));
    args.add("--json");
    return CliRun.of(args.toArray(String[]::new));
  }

  private String[] args(String... extra) {
    List<String> args = new ArrayList<>(List.of(ingressArgs(extra)));
    args.addAll(List.of("--prefix", prefix, "--redis-url", REDIS, "--valkey-url", VALKEY));
    return args.toArray(String[]::new);
  }

  private String[] ingressArgs(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of("--url", ingress(), "-n", "" + TWEETS, "--seed", "77", "-c", "4", "--verify"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private String ingress() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * A store as the ingress's GET /api/stores shows it: the hashes as stored and the consumer's
   * report.
   */
  private Map<String, Object> storeAsTheIngressShowsIt(RedissonClient store, long nowMs) {
    StoreReader reader = new StoreReader(store, layout);
    Map<String, Map<String, String>> municipalities = new LinkedHashMap<>();
    for (Municipality m : Municipality.values()) {
      Map<String, String> fields = reader.hash(layout.municipality(m));
      if (!fields.isEmpty()) {
        municipalities.put(m.id(), fields);
      }
    }
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("municipalities", municipalities);
    snapshot.put("panels", Map.of());
    snapshot.put("meta", reader.meta());
    snapshot.put("consumer", reader.consumerReport().map(r -> r.view(nowMs, 30_000)).orElse(null));
    return snapshot;
  }

  /** What a path's consumer writes into its store every few seconds. */
  private void report(RedissonClient store, String consumer, long lag) {
    store
        .<String, String>getMap(layout.consumer(), StringCodec.INSTANCE)
        .putAll(new ConsumerReport(consumer, System.currentTimeMillis(), lag, 0, null).toFields());
  }

  /** What both paths do with the run's tweets: add each to its municipality and to tweets_total. */
  private void playPipeline() {
    synchronized (accepted) {
      for (LoadTweet tweet : accepted) {
        Municipality m = tweet.municipality().orElseThrow();
        for (RedissonClient store : List.of(redis, valkey)) {
          add(store, m, 1);
        }
      }
    }
  }

  private void add(RedissonClient store, Municipality m, long tweets) {
    RMap<String, String> hash = store.getMap(layout.municipality(m), StringCodec.INSTANCE);
    Aggregate a = Aggregate.fromFields(hash.readAllMap());
    for (long i = 0; i < tweets; i++) {
      a = a.plus(20, 50, io.weathertweets.aggregates.Condition.SUNNY, 1);
    }
    hash.putAll(a.toFields());
    RMap<String, String> meta = store.getMap(layout.meta(), StringCodec.INSTANCE);
    meta.put("tweets_total", Long.toString(tweetsTotal(store) + tweets));
  }

  private long tweetsTotal(RedissonClient store) {
    String total =
        store.<String, String>getMap(layout.meta(), StringCodec.INSTANCE).get("tweets_total");
    return total == null ? 0 : Long.parseLong(total);
  }
}
