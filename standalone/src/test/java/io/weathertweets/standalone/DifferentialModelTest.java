package io.weathertweets.standalone;

import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.aggregates.WindowSpec;
import io.weathertweets.aggregates.differential.HostileSequences;
import io.weathertweets.embedded.LocalServers;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Both paths against one plain reference model, on the whole system in one JVM and without faults:
 * the seeded hostile sequences of {@link HostileSequences} go through the real ingress (or the
 * brokers) to the real Kafka Streams and RabbitMQ paths, and after each sequence every figure of
 * both stores must equal the model. The same sequences with restarts, kill -9, state wipes and
 * store outages in between run in the fault suite ({@code FaultSuiteIT}).
 *
 * <p>A failure names the seed; {@code -Dweather.model.seeds=<seeds>} reproduces it, {@code
 * -Dweather.model.sequences=<n>} sets how many run (default 12).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DifferentialModelTest {
  private static final Logger log = LoggerFactory.getLogger(DifferentialModelTest.class);

  private RunningSystem system;
  private RedissonClient redis;
  private RedissonClient valkey;
  private CachingConnectionFactory rabbit;
  private RabbitAdmin admin;

  @BeforeAll
  void start(@TempDir Path dataDir) throws IOException {
    system = new RunningSystem(dataDir, LocalServers.rabbitUri());
    redis = StoreClients.create(LocalServers.redisUrl(), false);
    valkey = StoreClients.create(LocalServers.valkeyUrl(), false);
    rabbit = new CachingConnectionFactory(LocalServers.rabbitHost(), LocalServers.rabbitPort());
    admin = new RabbitAdmin(rabbit);
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
    List<Long> seeds = HostileSequences.seeds(12);
    HostileSequences sequences = new HostileSequences(WindowSpec.DEFAULT, edge(), seeds.size());
    StoreLayout layout = new StoreLayout(system.prefix);
    List<HostileSequences.Store> stores =
        List.of(
            new HostileSequences.Store("Redis (Kafka path)", redis, layout),
            new HostileSequences.Store("Valkey (RabbitMQ path)", valkey, layout));
    for (int i = 0; i < seeds.size(); i++) {
      Random random = new Random(seeds.get(i));
      try {
        sequences.send(random, HostileSequences.operations(random));
        if (i == seeds.size() - 1) {
          sequences.sendAheadOfTheClock(random);
        }
        sequences.awaitStoresEqualModel(Duration.ofSeconds(90), Duration.ZERO, stores);
      } catch (AssertionError e) {
        throw HostileSequences.failure(seeds, i, e.getMessage(), e);
      }
      log.info(
          "seed {}: both stores equal the model ({} tweets counted)",
          seeds.get(i),
          sequences.model().tweetsTotal());
    }
  }

  /**
   * The ingress of the running system, and its Kafka broker and RabbitMQ exchange for records past
   * the edge.
   */
  private HostileSequences.Edge edge() {
    RabbitTemplate template = new RabbitTemplate(rabbit);
    return new HostileSequences.Edge() {
      @Override
      public HostileSequences.Answer post(String path, String json) {
        HttpResponse<String> answer = system.post(path, json);
        return new HostileSequences.Answer(answer.statusCode(), answer.body());
      }

      @Override
      public void publishPastTheEdge(Municipality m, byte[] tweet) {
        try (KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
          producer.send(new ProducerRecord<>("weather-tweets", m.id(), tweet)).get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while publishing to Kafka past the edge", e);
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("could not publish to Kafka past the edge", e);
        }
        template.send(
            system.rabbitNames.exchange(), m.id(), MessageBuilder.withBody(tweet).build());
      }
    };
  }
}
