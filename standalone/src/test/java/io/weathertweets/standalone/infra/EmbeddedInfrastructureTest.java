package io.weathertweets.standalone.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import io.weathertweets.aggregates.resp.RawResp;
import io.weathertweets.embedded.EmbeddedAmqp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareBatchMessageListener;

/**
 * One embedded system for the class (on free ports), exercised over real connections the way the
 * services use it.
 */
class EmbeddedInfrastructureTest {

  @TempDir static Path dataDir;

  static EmbeddedInfrastructure infra;
  static long startMillis;

  Connection amqp;

  @BeforeAll
  static void startInfrastructure() throws IOException {
    long t = System.nanoTime();
    // No external server given: everything embedded.
    infra = EmbeddedInfrastructure.start(dataDir, Map.of(), InfrastructurePorts.free());
    startMillis = (System.nanoTime() - t) / 1_000_000;
  }

  @AfterAll
  static void stopInfrastructure() {
    if (infra != null) {
      infra.close();
    }
  }

  @BeforeEach
  void emptyTheQueues() throws Exception {
    amqp = amqpConnection("/");
    try (Channel channel = amqp.createChannel()) {
      channel.queuePurge(EmbeddedAmqp.QUEUE);
      channel.queuePurge(EmbeddedAmqp.DEAD_LETTER_QUEUE);
    }
  }

  @org.junit.jupiter.api.AfterEach
  void closeAmqp() throws IOException {
    amqp.close();
  }

  @Test
  void shouldStartEveryPartWithinTheStartupBudget() {
    assertThat(startMillis).as("ms to start all embedded parts").isLessThan(45_000);
    assertThat(infra.embeddedParts())
        .hasSize(4)
        .anyMatch(p -> p.startsWith("Kafka "))
        .anyMatch(p -> p.startsWith("AMQP "))
        .anyMatch(p -> p.startsWith("Redis role"))
        .anyMatch(p -> p.startsWith("Valkey role"));
    assertThat(infra.kafkaBootstrapServers()).startsWith("localhost:");
    assertThat(infra.rabbitUri()).matches("amqp://guest:guest@localhost:\\d+/");
    assertThat(infra.redisUrl()).matches("redis://localhost:\\d+");
    assertThat(infra.valkeyUrl()).matches("redis://localhost:\\d+").isNotEqualTo(infra.redisUrl());
    assertThat(infra.childProcesses())
        .allMatch(ProcessHandle::isAlive)
        .as("two servers, each under its watchdog shell")
        .filteredOn(p -> !p.info().command().orElse("sh").endsWith("sh"))
        .hasSize(2);
    assertThat(dataDir)
        .isDirectoryContaining(p -> p.getFileName().toString().equals("kafka"))
        .isDirectoryContaining(p -> p.getFileName().toString().equals("amqp"));
  }

