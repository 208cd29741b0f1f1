package io.weathertweets.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.embedded.LocalServers;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;

/**
 * RabbitMQ unreachable while Kafka works: the ingress never answers 202, names the path that
 * failed, returns the tweet id; the retries a client makes with that id are counted once on the
 * path that did take them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerOutageEndToEndTest {
  RunningSystem system;
  RedissonClient redis;

  @BeforeAll
  void start(@TempDir Path dataDir) throws IOException {
    // Nothing listens on port 1: every connection attempt is refused at once.
    system = new RunningSystem(dataDir, "amqp://guest:guest@127.0.0.1:1/");
    redis = StoreClients.create(LocalServers.redisUrl(), false);
  }

  @AfterAll
  void stop() {
    if (system != null) {
      system.close();
      redis.getKeys().deleteByPattern(system.prefix + ":*");
      redis.shutdown();
    }
  }

  @Test
  void shouldAnswer503NamingTheRabbitPathAndCountRetriesOnceOnTheKafkaPath() {
    String id = "outage-" + system.run;
    String body =
        """
        {"id":"%s","municipality":"chinautla","temperature":19,"humidity":64,"weather":"rainy"}"""
            .formatted(id);

    for (int attempt = 0; attempt < 3; attempt++) {
      HttpResponse<String> answer = system.post("/api/tweet", body);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
      assertThat(answer.headers().firstValue("Retry-After")).isPresent();
      assertThat(answer.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
      assertThat(answer.body()).contains("\"failedPaths\":[\"rabbit\"]").contains(id);
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        redis.<String, String>getMap(system.prefix + ":meta").get("tweets_total"))
                    .isEqualTo("1"));
    assertThat(redis.<String, String>getMap(system.prefix + ":municipality:chinautla").get("rainy"))
        .isEqualTo("1");
    // The rabbit gateway tells the truth about its broker; the kafka gateway is ready.
    int rabbitGateway = system.standalone.ports().rabbitGatewayHttp();
    int kafkaGateway = system.standalone.ports().kafkaGatewayHttp();
    assertThat(system.get(rabbitGateway, "/actuator/health/readiness").statusCode()).isEqualTo(503);
    assertThat(system.get(kafkaGateway, "/actuator/health/readiness").statusCode()).isEqualTo(200);
  }
}
