package io.weathertweets.bench;

import ch.qos.logback.classic.Level;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.embedded.FreePorts;
import io.weathertweets.proto.v1.Municipality;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.standalone.infra.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.redisson.api.RedissonClient;
import org.slf4j.LoggerFactory;

/**
 * How fast streams-app alone works off a backlog: an in-process single-node KRaft broker (the
 * standalone launcher's) is filled with {@code tweets} valid, unique tweets on {@code
 * weather-tweets} (6 partitions, key = municipality, every municipality and condition, event times
 * advancing 100 tweets per millisecond like S3's accepted rate), then the streams-app jar is
 * started as its own JVM against that broker and Redis, and the meta hash's {@code tweets_total} is
 * polled until it reaches {@code tweets}. No HTTP, gRPC or load generator shares the CPU, so the
 * figure is the streams path's own ceiling on this machine.
 *
 * <p>Usage: {@code StreamsCatchUp <streams-app-exec.jar> <tweets> <stream-threads> <redis-url>
 * [jvm-option...]}; prints {@code key=value} lines. {@code rate} counts from the first committed
 * figure to the last, so the JVM's and Kafka Streams' start-up is left out; {@code
 * tweets_per_cpu_second} divides by the CPU time the streams JVM used over the same interval (all
 * its threads, JIT and GC included), the figure that stays comparable when other work shares the
 * cores. Both are read at commit boundaries (1 s), hence ±1 s over the interval: use enough tweets
 * for the interval to last well over 10 s. The run's keys (unique prefix) are deleted afterwards;
 * the streams JVM's log is kept under the printed {@code work_dir}.
 */
public final class StreamsCatchUp {
  private static final int PARTITIONS = 6;
  private static final int TWEETS_PER_EVENT_MS = 100;
  private static final Duration POLL = Duration.ofMillis(20);
  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(120);