  @Test
  void shouldCommitATransactionOnTheEmbeddedBroker() {
    String topic = "weather-tweets-" + UUID.randomUUID();
    Map<String, Object> producerConfig =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            infra.kafkaBootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "test-" + UUID.randomUUID(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
      // Fails with a timeout when the transaction coordinator cannot place __transaction_state.
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "mixco", "tweet-1"));
      producer.commitTransaction();
    }

    Map<String, Object> consumerConfig =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            infra.kafkaBootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "test-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class);
    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
              });
      assertThat(consumer.partitionsFor(topic)).as("num.partitions").hasSize(6);
    }
    assertThat(received)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo("mixco");
              assertThat(r.value()).isEqualTo("tweet-1");
            });
  }

  @Test
  void shouldConfirmRouteAndDeliverAPersistentMessageThroughThePreDeclaredTopology()
      throws Exception {
    String id = UUID.randomUUID().toString();
    try (Channel channel = amqp.createChannel()) {
      List<Integer> returned = new CopyOnWriteArrayList<>();
      channel.addReturnListener(r -> returned.add(r.getReplyCode()));
      channel.confirmSelect();
      publish(channel, "mixco", id);
      channel.waitForConfirmsOrDie(5_000);

      List<String> deliveries = new CopyOnWriteArrayList<>();
      channel.basicConsume(
          EmbeddedAmqp.QUEUE,
          false,
          new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                throws IOException {
              deliveries.add(
                  envelope.getRoutingKey()
                      + " "
                      + props.getMessageId()
                      + " "
                      + props.getDeliveryMode()
                      + " "
                      + new String(body, StandardCharsets.UTF_8));
              channel.basicAck(envelope.getDeliveryTag(), false);
            }
          });
      await().atMost(Duration.ofSeconds(10)).until(() -> !deliveries.isEmpty());
      assertThat(deliveries).containsExactly("mixco " + id + " 2 tweet " + id);
      assertThat(returned).as("mandatory returns").isEmpty();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> channel.queueDeclarePassive(EmbeddedAmqp.QUEUE).getMessageCount() == 0);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"basic.reject", "basic.nack"})
  void shouldMoveARejectedMessageToTheDeadLetterQueueAtOnce(String method) throws Exception {
    String id = UUID.randomUUID().toString();
    AtomicInteger deliveries = new AtomicInteger();
    try (Channel channel = amqp.createChannel()) {
      channel.confirmSelect();
      publish(channel, "guatemala", id);
      channel.waitForConfirmsOrDie(5_000);
      channel.basicConsume(
          EmbeddedAmqp.QUEUE,
          false,
          new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                throws IOException {
              deliveries.incrementAndGet();
              // What Spring AMQP sends for a listener failure with requeue-rejected=false.
              if (method.equals("basic.reject")) {
                channel.basicReject(envelope.getDeliveryTag(), false);
              } else {
                channel.basicNack(envelope.getDeliveryTag(), false, false);
              }
            }
          });
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThat(
                          channel
                              .queueDeclarePassive(EmbeddedAmqp.DEAD_LETTER_QUEUE)
                              .getMessageCount())
                      .as("dead letters after %d deliveries", deliveries.get())
                      .isEqualTo(1));
    }
    assertThat(deliveries)
        .as("deliveries before dead-lettering, as with RabbitMQ's dead-letter exchange")
        .hasValue(1);
    try (Channel channel = amqp.createChannel()) {
      GetResponse dead = channel.basicGet(EmbeddedAmqp.DEAD_LETTER_QUEUE, true);
      assertThat(dead.getProps().getMessageId()).isEqualTo(id);
      assertThat(channel.queueDeclarePassive(EmbeddedAmqp.QUEUE).getMessageCount()).isZero();
    }
  }

  /**
   * The gateway's publishing (correlated confirms, mandatory returns) and the bridge's consuming
   * (batches, manual acks: one poison message rejected, then one multiple ack up to the last tag),
   * through Spring AMQP.
   */
  @Test
  void shouldServeTheGatewayAndBridgeWayOfUsingAmqp() throws Exception {
    CachingConnectionFactory connectionFactory =
        new CachingConnectionFactory(URI.create(infra.rabbitUri()));
    connectionFactory.setVirtualHost("/"); // what Spring Boot makes of the URI's trailing "/"
    connectionFactory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
    connectionFactory.setPublisherReturns(true);
    SimpleMessageListenerContainer container =
        new SimpleMessageListenerContainer(connectionFactory);
    try {
      RabbitTemplate template = new RabbitTemplate(connectionFactory);
      template.setMandatory(true);
      List<String> returned = new CopyOnWriteArrayList<>();
      template.setReturnsCallback(r -> returned.add(r.getReplyText()));
      List<CorrelationData> confirms = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        CorrelationData correlation = new CorrelationData("tweet-" + i);
        MessageProperties props = new MessageProperties();
        props.setMessageId("tweet-" + i);
        props.setContentType("application/x-protobuf");
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        template.send(
            EmbeddedAmqp.EXCHANGE,
            "mixco",
            new Message(("tweet " + i).getBytes(StandardCharsets.UTF_8), props),
            correlation);
        confirms.add(correlation);
      }
      for (CorrelationData confirm : confirms) {
        assertThat(confirm.getFuture().get(10, TimeUnit.SECONDS).ack()).isTrue();
      }
      assertThat(returned).isEmpty();

      List<String> handled = new CopyOnWriteArrayList<>();
      container.setQueueNames(EmbeddedAmqp.QUEUE);
      container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
      container.setConsumerBatchEnabled(true);
      container.setBatchSize(20);
      container.setPrefetchCount(50);
      container.setReceiveTimeout(100);
      container.setMissingQueuesFatal(true);
      container.setMessageListener(
          (ChannelAwareBatchMessageListener)
              (messages, channel) -> {
                try {
                  for (Message m : messages) {
                    long tag = m.getMessageProperties().getDeliveryTag();
                    if ("tweet-7".equals(m.getMessageProperties().getMessageId())) {
                      channel.basicReject(tag, false);
                    } else {
                      handled.add(m.getMessageProperties().getMessageId());
                    }
                  }
                  channel.basicAck(
                      messages.getLast().getMessageProperties().getDeliveryTag(), true);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      container.start();

      await().atMost(Duration.ofSeconds(15)).until(() -> handled.size() >= 49);
      try (Channel channel = amqp.createChannel()) {
        await()
            .atMost(Duration.ofSeconds(5))
            .untilAsserted(
                () -> {
                  assertThat(
                          channel
                              .queueDeclarePassive(EmbeddedAmqp.DEAD_LETTER_QUEUE)
                              .getMessageCount())
                      .as("the poison message")
                      .isEqualTo(1);
                  assertThat(channel.queueDeclarePassive(EmbeddedAmqp.QUEUE).getMessageCount())
                      .isZero();
                });
      }
      container.stop();
      assertThat(handled).hasSize(49).doesNotHaveDuplicates().doesNotContain("tweet-7");
    } finally {
      container.stop();
      connectionFactory.destroy();
    }
  }

  @Test
  void shouldAcceptTheUriAsRabbitMqClientsParseIt() throws Exception {
    // amqp-client reads the trailing "/" as the empty virtual host, Spring Boot as "/": both must
    // connect.
    try (Connection connection = amqpConnection(null)) {
      assertThat(connection.isOpen()).isTrue();
    }
  }

  @Test
  void shouldServeSetAndGetOnBothRedisProtocolServers() throws IOException {
    String key = "standalone-test:" + UUID.randomUUID();
    for (String url : List.of(infra.redisUrl(), infra.valkeyUrl())) {
      try (RawResp client = RawResp.connect(url)) {
        assertThat(client.text("SET", key, url)).isEqualTo("OK");
        assertThat(client.text("GET", key)).isEqualTo(url);
        assertThat(client.text("INFO", "persistence")).contains("aof_enabled:1");
      }
    }
  }

  @Test
  void shouldRunRealValkeyInTheValkeyRoleWhenItIsOnThePath() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        onPath("valkey-server"), "valkey-server is not installed");
    try (RawResp client = RawResp.connect(infra.valkeyUrl())) {
      assertThat(client.text("INFO", "server")).contains("valkey_version");
    }
    assertThat(infra.embeddedParts())
        .anyMatch(p -> p.startsWith("Valkey role: valkey-server from PATH"));
  }

  private static boolean onPath(String name) {
    return java.util.Arrays.stream(System.getenv("PATH").split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, name)));
  }

  private static void publish(Channel channel, String municipality, String id) throws IOException {
    AMQP.BasicProperties props =
        new AMQP.BasicProperties.Builder()
            .contentType("application/x-protobuf")
            .deliveryMode(2)
            .messageId(id)
            .build();
    channel.basicPublish(
        EmbeddedAmqp.EXCHANGE,
        municipality,
        true,
        props,
        ("tweet " + id).getBytes(StandardCharsets.UTF_8));
  }

  private static Connection amqpConnection(String virtualHost) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(infra.rabbitUri());
    if (virtualHost != null) {
      factory.setVirtualHost(virtualHost);
    }
    factory.setConnectionTimeout((int) TimeUnit.SECONDS.toMillis(5));
    return factory.newConnection("standalone-test");
  }
}
