package io.weathertweets.standalone.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.weathertweets.aggregates.resp.RawResp;
import io.weathertweets.embedded.EmbeddedAmqp;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedInfrastructureLifecycleTest {

  @TempDir Path dataDir;

  @Test
  void shouldLeaveNoProcessNorPortBehindAndKeepDataAcrossARestart() throws Exception {
    InfrastructurePorts ports = InfrastructurePorts.free();
    List<ProcessHandle> children;
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.start(dataDir, Map.of(), ports)) {
      children = infra.childProcesses();
      assertThat(children).hasSizeGreaterThanOrEqualTo(2).allMatch(ProcessHandle::isAlive);
      try (RawResp redis = RawResp.connect(infra.redisUrl());
          RawResp valkey = RawResp.connect(infra.valkeyUrl())) {
        redis.text("SET", "standalone-test:kept", "redis");
        valkey.text("SET", "standalone-test:kept", "valkey");
      }
      try (Connection connection = amqp(infra);
          Channel channel = connection.createChannel()) {
        channel.confirmSelect();
        channel.basicPublish(
            EmbeddedAmqp.EXCHANGE,
            "mixco",
            true,
            new AMQP.BasicProperties.Builder().deliveryMode(2).messageId("kept").build(),
            "kept".getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(5_000);
      }
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers(),
                  ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                  ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
        producer
            .send(new ProducerRecord<>("standalone-kept", "mixco", "kept"))
            .get(30, TimeUnit.SECONDS);
      }
    }

    assertThat(children).noneMatch(ProcessHandle::isAlive);
    for (int port :
        List.of(
            ports.kafka(), ports.kafkaController(), ports.amqp(), ports.redis(), ports.valkey())) {
      // Free means we can listen on it ourselves, as the next start will.
      await().atMost(Duration.ofSeconds(5)).until(() -> !PortGuard.isInUse(port));
    }

    try (EmbeddedInfrastructure again = EmbeddedInfrastructure.start(dataDir, Map.of(), ports)) {
      try (RawResp redis = RawResp.connect(again.redisUrl());
          RawResp valkey = RawResp.connect(again.valkeyUrl())) {
        assertThat(redis.text("GET", "standalone-test:kept"))
            .as("Redis AOF replayed")
            .isEqualTo("redis");
        assertThat(valkey.text("GET", "standalone-test:kept"))
            .as("Valkey AOF replayed")
            .isEqualTo("valkey");
      }
      try (Connection connection = amqp(again);
          Channel channel = connection.createChannel()) {
        GetResponse kept = channel.basicGet(EmbeddedAmqp.QUEUE, true);
        assertThat(kept).as("persistent message in the Derby store").isNotNull();
        assertThat(kept.getProps().getMessageId()).isEqualTo("kept");
      }
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  again.kafkaBootstrapServers(),
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "standalone-lifecycle-test",
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                  "earliest",
                  ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                  StringDeserializer.class,
                  ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                  StringDeserializer.class))) {
        consumer.subscribe(List.of("standalone-kept"));
        List<String> values = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                  return !values.isEmpty();
                });
        assertThat(values).as("record in the Kafka log").containsExactly("kept");
      }
    }
  }

  @Test
  void shouldUseTheGivenServersAndStartNothing() throws Exception {
    Map<String, String> env =
        Map.of(
            EmbeddedInfrastructure.KAFKA_ENV, "kafka.example:9092",
            EmbeddedInfrastructure.RABBIT_ENV, "amqp://guest:guest@localhost:5672/",
            EmbeddedInfrastructure.REDIS_ENV, "redis://127.0.0.1:6379",
            EmbeddedInfrastructure.VALKEY_ENV, "redis://127.0.0.1:6380");
    // Default ports: those real servers hold them on this machine, and given variables must skip
    // the check.
    try (EmbeddedInfrastructure infra =
        EmbeddedInfrastructure.start(dataDir, env, InfrastructurePorts.defaults())) {
      assertThat(infra.embeddedParts()).isEmpty();
      assertThat(infra.childProcesses()).isEmpty();
      assertThat(infra.asEnvironment()).isEqualTo(env);
    }
    assertThat(dataDir).isEmptyDirectory();
  }

  @Test
  void shouldStartOnlyThePartsThatAreNotGiven() throws Exception {
    InfrastructurePorts ports = InfrastructurePorts.free();
    Map<String, String> env =
        Map.of(
            EmbeddedInfrastructure.KAFKA_ENV, "kafka.example:9092",
            EmbeddedInfrastructure.RABBIT_ENV, "amqp://guest:guest@localhost:5672/",
            EmbeddedInfrastructure.REDIS_ENV, " ",
            EmbeddedInfrastructure.VALKEY_ENV, "redis://127.0.0.1:6380");
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.start(dataDir, env, ports)) {
      assertThat(infra.embeddedParts()).singleElement().asString().startsWith("Redis role");
      assertThat(infra.redisUrl())
          .as("a blank variable counts as unset")
          .isEqualTo("redis://localhost:" + ports.redis());
      assertThat(infra.valkeyUrl()).isEqualTo("redis://127.0.0.1:6380");
      try (RawResp redis = RawResp.connect(infra.redisUrl())) {
        assertThat(redis.text("PING")).isEqualTo("PONG");
      }
    }
  }

  @Test
  void shouldFailFastNamingTheVariableForEveryTakenPort() throws Exception {
    InfrastructurePorts free = InfrastructurePorts.free();
    try (ServerSocket rabbit = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket valkey = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InfrastructurePorts ports =
          new InfrastructurePorts(
              free.kafka(),
              free.kafkaController(),
              rabbit.getLocalPort(),
              free.redis(),
              valkey.getLocalPort());
      assertThatThrownBy(() -> EmbeddedInfrastructure.start(dataDir, Map.of(), ports))
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining("port " + rabbit.getLocalPort() + " is in use")
          .hasMessageContaining(
              "set RABBITMQ_URI=amqp://guest:guest@localhost:"
                  + rabbit.getLocalPort()
                  + "/ to use that broker")
          .hasMessageContaining("port " + valkey.getLocalPort() + " is in use")
          .hasMessageContaining("set VALKEY_URL=redis://localhost:" + valkey.getLocalPort())
          .hasMessageNotContaining("REDIS_URL")
          .extracting(e -> ((PortInUseException) e).port())
          .isEqualTo(rabbit.getLocalPort());
    }
    assertThat(PortGuard.isInUse(free.kafka())).as("nothing was started").isFalse();
    assertThat(dataDir).isEmptyDirectory();
  }

  private static Connection amqp(EmbeddedInfrastructure infra) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(infra.rabbitUri());
    factory.setVirtualHost("/");
    return factory.newConnection("standalone-lifecycle-test");
  }
}
