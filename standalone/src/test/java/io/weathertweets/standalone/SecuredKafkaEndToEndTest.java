package io.weathertweets.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weathertweets.aggregates.StoreClients;
import io.weathertweets.embedded.FreePorts;
import io.weathertweets.embedded.LocalServers;
import io.weathertweets.gateway.GatewayApplication;
import io.weathertweets.proto.v1.Condition;
import io.weathertweets.proto.v1.Municipality;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.PublishResponse;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import io.weathertweets.standalone.infra.SecuredKafka;
import io.weathertweets.streams.StreamsApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The Kafka rows of docs/security.md, proved: the grpc-gateway (Kafka sink: producer, admin, broker
 * health) and the streams-app reach a broker that only offers SASL_SSL with SCRAM-SHA-512 when
 * given exactly the documented environment variables — no other Kafka setting — and the tweets
 * published through the gateway are counted once each in Redis. A client with a wrong password, or
 * one left on PLAINTEXT, is refused in a way the operator can read: readiness DOWN, and Publish
 * answers UNAVAILABLE naming the broker and what went wrong.
 *
 * <p>Each service runs in its own Spring context as in {@link Standalone}, but its settings come in
 * through the environment (a system-environment property source), the way a container gets them, so
 * that relaxed binding of the variable names is part of what is tested.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredKafkaEndToEndTest {
  private static final String GATEWAY_USER = "weather-gateway";
  private static final String STREAMS_USER = "weather-streams";

  /**
   * One classpath holds every service: what Standalone switches off in the streams-app for the same
   * reason.
   */
  private static final List<String> STREAMS_CLASSPATH_ARGS =
      List.of(
          "--spring.grpc.server.enabled=false",
          "--spring.autoconfigure.exclude=org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration,"
              + "org.springframework.boot.amqp.autoconfigure.health.RabbitHealthContributorAutoConfiguration,"
              + "org.springframework.boot.amqp.autoconfigure.metrics.RabbitMetricsAutoConfiguration");

  final String run = UUID.randomUUID().toString().substring(0, 8);
  final String prefix = "secured-" + run;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  SecuredKafka kafka;
  RedissonClient redis;
  ConfigurableApplicationContext streams;
  Service gateway;

  /** A gateway context and the ports it serves on. */
  record Service(ConfigurableApplicationContext context, int grpcPort, int httpPort)
      implements AutoCloseable {
    @Override
    public void close() {
      context.close();
    }
  }

  @BeforeAll
  void start(@TempDir Path dataDir) throws IOException {
    kafka = SecuredKafka.start(dataDir, List.of(GATEWAY_USER, STREAMS_USER));
    redis = StoreClients.create(LocalServers.redisUrl(), false);
    Map<String, String> streamsEnv =
        new HashMap<>(securedClient(STREAMS_USER, kafka.password(STREAMS_USER)));
    streamsEnv.putAll(
        Map.of(
            "SERVER_PORT", String.valueOf(FreePorts.one()),
            "REDIS_URL", LocalServers.redisUrl(),
            "WEATHER_STORE_PREFIX", prefix,
            "STREAMS_STATE_DIR", dataDir.resolve("streams").toString()));
    CompletableFuture<ConfigurableApplicationContext> streamsStarted =
        CompletableFuture.supplyAsync(
            () -> run(StreamsApplication.class, "streams", streamsEnv, STREAMS_CLASSPATH_ARGS));
    try {
      gateway = startGateway(securedClient(GATEWAY_USER, kafka.password(GATEWAY_USER)));
    } finally {
      streams = streamsStarted.join(); // so that @AfterAll closes it whichever start failed
    }
  }

  @AfterAll
  void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {gateway, streams, kafka}) {
      if (closeable != null) {
        try {
          closeable.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
    if (redis != null) {
      redis.getKeys().deleteByPattern(prefix + ":*");
      redis.shutdown();
    }
  }

  @Test
  @Order(1)
  void shouldCountEveryTweetPublishedOverSaslSslExactlyOnce() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(get(gateway.httpPort(), "/actuator/health/readiness").statusCode())
                    .isEqualTo(200));
    Random random = new Random(20261201);
    GroundTruth truth = new GroundTruth();
    long now = System.currentTimeMillis();
    ManagedChannel channel = channel(gateway);
    try {
      for (int batch = 0; batch < 4; batch++) {
        PublishRequest.Builder request = PublishRequest.newBuilder();
        for (int i = 0; i < 50; i++) {
          String municipality =
              GroundTruth.MUNICIPALITIES.get((batch * 50 + i) % GroundTruth.MUNICIPALITIES.size());
          int temperature = random.nextInt(111) - 50;
          int humidity = random.nextInt(101);
          String condition =
              GroundTruth.CONDITIONS.get(random.nextInt(GroundTruth.CONDITIONS.size()));
          truth.add(municipality, temperature, humidity, condition);
          request.addTweets(
              tweet(
                  run + "-" + batch + "-" + i,
                  municipality,
                  temperature,
                  humidity,
                  condition,
                  now));
        }
        PublishResponse answer =
            TweetIngestServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .publish(request.build());
        assertThat(answer.getSink()).isEqualTo("kafka");
        assertThat(answer.getIdsList()).hasSize(50).first().isEqualTo(run + "-" + batch + "-0");
      }
    } finally {
      channel.shutdownNow();
    }

    await()
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () ->
                assertThat(redis.<String, String>getMap(prefix + ":meta").get("tweets_total"))
                    .isEqualTo("200"));
    truth.assertStoreHolds(redis, prefix);
  }

  @Test
  @Order(2)
  void shouldTellTheOperatorWhenTheScramPasswordIsWrong() throws Exception {
    try (Service wrong =
        startGateway(securedClient(GATEWAY_USER, "not-" + kafka.password(GATEWAY_USER)))) {
      assertRefused(wrong, "Authentication failed");
    }
  }

  @Test
  @Order(3)
  void shouldTellTheOperatorWhenAPlaintextClientIsPointedAtTheSecuredListener() throws Exception {
    try (Service plaintext =
        startGateway(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()))) {
      assertRefused(plaintext, "security.protocol PLAINTEXT");
    }
  }

  /**
   * Not ready, and a Publish fails UNAVAILABLE naming the broker and {@code cause}; the health
   * detail too.
   */
  private void assertRefused(Service gateway, String cause) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              HttpResponse<String> readiness =
                  get(gateway.httpPort(), "/actuator/health/readiness");
              assertThat(readiness.statusCode()).isEqualTo(503);
              assertThat(readiness.body()).contains("\"broker\":{").contains(cause);
            });
    ManagedChannel channel = channel(gateway);
    try {
      Tweet tweet = tweet(run + "-refused", "mixco", 20, 50, "sunny", System.currentTimeMillis());
      assertThatThrownBy(
              () ->
                  TweetIngestServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(30, TimeUnit.SECONDS)
                      .publish(PublishRequest.newBuilder().addTweets(tweet).build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription())
                    .startsWith("kafka:")
                    .contains(kafka.bootstrapServers())
                    .contains(cause);
              });
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * The documented variables of the "Kafka TLS" and "Kafka SCRAM" rows, and nothing else about
   * Kafka.
   */
  private Map<String, String> securedClient(String user, String password) {
    return Map.of(
        "KAFKA_BOOTSTRAP_SERVERS",
        kafka.bootstrapServers(),
        "SPRING_KAFKA_SECURITY_PROTOCOL",
        "SASL_SSL",
        "SPRING_KAFKA_SSL_TRUST_STORE_LOCATION",
        "file:" + kafka.trustStore(),
        "SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD",
        kafka.trustStorePassword(),
        "SPRING_KAFKA_SSL_TRUST_STORE_TYPE",
        "PKCS12",
        "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM",
        SecuredKafka.MECHANISM,
        "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
  }

  private Service startGateway(Map<String, String> kafkaEnv) {
    int grpcPort = FreePorts.one();
    int httpPort = FreePorts.one();
    Map<String, String> env = new HashMap<>(kafkaEnv);
    env.putAll(
        Map.of(
            "GATEWAY_SINK", "kafka",
            "GRPC_PORT", String.valueOf(grpcPort),
            "SERVER_PORT", String.valueOf(httpPort)));
    return new Service(
        run(GatewayApplication.class, "gateway", env, List.of()), grpcPort, httpPort);
  }

  /**
   * One service with {@code env} as its whole process environment, reading its own configuration
   * file.
   */
  private static ConfigurableApplicationContext run(
      Class<?> application, String configName, Map<String, String> env, List<String> args) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new HashMap<>(env)));
    return new SpringApplicationBuilder(application)
        .environment(environment)
        .properties("spring.config.name=" + configName)
        .registerShutdownHook(false)
        .run(args.toArray(String[]::new));
  }

  private static Tweet tweet(
      String id,
      String municipality,
      int temperature,
      int humidity,
      String condition,
      long eventTimeMs) {
    return Tweet.newBuilder()
        .setId(id)
        .setMunicipality(Municipality.valueOf(municipality.toUpperCase(Locale.ROOT)))
        .setTemperature(temperature)
        .setHumidity(humidity)
        .setCondition(Condition.valueOf(condition.toUpperCase(Locale.ROOT)))
        .setEventTimeMs(eventTimeMs)
        .build();
  }

  private static ManagedChannel channel(Service gateway) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", gateway.grpcPort()).usePlaintext().build();
  }

  private HttpResponse<String> get(int port, String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(10))
              .GET()
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
