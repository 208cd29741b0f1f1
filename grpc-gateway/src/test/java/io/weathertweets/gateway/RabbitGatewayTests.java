package io.weathertweets.gateway;

import static io.weathertweets.gateway.TestTweets.tweet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.proto.course.Municipalities;
import io.weathertweets.proto.course.WeatherTweetRequest;
import io.weathertweets.proto.course.WeatherTweetServiceGrpc;
import io.weathertweets.proto.course.Weathers;
import io.weathertweets.proto.v1.Municipality;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.PublishResponse;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.grpc.test.autoconfigure.AutoConfigureTestGrpcTransport;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The RabbitMQ sink against the test broker ({@link LocalServers}: the real RabbitMQ on
 * 127.0.0.1:5672, else an embedded AMQP broker). Each run publishes to its own exchange and binds
 * its own auto-delete queue to it, so it never feeds (or is fed by) anyone else's rabbit-bridge.
 * Kafka is left at its default address, where nothing listens: a Rabbit gateway must not care.
 */
@SpringBootTest(
    properties = {
      "spring.config.name=gateway",
      "weather.gateway.sink=rabbit",
      "spring.kafka.bootstrap-servers=127.0.0.1:1"
    })
@AutoConfigureTestGrpcTransport
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RabbitGatewayTests {
  private static final String EXCHANGE = "weather.tweets.test-" + UUID.randomUUID();
  private static final String QUEUE = "gateway-test-" + UUID.randomUUID();

  @DynamicPropertySource
  static void exchange(DynamicPropertyRegistry registry) {
    registry.add("spring.rabbitmq.addresses", LocalServers::rabbitUri);
    registry.add("weather.rabbit.exchange", () -> EXCHANGE);
  }

  @Autowired GrpcChannelFactory channels;
  @Autowired AmqpAdmin admin;
  @Autowired RabbitTemplate rabbit;
  @Autowired HealthEndpoint health;
  @Autowired RabbitConnectionDetails connection;
  @Autowired CachingConnectionFactory connectionFactory;

  private ManagedChannel channel;

  @BeforeEach
  void bindTestQueue() {
    channel = channels.createChannel("gateway");
    // Only mixco and guatemala are routable: chinautla has no queue, as when rabbit-bridge is not
    // running. Auto-delete and an expiry: gone even when a run dies before @AfterAll. Reads use
    // basic.get (no consumer), so auto-delete never removes it between tests.
    Queue queue = new Queue(QUEUE, false, false, true, Map.of("x-expires", 600_000));
    admin.declareQueue(queue);
    TopicExchange exchange = new TopicExchange(EXCHANGE);
    admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with("mixco"));
    admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with("guatemala"));
    admin.purgeQueue(QUEUE, false);
  }

  @AfterEach
  void closeChannel() {
    channel.shutdownNow();
  }

  @AfterAll
  void removeTestExchange() {
    admin.deleteQueue(QUEUE);
    admin.deleteExchange(EXCHANGE);
  }

  @Test
  void shouldTakeCredentialsAndVirtualHostFromTheUri() {
    assertThat(connection.getUsername()).isEqualTo("guest");
    assertThat(connection.getVirtualHost()).isEqualTo("/");
    assertThat(connection.getFirstAddress().port()).isEqualTo(LocalServers.rabbitPort());
  }

  @Test
  void shouldPublishPersistentProtobufMessagesWithTweetIdAfterConfirm() throws Exception {
    Tweet mixco = tweet("mixco").temperature(31).build();
    Tweet guatemala = tweet("guatemala").humidity(12).build();

    PublishResponse response =
        ingest().publish(PublishRequest.newBuilder().addTweets(mixco).addTweets(guatemala).build());

    assertThat(response.getIdsList()).containsExactly(mixco.getId(), guatemala.getId());
    assertThat(response.getSink()).isEqualTo("rabbit");
    assertMessage(receive(), mixco, "mixco");
    assertMessage(receive(), guatemala, "guatemala");
  }

  @Test
  void shouldPublishCourseTweetWithAssignedId() throws Exception {
    String status =
        WeatherTweetServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .sendTweet(
                WeatherTweetRequest.newBuilder()
                    .setMunicipality(Municipalities.guatemala)
                    .setTemperature(18)
                    .setHumidity(90)
                    .setWeather(Weathers.cloudy)
                    .build())
            .getStatus();

    assertThat(status).startsWith("accepted ");
    Message message = receive();
    Tweet published = Tweet.parseFrom(message.getBody());
    assertThat(status).isEqualTo("accepted " + published.getId());
    assertThat(message.getMessageProperties().getMessageId()).isEqualTo(published.getId());
    assertThat(published.getMunicipality()).isEqualTo(Municipality.GUATEMALA);
    assertThat(published.getTemperature()).isEqualTo(18);
  }

  @Test
  void shouldSendABatchOnOneChannelAndAnswerOnceEveryTweetIsConfirmed() {
    AtomicInteger channelsOpened = new AtomicInteger();
    connectionFactory.addChannelListener(
        (created, transactional) -> channelsOpened.incrementAndGet());
    PublishRequest.Builder batch = PublishRequest.newBuilder();
    for (int i = 0; i < 300; i++) {
      batch.addTweets(tweet(i % 2 == 0 ? "mixco" : "guatemala").build());
    }

    PublishResponse response = ingest().publish(batch.build());

    assertThat(response.getIdsCount()).isEqualTo(300);
    Awaitility.await("300 messages on " + QUEUE)
        .atMost(Duration.ofSeconds(10))
        .until(() -> admin.getQueueInfo(QUEUE).getMessageCount() == 300);
    // One channel per tweet in flight would be 300 (a channel with unconfirmed messages is not
    // reused).
    assertThat(channelsOpened).hasValueLessThanOrEqualTo(1);
  }

  @Test
  void shouldAnswerUnavailableWhenNoQueueIsBoundForTheRoutingKey() {
    // RabbitMQ returns an unroutable mandatory message before it confirms it; Qpid nacks it first,
    // so the gateway cannot tell "no queue bound" from any other refusal there.
    Assumptions.assumeTrue(
        LocalServers.realRabbitMq(),
        "needs RabbitMQ: return-before-confirm of unroutable messages");
    PublishRequest request =
        PublishRequest.newBuilder()
            .addTweets(tweet("mixco").build())
            .addTweets(tweet("chinautla").build())
            .build();

    assertThatThrownBy(() -> ingest().publish(request))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription())
                  .contains(
                      "no queue bound to exchange " + EXCHANGE, "chinautla", "start rabbit-bridge");
            });
  }

  @Test
  void shouldPublishEveryBatchOfStreamAndAnswerAfterHalfClose() throws Exception {
    Tweet first = tweet("mixco").build();
    Tweet second = tweet("guatemala").build();
    CompletableFuture<PublishResponse> answer = new CompletableFuture<>();

    StreamObserver<PublishRequest> stream =
        TweetIngestServiceGrpc.newStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .publishStream(KafkaGatewayTests.into(answer));
    stream.onNext(PublishRequest.newBuilder().addTweets(first).build());
    stream.onNext(PublishRequest.newBuilder().addTweets(second).build());
    stream.onCompleted();

    assertThat(answer.get(10, TimeUnit.SECONDS).getIdsList())
        .containsExactly(first.getId(), second.getId());
    assertMessage(receive(), first, "mixco");
    assertMessage(receive(), second, "guatemala");
  }

  @Test
  void shouldBeReadyWithRabbitUpAndKafkaUnreachable() {
    assertThat(health.healthForPath("readiness").getStatus())
        .isEqualTo(org.springframework.boot.health.contributor.Status.UP);
    assertThat(health.health().getStatus())
        .isEqualTo(org.springframework.boot.health.contributor.Status.UP);
  }

  private TweetIngestServiceGrpc.TweetIngestServiceBlockingStub ingest() {
    return TweetIngestServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private Message receive() {
    return Awaitility.await("message on " + QUEUE)
        .atMost(Duration.ofSeconds(10))
        .until(() -> rabbit.receive(QUEUE), Objects::nonNull);
  }

  private static void assertMessage(Message message, Tweet sent, String routingKey)
      throws Exception {
    assertThat(Tweet.parseFrom(message.getBody())).isEqualTo(sent);
    assertThat(message.getMessageProperties().getMessageId()).isEqualTo(sent.getId());
    assertThat(message.getMessageProperties().getReceivedDeliveryMode())
        .isEqualTo(MessageDeliveryMode.PERSISTENT);
    assertThat(message.getMessageProperties().getContentType()).isEqualTo("application/x-protobuf");
    assertThat(message.getMessageProperties().getReceivedRoutingKey()).isEqualTo(routingKey);
  }
}
