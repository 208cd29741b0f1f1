package io.weathertweets.gateway;

import static io.weathertweets.gateway.TestTweets.tweet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.proto.course.Municipalities;
import io.weathertweets.proto.course.WeatherTweetRequest;
import io.weathertweets.proto.course.WeatherTweetResponse;
import io.weathertweets.proto.course.WeatherTweetServiceGrpc;
import io.weathertweets.proto.course.Weathers;
import io.weathertweets.proto.v1.Condition;
import io.weathertweets.proto.v1.Municipality;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.PublishResponse;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.AutoConfigureTestGrpcTransport;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;

/**
 * Both gRPC services over the in-process transport, publishing to a real (embedded KRaft) Kafka
 * broker. The RabbitMQ address points at a closed port: a Kafka gateway must not care.
 */
@SpringBootTest(
    properties = {
      "spring.config.name=gateway",
      "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
      "spring.rabbitmq.addresses=amqp://guest:guest@127.0.0.1:1/",
      "spring.grpc.server.health.schedule.delay=100ms",
      "spring.grpc.server.health.schedule.period=500ms"
    })
@AutoConfigureTestGrpcTransport
@EmbeddedKafka
class KafkaGatewayTests {
  private static final String TOPIC = "weather-tweets";

  @Autowired GrpcChannelFactory channels;
  @Autowired EmbeddedKafkaBroker broker;
  @Autowired HealthEndpoint health;
  @Autowired MeterRegistry meters;

  private ManagedChannel channel;
  private KafkaConsumer<String, byte[]> consumer;

  @BeforeEach
  void connect() {
    channel = channels.createChannel("gateway");
    Map<String, Object> props =
        new HashMap<>(
            KafkaTestUtils.consumerProps(broker, "gateway-test-" + UUID.randomUUID(), false));
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    // The gateway creates the topic at startup; read only what this test publishes.
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> consumer.partitionsFor(TOPIC).size() == 6);
    List<TopicPartition> partitions =
        consumer.partitionsFor(TOPIC).stream()
            .map(p -> new TopicPartition(TOPIC, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position);
  }

  @AfterEach
  void disconnect() {
    consumer.close();
    channel.shutdownNow();
  }

  @Test
  void shouldAnswerAcceptedWithNewIdAndPublishCourseTweetToKafka() throws Exception {
    long before = System.currentTimeMillis();
    WeatherTweetResponse response =
        course()
            .sendTweet(
                WeatherTweetRequest.newBuilder()
                    .setMunicipality(Municipalities.mixco)
                    .setTemperature(-7)
                    .setHumidity(70)
                    .setWeather(Weathers.rainy)
                    .build());
    long after = System.currentTimeMillis();

    assertThat(response.getStatus()).startsWith("accepted ");
    String id = response.getStatus().substring("accepted ".length());
    assertThat(UUID.fromString(id).version()).as("UUIDv7").isEqualTo(7);
    ConsumerRecord<String, byte[]> record = readBack(List.of(id)).get(id);
    assertThat(record.key()).isEqualTo("mixco");
    Tweet published = Tweet.parseFrom(record.value());
    assertThat(published.getId()).isEqualTo(id);
    assertThat(published.getMunicipality()).isEqualTo(Municipality.MIXCO);
    assertThat(published.getTemperature()).isEqualTo(-7);
    assertThat(published.getHumidity()).isEqualTo(70);
    assertThat(published.getCondition()).isEqualTo(Condition.RAINY);
    assertThat(published.getEventTimeMs())
        .isBetween(before, after)
        .isEqualTo(published.getAcceptedAtMs());
  }

  @Test
  void shouldRejectCourseTweetWithUnknownMunicipalityNamingTheField() {
    long endBefore = endOffsets();
    assertThatThrownBy(
            () ->
                course()
                    .sendTweet(
                        WeatherTweetRequest.newBuilder()
                            .setMunicipality(Municipalities.municipalities_unknown)
                            .setTemperature(20)
                            .setHumidity(50)
                            .setWeather(Weathers.sunny)
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith("municipality:");
            });
    assertThat(endOffsets()).isEqualTo(endBefore);
    assertThat(meters.counter("weather.tweets.rejected", "reason", "municipality").count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void shouldPublishBatchWithMunicipalityKeysAndExactPayloads() {
    List<Tweet> tweets =
        List.of(
            tweet("mixco").build(),
            tweet("guatemala").temperature(60).build(),
            tweet("amatitlan").humidity(0).condition(Condition.FOGGY).build(),
            tweet("chinautla").temperature(-50).build());
    double publishedBefore = meters.counter("weather.tweets.published", "sink", "kafka").count();

    PublishResponse response =
        ingest().publish(PublishRequest.newBuilder().addAllTweets(tweets).build());

    List<String> ids = tweets.stream().map(Tweet::getId).toList();
    assertThat(response.getIdsList()).containsExactlyElementsOf(ids);
    assertThat(response.getSink()).isEqualTo("kafka");
    Map<String, ConsumerRecord<String, byte[]>> records = readBack(ids);
    for (Tweet sent : tweets) {
      ConsumerRecord<String, byte[]> record = records.get(sent.getId());
      assertThat(record.key()).isEqualTo(sent.getMunicipality().name().toLowerCase());
      assertThat(parse(record.value())).isEqualTo(sent);
    }
    assertThat(meters.counter("weather.tweets.published", "sink", "kafka").count())
        .isEqualTo(publishedBefore + 4);
    assertThat(meters.timer("weather.publish.latency", "sink", "kafka").count())
        .isGreaterThanOrEqualTo(4);
  }

  @Test
  void shouldStampTheAcceptanceTimeWhenADirectV1ClientSendsNone() {
    Tweet withoutAcceptance = tweet("mixco").build().toBuilder().clearAcceptedAtMs().build();
    long before = System.currentTimeMillis();

    ingest().publish(PublishRequest.newBuilder().addTweets(withoutAcceptance).build());

    Tweet published =
        parse(readBack(List.of(withoutAcceptance.getId())).get(withoutAcceptance.getId()).value());
    assertThat(published.getAcceptedAtMs()).isBetween(before, System.currentTimeMillis());
    assertThat(published.toBuilder().clearAcceptedAtMs().build()).isEqualTo(withoutAcceptance);
  }

  @Test
  void shouldRejectWholeBatchNamingIndexAndFieldWhenOneTweetIsInvalid() {
    long endBefore = endOffsets();
    PublishRequest request =
        PublishRequest.newBuilder()
            .addTweets(tweet("mixco").build())
            .addTweets(tweet("guatemala").build())
            .addTweets(tweet("chinautla").humidity(101).build())
            .build();

    assertThatThrownBy(() -> ingest().publish(request))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith("tweets[2]: humidity:");
            });
    assertThat(endOffsets()).as("nothing of the batch published").isEqualTo(endBefore);
  }

