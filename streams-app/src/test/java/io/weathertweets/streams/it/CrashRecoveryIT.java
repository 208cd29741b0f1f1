package io.weathertweets.streams.it;

import static io.weathertweets.streams.it.StoreAssertions.assertStoreMatches;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.aggregates.resp.RawResp;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.embedded.TcpProxy;
import io.weathertweets.proto.v1.Tweet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * Crash safety on a real broker and the real Redis, with the real app in a child JVM. While tweets
 * keep arriving: the app is killed with SIGKILL mid-stream and started again on the same state
 * directory; then, mid-stream again, Redis becomes unreachable (a TCP proxy between app and Redis
 * is cut) and comes back. At the end every figure in Redis still equals the ground truth: nothing
 * lost, nothing counted twice.
 */
@EmbeddedKafka(
    partitions = 6,
    topics = {"weather-tweets", "weather-aggregates", "weather-tweets-dlq"},
    brokerProperties = {
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "group.initial.rebalance.delay.ms=0"
    })
class CrashRecoveryIT {
  private static final Logger log = LoggerFactory.getLogger(CrashRecoveryIT.class);

  /**
   * From the kill until the restarted run processes: the restart (a JVM start) and what is left of
   * the dead member's session, with room for a slow machine. A 45 s session cannot expire before
   * about 42 s after the kill (its last heartbeat at most 3 s before), so the bound tells the two
   * apart.
   */
  private static final Duration MAX_RESTART_STALL = Duration.ofSeconds(38);

  private final String prefix = "wt-crash-" + UUID.randomUUID();
  private final RawResp raw = RawResp.connect(LocalServers.redisUrl());
  private final TcpProxy redisProxy =
      new TcpProxy(LocalServers.redisHost(), LocalServers.redisPort());
  private ChildStreamsApp first;
  private ChildStreamsApp second;

  @AfterEach
  void cleanUp() throws InterruptedException {
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
    redisProxy.close();
    raw.deleteAll(prefix);
    raw.close();
  }

  private long tweetsTotal() {
    String total = raw.hgetall(prefix + ":meta").get("tweets_total");
    return total == null ? 0 : Long.parseLong(total);
  }

  @Test
  void shouldEndWithExactFiguresAfterAKillAndARedisOutageMidStream(EmbeddedKafkaBroker broker)
      throws Exception {
    TweetStream stream = new TweetStream(77L, 10_000, TweetStream.recentStart(), 30);
    GroundTruth truth = new GroundTruth(stream.unique, 60_000, 10_000);
    Path work = Files.createDirectories(Path.of("target", "crash-it", prefix));
    String[] arguments = {
      "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
      "--spring.kafka.streams.application-id=weather-crash-" + UUID.randomUUID(),
      "--spring.kafka.streams.state-dir=" + work.resolve("state").toAbsolutePath(),
      // No session.timeout.ms: the killed member's session is the application's own, as in
      // production.
      "--weather.store.prefix=" + prefix,
      "--weather.store.url=redis://127.0.0.1:" + redisProxy.port(),
      "--weather.store.timeout=1s",
      "--weather.retry.max-backoff=1s",
      "--server.port=0"
    };

    CountDownLatch firstRunning = new CountDownLatch(1);
    CountDownLatch secondRunning = new CountDownLatch(1);
    CountDownLatch redisBack = new CountDownLatch(1);
    CompletableFuture<Void> producing =
        CompletableFuture.runAsync(
            () -> produce(broker, stream.sent, List.of(firstRunning, secondRunning, redisBack)));

    // 1. Kill -9 while the first run is busy with a stream that keeps coming.
    first = new ChildStreamsApp(work.resolve("first.log"), arguments);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> first.log().contains("REBALANCING -> RUNNING"));
    firstRunning.countDown();
    await().atMost(Duration.ofSeconds(60)).until(() -> tweetsTotal() >= 1_500);
    int exit = first.kill();
    long killedAt = System.nanoTime();
    long atKill = tweetsTotal();
    log.info(
        "killed the first run (exit {}) with {} of {} tweets visible",
        exit,
        atKill,
        stream.unique.size());
    assertThat(exit).as("SIGKILL").isEqualTo(137);
    assertThat(atKill)
        .as("killed mid-stream, before the producer's first pause")
        .isLessThan(stream.sent.size() / 2);

    // 2. Restart on the same state directory; once it is processing again, cut Redis mid-stream.
    second = new ChildStreamsApp(work.resolve("second.log"), arguments);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> second.log().contains("REBALANCING -> RUNNING"));
    Duration untilRunning = Duration.ofNanos(System.nanoTime() - killedAt);
    log.info("the restarted run was processing {} ms after the kill", untilRunning.toMillis());
    // The killed member never leaves the group: its partitions move once its session expires. With
    // Kafka's default session (45 s) a crashed or OOM-killed pod stalled the Kafka path that long.
    assertThat(untilRunning)
        .as("from the kill -9 until the restarted run processes")
        .isLessThan(MAX_RESTART_STALL);
    secondRunning.countDown();
    await().atMost(Duration.ofSeconds(60)).until(() -> tweetsTotal() > stream.sent.size() / 2);
    redisProxy.cut();
    long atCut = tweetsTotal();
    await().atMost(Duration.ofSeconds(30)).until(() -> second.log().contains("Redis write of"));
    await().atMost(Duration.ofSeconds(30)).until(() -> second.log().contains("(attempt 3)"));
    assertThat(tweetsTotal()).as("nothing reaches Redis while it is cut").isEqualTo(atCut);
    redisProxy.restore();
    redisBack.countDown();
    log.info("Redis cut at {} tweets and restored", atCut);

    producing.get(120, TimeUnit.SECONDS);
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertStoreMatches(raw, prefix, truth));
    assertThat(second.isAlive()).isTrue();
  }

  /**
   * Paced so that the stream is still flowing at the kill and during the outage; pauses before the
   * start, at half and at four fifths until the matching gate opens.
   */
  private static void produce(
      EmbeddedKafkaBroker broker, List<Tweet> tweets, List<CountDownLatch> gates) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    List<Integer> pauses = List.of(0, tweets.size() / 2, tweets.size() * 4 / 5);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < tweets.size(); i++) {
        int pause = pauses.indexOf(i);
        if (pause >= 0) {
          CountDownLatch gate = gates.get(pause);
          await().atMost(Duration.ofSeconds(150)).until(() -> gate.getCount() == 0);
        }
        Tweet tweet = tweets.get(i);
        producer.send(
            new ProducerRecord<>(
                "weather-tweets",
                TweetStream.key(tweet),
                tweet.toBuilder()
                    .setAcceptedAtMs(System.currentTimeMillis())
                    .build()
                    .toByteArray()));
        if (i % 4 == 0) {
          producer.flush();
          LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
      }
      producer.flush();
    }
  }
}