  private StreamsCatchUp() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "usage: StreamsCatchUp <streams-app-exec.jar> <tweets> <stream-threads> <redis-url> "
              + "[jvm-option...]");
      System.exit(2);
    }
    Path jar = Path.of(args[0]);
    int tweets = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    String redisUrl = args[3];
    List<String> jvmOptions = List.of(args).subList(4, args.length);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          jar + " does not exist: build it with ./mvnw -pl streams-app package");
    }
    // The broker logs through whatever SLF4J finds (Logback here); at its default DEBUG it would
    // cost CPU, and its warnings about a fresh cluster are expected.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.ERROR);

    String runId = UUID.randomUUID().toString().substring(0, 8);
    String prefix = "bench-catchup-" + runId;
    Path work = Files.createTempDirectory("streams-catchup-");
    System.out.println("work_dir=" + work);
    RedissonClient redis = StoreClients.create(redisUrl, false);
    int[] ports = FreePorts.distinct(2);
    try (EmbeddedKafka broker = EmbeddedKafka.start(work.resolve("kafka"), ports[0], ports[1])) {
      long fillStarted = System.nanoTime();
      fill(broker.bootstrapServers(), tweets);
      double fillSeconds = (System.nanoTime() - fillStarted) / 1e9;
      System.out.printf("fill_rate=%.0f%n", tweets / fillSeconds);

      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("streams.log").toFile());
      builder
          .environment()
          .putAll(
              Map.of(
                  "SERVER_PORT",
                  "0",
                  "KAFKA_BOOTSTRAP_SERVERS",
                  broker.bootstrapServers(),
                  "REDIS_URL",
                  redisUrl,
                  "WEATHER_STORE_PREFIX",
                  prefix,
                  "STREAMS_APPLICATION_ID",
                  prefix,
                  "STREAMS_STATE_DIR",
                  work.resolve("streams-state").toString(),
                  "STREAMS_THREADS",
                  Integer.toString(threads)));
      long launched = System.nanoTime();
      Process streams = builder.start();
      try {
        measure(streams, redis.<String, String>getMap(prefix + ":meta"), tweets, launched);
      } finally {
        streams.destroy();
        if (!streams.waitFor(60, TimeUnit.SECONDS)) {
          streams.destroyForcibly().waitFor();
        }
        redis.getKeys().deleteByPattern(prefix + ":*");
      }
    } finally {
      redis.shutdown();
    }
    deleteRecursively(work.resolve("kafka"));
    deleteRecursively(work.resolve("streams-state"));
  }

  private static void measure(Process streams, Map<String, String> meta, int tweets, long launched)
      throws InterruptedException, IOException {
    long firstCount = -1;
    long firstAt = 0;
    long firstCpu = 0;
    long lastCount = 0;
    long lastChange = System.nanoTime();
    while (true) {
      String total = meta.get("tweets_total");
      long now = System.nanoTime();
      long count = total == null ? 0 : Long.parseLong(total);
      if (count != lastCount) {
        lastCount = count;
        lastChange = now;
      }
      if (count > 0 && firstCount < 0) {
        firstCount = count;
        firstAt = now;
        firstCpu = cpuNanos(streams.pid());
        System.out.printf("startup_seconds=%.1f%n", (now - launched) / 1e9);
      }
      if (count >= tweets) {
        double seconds = (now - firstAt) / 1e9;
        double cpuSeconds = (cpuNanos(streams.pid()) - firstCpu) / 1e9;
        System.out.println("counted=" + count);
        System.out.printf("seconds=%.2f%n", seconds);
        System.out.printf("rate=%.0f%n", (count - firstCount) / seconds);
        System.out.printf("cpu_seconds=%.2f%n", cpuSeconds);
        System.out.printf("tweets_per_cpu_second=%.0f%n", (count - firstCount) / cpuSeconds);
        if (count != tweets) {
          throw new IllegalStateException(
              "Redis counts "
                  + count
                  + " tweets, "
                  + tweets
                  + " were written: the Kafka path is not exact");
        }
        return;
      }
      if (!streams.isAlive()) {
        throw new IllegalStateException(
            "streams-app exited with "
                + streams.exitValue()
                + " after counting "
                + count
                + " of "
                + tweets
                + " tweets; see its log in the work directory");
      }
      if (now - lastChange > STALL_TIMEOUT.toNanos()) {
        throw new IllegalStateException(
            "no progress for "
                + STALL_TIMEOUT.toSeconds()
                + " s at "
                + count
                + " of "
                + tweets
                + " tweets; see streams.log in the work directory");
      }
      Thread.sleep(POLL);
    }
  }

  /** utime + stime of the process (all threads) from /proc, in nanoseconds. */
  private static long cpuNanos(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // Fields after the command name (which may contain spaces) start after the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  private static void fill(String bootstrap, int count) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(TweetPath.KAFKA_TOPIC, PARTITIONS, (short) 1)))
          .all()
          .get();
    }
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5);
    SplittableRandom random = new SplittableRandom(20261201L);
    long start = System.currentTimeMillis() - count / TWEETS_PER_EVENT_MS - 60_000;
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        Municipality m = Tweets.MUNICIPALITIES[random.nextInt(Tweets.MUNICIPALITIES.length)];
        long eventMs = start + i / TWEETS_PER_EVENT_MS;
        Tweet tweet =
            Tweet.newBuilder()
                .setId(new UUID(0x0199a1b2c3d47e5fL, 0x8a9b000000000000L | i).toString())
                .setMunicipality(m)
                .setTemperature(random.nextInt(-50, 61))
                .setHumidity(random.nextInt(0, 101))
                .setCondition(Tweets.CONDITIONS[random.nextInt(Tweets.CONDITIONS.length)])
                .setEventTimeMs(eventMs)
                .setAcceptedAtMs(eventMs + 3)
                .build();
        producer.send(
            new ProducerRecord<>(
                TweetPath.KAFKA_TOPIC,
                io.weathertweets.aggregates.Municipality.fromProto(m).id(),
                tweet.toByteArray()));
      }
      producer.flush();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
