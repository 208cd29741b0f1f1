package io.weathertweets.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Panel;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.proto.v1.Tweet;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * The product's promise, end to end, every service running: a tweet posted over HTTP arrives in
 * both brokers with its id, and every accepted tweet — retries included — is counted exactly once
 * in Redis (Kafka Streams path) and in Valkey (RabbitMQ path), equal to a ground truth computed
 * here with plain loops.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemEndToEndTest {
  static final List<String> MUNICIPALITIES = GroundTruth.MUNICIPALITIES;
  static final List<String> CONDITIONS = GroundTruth.CONDITIONS;

  Path dataDir;
  RunningSystem system;
  CachingConnectionFactory rabbit;
  RabbitAdmin admin;
  RedissonClient redis;
  RedissonClient valkey;

  @BeforeAll
  void start(@TempDir Path dataDir) throws IOException {
    this.dataDir = dataDir;
    // The product's stall limit is 60 s; the rule is the same with a shorter one, and the stall
    // test is quicker.
    system =
        new RunningSystem(
            dataDir, LocalServers.rabbitUri(), Map.of("weather.health.stall-after", "10s"));
    // amqp-client reads a trailing "/" as the empty vhost (Spring Boot reads it as "/"): host and
    // port here.
    rabbit = new CachingConnectionFactory(LocalServers.rabbitHost(), LocalServers.rabbitPort());
    admin = new RabbitAdmin(rabbit);
    redis = StoreClients.create(LocalServers.redisUrl(), false);
    valkey = StoreClients.create(LocalServers.valkeyUrl(), false);
  }

  @AfterAll
  void stop() {
    if (system != null) {
      system.closeAndDeleteRun(admin, redis, valkey);
    }
    if (rabbit != null) {
      rabbit.destroy();
      redis.shutdown();
      valkey.shutdown();
    }
  }

  @Test
  @Order(1)
  void shouldDeliverAPostedTweetToBothBrokersWithItsIdAndFields() {
    Queue tap = admin.declareQueue(); // server-named, exclusive, auto-delete: a tap on the exchange
    admin.declareBinding(
        BindingBuilder.bind(tap).to(new TopicExchange(system.rabbitNames.exchange())).with("#"));
    String id = "e2e-" + system.run + "-first";

    HttpResponse<String> answer =
        system.post(
            "/api/tweet",
            """
        {"id":"%s","municipality":" Mixco ","temperature":-7,"humidity":81,"weather":"FOGGY",
         "timestamp":"2026-11-23T10:15:30Z"}"""
                .formatted(id));

    assertThat(answer.statusCode()).isEqualTo(202);
    assertThat(answer.body()).contains(id).contains("kafka").contains("rabbit");
    Tweet expected =
        Tweet.newBuilder()
            .setId(id)
            .setMunicipality(io.weathertweets.proto.v1.Municipality.MIXCO)
            .setTemperature(-7)
            .setHumidity(81)
            .setCondition(io.weathertweets.proto.v1.Condition.FOGGY)
            .setEventTimeMs(java.time.Instant.parse("2026-11-23T10:15:30Z").toEpochMilli())
            .build();

    try (KafkaConsumer<String, byte[]> consumer = kafkaConsumer()) {
      consumer.subscribe(List.of("weather-tweets"));
      List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.stream().anyMatch(r -> parse(r.value()).getId().equals(id));
              });
      ConsumerRecord<String, byte[]> record =
          seen.stream().filter(r -> parse(r.value()).getId().equals(id)).findFirst().orElseThrow();
      assertThat(record.key()).isEqualTo("mixco");
      assertThat(parse(record.value()).toBuilder().clearAcceptedAtMs().build()).isEqualTo(expected);
    }
    RabbitTemplate template = new RabbitTemplate(rabbit);
    Message message = template.receive(tap.getName(), 10_000);
    assertThat(message)
        .as("message on a queue bound to %s", system.rabbitNames.exchange())
        .isNotNull();
    assertThat(message.getMessageProperties().getMessageId()).isEqualTo(id);
    assertThat(message.getMessageProperties().getReceivedRoutingKey()).isEqualTo("mixco");
    assertThat(parse(message.getBody()).toBuilder().clearAcceptedAtMs().build())
        .isEqualTo(expected);
    admin.deleteQueue(tap.getName());
  }

  @Test
  @Order(2)
  void shouldCountEveryAcceptedTweetExactlyOnceInBothStoresRetriesIncluded() {
    // The first test's tweet, visible on both paths, is where this one starts.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(tweetsTotal(redis)).isEqualTo(1);
              assertThat(tweetsTotal(valkey)).isEqualTo(1);
            });
    Random random = new Random(20261123);
    long start = System.currentTimeMillis() - 240_000;
    List<String> bodies = new ArrayList<>();
    // Ground truth over everything posted in this class (the first test posted one tweet).
    GroundTruth truth = new GroundTruth();
    truth.add("mixco", -7, 81, "foggy");
    int n = 3000;
    for (int i = 0; i < n; i++) {
      String m = MUNICIPALITIES.get(random.nextInt(MUNICIPALITIES.size()));
      int temperature = random.nextInt(111) - 50;
      int humidity = random.nextInt(101);
      String condition = CONDITIONS.get(random.nextInt(CONDITIONS.size()));
      truth.add(m, temperature, humidity, condition);
      bodies.add(
          """
          {"id":"e2e-%s-%d","municipality":"%s","temperature":%d,"humidity":%d,"weather":"%s","timestamp":%d}"""
              .formatted(system.run, i, m, temperature, humidity, condition, start + i * 60L));
    }
    for (int from = 0; from < n; from += 100) {
      HttpResponse<String> answer =
          system.post(
              "/api/tweets", "[" + String.join(",", bodies.subList(from, from + 100)) + "]");
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    }
    // A client that did not see the 202 retries a whole batch with the same ids: counted once on
    // each path.
    HttpResponse<String> retry =
        system.post("/api/tweets", "[" + String.join(",", bodies.subList(500, 600)) + "]");
    assertThat(retry.statusCode()).isEqualTo(202);

    long expectedTotal = n + 1;
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(tweetsTotal(redis)).isEqualTo(expectedTotal);
              assertThat(tweetsTotal(valkey)).isEqualTo(expectedTotal);
            });
    for (RedissonClient store : List.of(redis, valkey)) {
      truth.assertStoreHolds(store, system.prefix);
    }
    HttpResponse<String> compare =
        system.get("/api/compare?window=" + (start - Math.floorMod(start, 60_000) + 60_000));
    assertThat(compare.statusCode()).isEqualTo(200);
    assertThat(compare.body()).contains("\"verdict\":\"equal\"").contains("\"differences\":[]");
  }

  @Test
  @Order(3)
  void shouldShowBothPathsSideBySideOnTheLivePage() throws Exception {
    Path chromium = chromium();
    Path profile = Files.createTempDirectory(dataDir, "chromium");
    Path screenshot = Path.of("target", "live-page.png").toAbsolutePath();
    List<String> flags =
        List.of(
            chromium.toString(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + profile,
            "--window-size=1400,1000",
            "--virtual-time-budget=5000");
    String dom = runChromium(flags, "--dump-dom");
    runChromium(flags, "--screenshot=" + screenshot);

    String mixcoCount =
        redis.<String, String>getMap(system.prefix + ":municipality:mixco").get("count");
    assertThat(dom)
        .contains("Kafka Streams → Redis")
        .contains("RabbitMQ → Valkey")
        .contains("paths agree");
    // Both panels of the chosen municipality show the stored count; every panel of the store's
    // catalogue has a bar for each of its municipalities or conditions, or a figure per extreme.
    assertThat(dom.split("data-field=\"count\">" + mixcoCount + "<", -1)).hasSize(3);
    for (Panel panel : Panel.values()) {
      List<String> names =
          switch (panel.kind()) {
            case PER_MUNICIPALITY -> MUNICIPALITIES;
            case PER_CONDITION -> Condition.ids();
            case EXTREMES -> List.of();
          };
      for (String name : names) {
        assertThat(dom.split("data-bar=\"" + panel.id() + ":" + name + "\"", -1))
            .as("bars of %s for %s", panel.id(), name)
            .hasSize(3);
      }
      for (Panel.Extreme extreme : panel.extremes()) {
        assertThat(dom.split("data-stat=\"" + extreme.figure() + "\"", -1))
            .as("figures of %s", extreme.figure())
            .hasSize(3);
      }
    }
    // Each path says how far behind it is, from its consumer's own report.
    assertThat(dom)
        .containsPattern(
            "data-consumer=\"redis\"[^>]*>Kafka path: (caught up|[0-9,]+ tweets behind)")
        .containsPattern(
            "data-consumer=\"valkey\"[^>]*>RabbitMQ path: (caught up|[0-9,]+ tweets behind)");
    // The chart of mixco's closed windows shows, point for point, what each store's series holds.
    for (String store : List.of("redis", "valkey")) {
      Map<StreamMessageId, Map<String, String>> series =
          (store.equals("redis") ? redis : valkey)
              .<String, String>getStream(system.prefix + ":series:mixco", StringCodec.INSTANCE)
              .range(StreamMessageId.MIN, StreamMessageId.MAX);
      assertThat(series).as("closed windows of mixco in %s", store).isNotEmpty();
      assertThat(dom)
          .contains("data-windows=\"" + store + ":" + Math.min(15, series.size()) + "\"");
      series.entrySet().stream()
          .skip(Math.max(0, series.size() - 15))
          .forEach(
              e ->
                  assertThat(dom)
                      .contains(
                          "data-window=\""
                              + store
                              + ":"
                              + e.getKey().getId0()
                              + "\" data-count=\""
                              + e.getValue().get("count")
                              + "\" data-temperature=\""
                              + e.getValue().get("temperature_avg")
                              + "\" data-humidity=\""
                              + e.getValue().get("humidity_avg")
                              + "\""));
    }
    assertThat(Files.size(screenshot)).isGreaterThan(20_000);
  }

  @Test
  @Order(4)
  void shouldSayWhichPathHasStoppedConsumingOnTheLivePageAndLoseNothing() throws Exception {
    Path chromium = chromium();
    long before = tweetsTotal(redis);
    KafkaStreams streams =
        system
            .standalone
            .service("streams-app")
            .getBean(StreamsBuilderFactoryBean.class)
            .getKafkaStreams();
    streams.pause();
    try {
      StringBuilder batch = new StringBuilder("[");
      long now = System.currentTimeMillis();
      for (int i = 0; i < 200; i++) {
        batch
            .append(i == 0 ? "" : ",")
            .append(
                """
            {"id":"e2e-%s-paused-%d","municipality":"guatemala","temperature":21,"humidity":60,\
            "weather":"CLOUDY","timestamp":%d}"""
                    .formatted(system.run, i, now));
      }
      assertThat(system.post("/api/tweets", batch.append(']').toString()).statusCode())
          .isEqualTo(202);

      // Within the stall limit (10 s here) plus a report interval and a lag refresh, the API names
      // the path.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  assertThat(system.get("/api/compare").body())
                      .containsPattern(
                          "\"stalled\":\"Kafka path \\(streams-app\\) has stopped consuming: [0-9,]+ tweets behind"));
      Path profile = Files.createTempDirectory(dataDir, "chromium-stalled");
      String dom =
          runChromium(
              List.of(
                  chromium.toString(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--user-data-dir=" + profile,
                  "--virtual-time-budget=5000"),
              "--dump-dom");
      assertThat(dom)
          .containsPattern(
              "class=\"consumer stalled\" data-consumer=\"redis\"[^>]*>Kafka path: stopped: "
                  + "[0-9,]+ tweets behind, nothing processed for [0-9]+ s")
          .containsPattern("data-consumer=\"valkey\"[^>]*>RabbitMQ path: caught up")
          .contains("Kafka path stopped consuming");
    } finally {
      streams.resume();
    }
    // Resumed: the backlog is worked off, nothing lost or counted twice, and the path is no longer
    // called stopped.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(tweetsTotal(redis)).isEqualTo(before + 200);
              assertThat(tweetsTotal(valkey)).isEqualTo(before + 200);
              assertThat(system.get("/api/compare").body()).doesNotContain("has stopped consuming");
            });
  }

  private static Path chromium() {
    Path chromium = Path.of("/usr/bin/chromium");
    Assumptions.assumeTrue(
        Files.isExecutable(chromium),
        "needs Debian's chromium at "
            + chromium
            + " to render the live page (apt-get install chromium; .ci/services.sh installs it)");
    return chromium;
  }

  private String runChromium(List<String> flags, String action) throws Exception {
    List<String> command = new ArrayList<>(flags);
    command.add(action);
    command.add(system.ingressUrl("/"));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private long tweetsTotal(RedissonClient store) {
    String total = store.<String, String>getMap(system.prefix + ":meta").get("tweets_total");
    return total == null ? 0 : Long.parseLong(total);
  }

  private KafkaConsumer<String, byte[]> kafkaConsumer() {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-tap-" + system.run);
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private static Tweet parse(byte[] bytes) {
    try {
      return Tweet.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError("not a v1 Tweet", e);
    }
  }
}