  @Test
  void shouldRejectBatchOfMoreThanAThousandTweets() {
    PublishRequest request =
        PublishRequest.newBuilder()
            .addAllTweets(IntStream.range(0, 1001).mapToObj(i -> tweet("mixco").build()).toList())
            .build();

    assertThatThrownBy(() -> ingest().publish(request))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("1..1000", "1001");
            });
  }

  @Test
  void shouldPublishEveryBatchOfStreamAndAnswerAfterHalfClose() throws Exception {
    List<Tweet> first = List.of(tweet("mixco").build(), tweet("guatemala").build());
    List<Tweet> second =
        List.of(tweet("amatitlan").build(), tweet("chinautla").build(), tweet("mixco").build());
    CompletableFuture<PublishResponse> answer = new CompletableFuture<>();

    StreamObserver<PublishRequest> stream =
        TweetIngestServiceGrpc.newStub(channel)
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .publishStream(into(answer));
    stream.onNext(PublishRequest.newBuilder().addAllTweets(first).build());
    stream.onNext(PublishRequest.newBuilder().addAllTweets(second).build());
    assertThat(answer).as("no answer before half-close").isNotDone();
    stream.onCompleted();

    List<String> ids = new ArrayList<>();
    first.forEach(t -> ids.add(t.getId()));
    second.forEach(t -> ids.add(t.getId()));
    PublishResponse response = answer.get(20, TimeUnit.SECONDS);
    assertThat(response.getIdsList()).containsExactlyElementsOf(ids);
    assertThat(response.getSink()).isEqualTo("kafka");
    assertThat(readBack(ids)).hasSize(5);
  }

  @Test
  void shouldEndStreamWithInvalidArgumentNamingBatchIndexAndField() {
    CompletableFuture<PublishResponse> answer = new CompletableFuture<>();
    StreamObserver<PublishRequest> stream =
        TweetIngestServiceGrpc.newStub(channel)
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .publishStream(into(answer));
    stream.onNext(PublishRequest.newBuilder().addTweets(tweet("mixco").build()).build());
    stream.onNext(
        PublishRequest.newBuilder()
            .addTweets(tweet("mixco").condition(Condition.CONDITION_UNSPECIFIED).build())
            .build());

    Awaitility.await().atMost(Duration.ofSeconds(20)).until(answer::isDone);
    assertThat(answer)
        .failsWithin(Duration.ZERO)
        .withThrowableThat()
        .havingCause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith("batch 1: tweets[0]: weather:");
            });
    stream.onCompleted();
  }

  @Test
  void shouldBeReadyAndServingWhileKafkaIsUpEvenWithRabbitUnreachable() {
    assertThat(health.healthForPath("readiness").getStatus())
        .isEqualTo(org.springframework.boot.health.contributor.Status.UP);
    assertThat(health.health().getStatus())
        .isEqualTo(org.springframework.boot.health.contributor.Status.UP);
    HealthGrpc.HealthBlockingStub grpcHealth =
        HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(grpcHealth.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                    .isEqualTo(ServingStatus.SERVING));
  }

  @Test
  void shouldListBothServicesAndHealthThroughReflection() throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> reflection =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .serverReflectionInfo(into(answer));
    reflection.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());

    List<String> services =
        answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
            .map(ServiceResponse::getName)
            .toList();
    reflection.onCompleted();
    assertThat(services)
        .contains(
            "weathertweet.WeatherTweetService",
            "weathertweets.v1.TweetIngestService",
            "grpc.health.v1.Health");
  }

  private WeatherTweetServiceGrpc.WeatherTweetServiceBlockingStub course() {
    return WeatherTweetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private TweetIngestServiceGrpc.TweetIngestServiceBlockingStub ingest() {
    return TweetIngestServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** Polls the topic until every id was seen; returns the records by tweet id. */
  private Map<String, ConsumerRecord<String, byte[]>> readBack(List<String> ids) {
    Map<String, ConsumerRecord<String, byte[]>> seen = new HashMap<>();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInSameThread()
        .until(
            () -> {
              for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                seen.put(parse(record.value()).getId(), record);
              }
              return seen.keySet().containsAll(ids);
            });
    return seen;
  }

  private long endOffsets() {
    return consumer.endOffsets(consumer.assignment()).values().stream()
        .mapToLong(Long::longValue)
        .sum();
  }

  private static Tweet parse(byte[] bytes) {
    try {
      return Tweet.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError("record value is not a v1 Tweet", e);
    }
  }

  static <T> StreamObserver<T> into(CompletableFuture<T> answer) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        answer.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        answer.complete(null);
      }
    };
  }
}
