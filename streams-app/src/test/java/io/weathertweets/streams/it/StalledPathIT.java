package io.weathertweets.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.resp.RawResp;
import io.weathertweets.embedded.FreePorts;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.embedded.TcpProxy;
import io.weathertweets.proto.v1.Tweet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * A path that has stopped consuming is loud within a minute: with Redis cut off, tweets keep
 * arriving and the stream thread waits on the store; the streams-app's health turns DOWN and says
 * how far behind it is, then UP again once Redis is back and the backlog is worked off.
 */
@EmbeddedKafka(
    partitions = 6,
    topics = {"weather-tweets", "weather-aggregates", "weather-tweets-dlq"},
    brokerProperties = {
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "group.initial.rebalance.delay.ms=0"
    })
class StalledPathIT {
  private final String prefix = "wt-stalled-" + UUID.randomUUID();
  private final TcpProxy redisProxy =
      new TcpProxy(LocalServers.redisHost(), LocalServers.redisPort());
  private final RawResp raw = RawResp.connect(LocalServers.redisUrl());
  private final HttpClient http = HttpClient.newHttpClient();
  private ChildStreamsApp app;

  @AfterEach
  void cleanUp() throws InterruptedException {
    if (app != null) {
      app.close();
    }
    redisProxy.close();
    raw.deleteAll(prefix);
    raw.close();
  }

  @Test
  void shouldTurnHealthDownWithTheReasonWhenThePathStopsConsuming(EmbeddedKafkaBroker broker)
      throws Exception {
    int port = FreePorts.one();
    Path work = Files.createDirectories(Path.of("target", "stalled-it", prefix));
    app =
        new ChildStreamsApp(
            work.resolve("app.log"),
            "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
            "--spring.kafka.streams.application-id=weather-stalled-" + UUID.randomUUID(),
            "--spring.kafka.streams.state-dir=" + work.resolve("state").toAbsolutePath(),
            "--weather.store.prefix=" + prefix,
            "--weather.store.url=redis://127.0.0.1:" + redisProxy.port(),
            "--weather.store.timeout=1s",
            "--weather.retry.max-backoff=1s",
            // The product default is 60 s; the rule is the same with a shorter limit, and the test
            // is quicker.
            "--weather.health.stall-after=20s",
            "--server.port=" + port);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> app.log().contains("REBALANCING -> RUNNING"));
    produce(broker, 0, 5);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "5".equals(raw.hgetall(prefix + ":meta").get("tweets_total")));
    assertThat(health(port).statusCode()).isEqualTo(200);

    redisProxy.cut();
    produce(broker, 5, 200);
    long cutAt = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(100))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> health(port).statusCode() == 503);
    long secondsToDown = (System.nanoTime() - cutAt) / 1_000_000_000;
    String body = health(port).body();
    assertThat(body)
        .contains("Kafka path (streams-app) has stopped consuming")
        .contains("tweets behind")
        .contains("\"threadFailures\":");
    assertThat(secondsToDown).as("seconds until health said so").isLessThanOrEqualTo(40L);

    System.out.printf("health DOWN %d s after Redis was cut: %s%n", secondsToDown, body);

    // Back: the thread that waited past the transaction timeout is fenced, rejoins and replays;
    // nothing is lost.
    redisProxy.restore();
    await().atMost(Duration.ofSeconds(120)).until(() -> health(port).statusCode() == 200);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> "200".equals(raw.hgetall(prefix + ":meta").get("tweets_total")));
    // Its report in Redis, what the live page and loadgen read, says so too.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(raw.hgetall(prefix + ":consumer"))
                    .containsEntry("consumer", "streams-app")
                    .containsEntry("lag", "0")
                    .containsEntry("stalled", ""));
  }

  private HttpResponse<String> health(int port) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void produce(EmbeddedKafkaBroker broker, int from, int to) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.getBrokersAsString(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      long now = System.currentTimeMillis();
      for (int i = from; i < to; i++) {
        Municipality m = Municipality.values()[i % Municipality.values().length];
        Tweet tweet =
            Tweet.newBuilder()
                .setId("s-" + i)
                .setMunicipality(m.toProto())
                .setTemperature(20)
                .setHumidity(50)
                .setCondition(Condition.SUNNY.toProto())
                .setEventTimeMs(now + i)
                .setAcceptedAtMs(now)
                .build();
        producer.send(new ProducerRecord<>("weather-tweets", m.id(), tweet.toByteArray()));
      }
      producer.flush();
    }
  }
}
