package io.weathertweets.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.ReferenceModel;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.StoreReader;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.proto.v1.Tweet;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Both paths against one plain reference model ({@link ReferenceModel}): random sequences of tweets — out of
 * order, late beyond grace, bursts on window edges, exact retries, the same id in another municipality, the same
 * (municipality, id) with other figures, hostile timestamps the edge must refuse, and records stamped far ahead
 * that bypassed the edge and reach each broker directly — go through the real ingress (or the brokers) to the
 * real Kafka Streams and RabbitMQ paths. After each sequence every figure of both stores (all-time hashes, panel
 * hashes, every window hash, every series entry) must equal the model, and so each other.
 *
 * <p>Sequences are seeded: a failure names the seed, which reproduces it with {@code -Dweather.model.seeds=<seed>}.
 * {@code -Dweather.model.sequences=<n>} sets how many run (default 12).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DifferentialModelTest {
  private static final Logger log = LoggerFactory.getLogger(DifferentialModelTest.class);
  private static final WindowSpec WINDOW = WindowSpec.DEFAULT;
  private static final Municipality[] MUNICIPALITIES = Municipality.values();
  private static final Condition[] CONDITIONS = Condition.values();

  private RunningSystem system;
  private RedissonClient redis;
  private RedissonClient valkey;
  private CachingConnectionFactory rabbit;
  private RabbitAdmin admin;
  private final ReferenceModel model = new ReferenceModel(WINDOW);
  private final List<String> accepted = new ArrayList<>();  // JSON bodies accepted, for exact retries
  private final List<String[]> identities = new ArrayList<>();  // {municipality, id} of accepted tweets
  private long cursor;
  private int nextId;

  @BeforeAll
  void start(@TempDir Path dataDir) throws IOException {
    system = new RunningSystem(dataDir, LocalServers.rabbitUri());
    redis = StoreClients.create(LocalServers.redisUrl(), false);
    valkey = StoreClients.create(LocalServers.valkeyUrl(), false);
    rabbit = new CachingConnectionFactory(LocalServers.rabbitHost(), LocalServers.rabbitPort());
    admin = new RabbitAdmin(rabbit);
    // Event times move forward from an hour ago and stay behind the clock: nothing valid is refused as future.
    cursor = (System.currentTimeMillis() / 60_000 - 60) * 60_000;
  }

  @AfterAll
  void stop() {
    if (system != null) {
      system.closeAndDeleteRun(admin, redis, valkey);
      rabbit.destroy();
      redis.shutdown();
      valkey.shutdown();
    }
  }

  @Test
  void bothStoresEqualTheReferenceModelAfterEverySequence() {
    List<Long> seeds = seeds();
    for (int i = 0; i < seeds.size(); i++) {
      long seed = seeds.get(i);
      runSequence(new Random(seed), i == seeds.size() - 1);
      StoreLayout layout = new StoreLayout(system.prefix);
      try {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
          assertEqualsModel("Redis (Kafka path)", new StoreReader(redis, layout), redis);
          assertEqualsModel("Valkey (RabbitMQ path)", new StoreReader(valkey, layout), valkey);
        });
      } catch (AssertionError e) {
        throw new AssertionError("sequence with seed " + seed + " (reproduce with -Dweather.model.seeds=" + seed
            + "): " + e.getMessage(), e);
      }
      log.info("seed {}: both stores equal the model ({} tweets counted)", seed, model.tweetsTotal());
    }
  }

  private static List<Long> seeds() {
    String given = System.getProperty("weather.model.seeds");
    if (given != null && !given.isBlank()) {
      return java.util.Arrays.stream(given.split(",")).map(String::trim).map(Long::parseLong).toList();
    }
    int count = Integer.getInteger("weather.model.sequences", 12);
    long base = new Random().nextLong();
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      seeds.add(base + i);
    }
    return seeds;
  }

  /** One sequence of 20–40 operations. The last one also sends a tweet a couple of minutes ahead (tolerated). */
  private void runSequence(Random random, boolean last) {
    int operations = 20 + random.nextInt(21);
    for (int op = 0; op < operations; op++) {
      int dice = random.nextInt(100);
      if (dice < 55) {
        sendNew(random, randomMunicipality(random), "t" + nextId++, cursor + offset(random));
      } else if (dice < 65 && !accepted.isEmpty()) {
        // An exact retry of something accepted earlier: counts once.
        String body = accepted.get(random.nextInt(accepted.size()));
        assertThat(system.post("/api/tweet", body).statusCode()).isEqualTo(202);
      } else if (dice < 72 && !identities.isEmpty()) {
        // A known id for another municipality: another tweet.
        String[] known = identities.get(random.nextInt(identities.size()));
        Municipality other = MUNICIPALITIES[(Municipality.parse(known[0]).orElseThrow().ordinal() + 1
            + random.nextInt(MUNICIPALITIES.length - 1)) % MUNICIPALITIES.length];
        sendNew(random, other, known[1], cursor + offset(random));
      } else if (dice < 77 && !identities.isEmpty()) {
        // A known (municipality, id) with other figures: a duplicate, changes nothing.
        String[] known = identities.get(random.nextInt(identities.size()));
        sendNew(random, Municipality.parse(known[0]).orElseThrow(), known[1], cursor + offset(random));
      } else if (dice < 82) {
        sendHostileTimestamp(random);
      } else if (dice < 89) {
        sendBatch(random);
      } else if (dice < 95) {
        // A burst on a window edge: the last millisecond of a window and the first of the next.
        long edge = WINDOW.windowStart(cursor) + WINDOW.sizeMs();
        Municipality m = randomMunicipality(random);
        sendNew(random, m, "t" + nextId++, edge - 1);
        sendNew(random, m, "t" + nextId++, edge);
      } else {
        bypassTheEdgeWithAFutureRecord(random);
      }
      cursor += random.nextInt(6_000);
    }
    if (last) {
      sendNew(random, randomMunicipality(random), "t" + nextId++, System.currentTimeMillis() + 120_000);
    }
  }

  /** Mostly near the cursor, sometimes minutes behind it: late beyond the 10 s grace. */
  private static long offset(Random random) {
    return random.nextInt(10) < 7 ? random.nextInt(20_000) - 15_000 : -random.nextInt(180_000);
  }

  private static Municipality randomMunicipality(Random random) {
    return MUNICIPALITIES[random.nextInt(MUNICIPALITIES.length)];
  }

  private void sendNew(Random random, Municipality m, String id, long eventMs) {
    int temperature = random.nextInt(111) - 50;
    int humidity = random.nextInt(101);
    Condition condition = CONDITIONS[random.nextInt(CONDITIONS.length)];
    String body = json(m, id, temperature, humidity, condition, eventMs);
    HttpResponse<String> answer = system.post("/api/tweet", body);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    accepted.add(body);
    if (model.accept(m, id, temperature, humidity, condition, eventMs) != ReferenceModel.Outcome.DUPLICATE) {
      identities.add(new String[] {m.id(), id});
    }
  }

  private void sendBatch(Random random) {
    int size = 2 + random.nextInt(4);
    StringBuilder body = new StringBuilder("[");
    List<Runnable> toModel = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Municipality m = randomMunicipality(random);
      String id = "t" + nextId++;
      int temperature = random.nextInt(111) - 50;
      int humidity = random.nextInt(101);
      Condition condition = CONDITIONS[random.nextInt(CONDITIONS.length)];
      long eventMs = cursor + offset(random);
      body.append(i == 0 ? "" : ",").append(json(m, id, temperature, humidity, condition, eventMs));
      toModel.add(() -> {
        model.accept(m, id, temperature, humidity, condition, eventMs);
        identities.add(new String[] {m.id(), id});
      });
    }
    HttpResponse<String> answer = system.post("/api/tweets", body.append("]").toString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    toModel.forEach(Runnable::run);
  }

  private void sendHostileTimestamp(Random random) {
    String timestamp = switch (random.nextInt(4)) {
      case 0 -> Long.toString(System.currentTimeMillis() + 2 * 3_600_000L);
      case 1 -> "\"9999-12-31T23:59:59Z\"";
      case 2 -> "\"1999-12-31T23:59:59Z\"";
      default -> Long.toString(Long.MAX_VALUE);
    };
    HttpResponse<String> answer = system.post("/api/tweet", """
        {"id":"hostile-%d","municipality":"mixco","temperature":20,"humidity":50,"weather":"sunny","timestamp":%s}"""
        .formatted(nextId++, timestamp));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
    assertThat(answer.body()).contains("timestamp");
  }

  /**
   * A record stamped two hours ahead of its acceptance that reached each broker without the edge's check (another
   * producer, an older gateway): each consumer dead-letters it, and nothing else moves.
   */
  private void bypassTheEdgeWithAFutureRecord(Random random) {
    long now = System.currentTimeMillis();
    Municipality m = randomMunicipality(random);
    Tweet tweet = Tweet.newBuilder().setId("bypass-" + nextId++).setMunicipality(m.toProto()).setTemperature(20)
        .setHumidity(50).setCondition(Condition.SUNNY.toProto()).setEventTimeMs(now + 2 * 3_600_000L)
        .setAcceptedAtMs(now).build();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrapServers()), new StringSerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("weather-tweets", m.id(), tweet.toByteArray()));
      producer.flush();
    }
    new RabbitTemplate(rabbit).send(system.exchange, m.id(),
        MessageBuilder.withBody(tweet.toByteArray()).build());
  }

  private static String json(Municipality m, String id, int temperature, int humidity, Condition condition,
      long eventMs) {
    return """
        {"id":"%s","municipality":"%s","temperature":%d,"humidity":%d,"weather":"%s","timestamp":%d}"""
        .formatted(id, m.id(), temperature, humidity, condition.id(), eventMs);
  }

  private void assertEqualsModel(String store, StoreReader reader, RedissonClient client) {
    StoreLayout layout = reader.layout();
    assertThat(reader.meta().get("tweets_total")).as("%s tweets_total", store)
        .isEqualTo(Long.toString(model.tweetsTotal()));
    Map<Municipality, Aggregate> allTime = new TreeMap<>();
    reader.allTime().forEach((m, a) -> allTime.put(m, a.figures()));
    Map<Municipality, Aggregate> expectedAllTime = new TreeMap<>();
    model.allTime().forEach((m, a) -> expectedAllTime.put(m, a.figures()));
    assertThat(allTime).as("%s all-time figures", store).isEqualTo(expectedAllTime);
    model.overview().panelHashes(layout).forEach((key, fields) ->
        assertThat(reader.hash(key)).as("%s panel hash %s", store, key).isEqualTo(fields));
    for (Municipality m : MUNICIPALITIES) {
      Map<Long, Aggregate> expectedWindows = model.windows(m);
      Set<Long> windowsInStore = client.getKeys().getKeysStreamByPattern(layout.window(m, 0).replaceFirst("0$", "*"))
          .map(key -> Long.parseLong(key.substring(key.lastIndexOf(':') + 1)))
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(windowsInStore).as("%s windows of %s", store, m.id())
          .isEqualTo(new TreeSet<>(expectedWindows.keySet()));
      expectedWindows.forEach((start, a) -> assertThat(reader.window(m, start).figures())
          .as("%s window %s@%d", store, m.id(), start).isEqualTo(a.figures()));
      Map<Long, Aggregate> series = new TreeMap<>();
      reader.series(m).forEach((start, a) -> series.put(start, a.figures()));
      Map<Long, Aggregate> expectedSeries = new TreeMap<>();
      model.closedWindows(m).forEach((start, a) -> expectedSeries.put(start, a.figures()));
      assertThat(series).as("%s series of %s", store, m.id()).isEqualTo(expectedSeries);
    }
  }
}
