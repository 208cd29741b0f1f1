package io.weathertweets.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weathertweets.gateway.GatewayProperties;
import io.weathertweets.gateway.publish.RecordingSink;
import io.weathertweets.gateway.publish.TweetPublisher;
import io.weathertweets.proto.course.WeatherTweetRequest;
import io.weathertweets.proto.course.WeatherTweetServiceGrpc;
import io.weathertweets.proto.v1.Condition;
import io.weathertweets.proto.v1.Municipality;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.PublishResponse;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;
import org.springframework.grpc.server.exception.GrpcExceptionHandlerInterceptor;

/**
 * Properties of the gRPC contract: both services (the production classes, over the in-process
 * transport) in front of a recording sink. Valid batches are published whole and in order; a batch
 * with any one broken rule is INVALID_ARGUMENT naming the tweet's index and field, and nothing of
 * it reaches the sink; course requests are accepted exactly when all four values are in range.
 */
class TweetRulesProperties {
  private static final RecordingSink SINK = new RecordingSink();
  private static Server server;
  private static ManagedChannel channel;

  @BeforeContainer
  static void start() throws IOException {
    GatewayProperties properties = RecordingSink.properties(1000);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    TweetValidator validator =
        new TweetValidator(
            properties,
            meters,
            io.weathertweets.aggregates.EventTimeRule.DEFAULT,
            java.time.Clock.systemUTC());
    TweetPublisher publisher = SINK.publisher(properties);
    MalformedRequests malformed = new MalformedRequests(meters);
    String name = "rules-" + System.nanoTime();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new IngestService(validator, publisher, malformed))
            .addService(new CourseTweetService(validator, publisher, malformed))
            // The production mapping of exceptions to status codes, as Spring gRPC installs it.
            .intercept(new GrpcExceptionHandlerInterceptor(new GrpcErrors()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterContainer
  static void stop() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @BeforeTry
  void clearSink() {
    SINK.clear();
  }

  enum Breakage {
    ID_EMPTY("id"),
    ID_TOO_LONG("id"),
    MUNICIPALITY_UNSET("municipality"),
    MUNICIPALITY_UNKNOWN_NUMBER("municipality"),
    CONDITION_UNSET("weather"),
    CONDITION_UNKNOWN_NUMBER("weather"),
    TEMPERATURE_LOW("temperature"),
    TEMPERATURE_HIGH("temperature"),
    HUMIDITY_LOW("humidity"),
    HUMIDITY_HIGH("humidity"),
    EVENT_TIME_NOT_POSITIVE("event_time_ms");

    final String field;

    Breakage(String field) {
      this.field = field;
    }
  }

  @Property(tries = 300)
  void shouldPublishEveryValidBatchWholeAndInOrder(@ForAll("batches") List<Tweet> batch) {
    PublishResponse response =
        ingest().publish(PublishRequest.newBuilder().addAllTweets(batch).build());

    assertThat(response.getIdsList())
        .containsExactlyElementsOf(batch.stream().map(Tweet::getId).toList());
    assertThat(SINK.received()).containsExactlyElementsOf(batch);
  }

  @Property(tries = 300)
  void shouldRefuseABatchWithAnyBrokenTweetNamingItAndPublishNothing(
      @ForAll("batches") List<Tweet> batch,
      @ForAll Breakage breakage,
      @ForAll @IntRange(min = 0, max = 1_000_000) int where,
      @ForAll int noise) {
    int index = where % batch.size();
    List<Tweet> tweets = new ArrayList<>(batch);
    tweets.set(index, broken(tweets.get(index).toBuilder(), breakage, noise));

    StatusRuntimeException refused =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> ingest().publish(PublishRequest.newBuilder().addAllTweets(tweets).build()));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getStatus().getDescription())
        .startsWith("tweets[" + index + "]: " + breakage.field + ":");
    assertThat(SINK.received()).isEmpty();
  }

  @Property(tries = 500)
  void shouldAcceptACourseTweetExactlyWhenEveryValueIsInRange(
      @ForAll @IntRange(min = -3, max = 7) int municipality,
      @ForAll @IntRange(min = -3, max = 7) int weather,
      @ForAll("temperatures") int temperature,
      @ForAll("humidities") int humidity) {
    WeatherTweetRequest request =
        WeatherTweetRequest.newBuilder()
            .setMunicipalityValue(municipality)
            .setWeatherValue(weather)
            .setTemperature(temperature)
            .setHumidity(humidity)
            .build();
    boolean valid =
        municipality >= 1
            && municipality <= 4
            && weather >= 1
            && weather <= 4
            && temperature >= -50
            && temperature <= 60
            && humidity >= 0
            && humidity <= 100;

    if (valid) {
      assertThat(course().sendTweet(request).getStatus()).startsWith("accepted ");
      assertThat(SINK.received())
          .singleElement()
          .satisfies(
              tweet -> {
                assertThat(tweet.getMunicipalityValue()).isEqualTo(municipality);
                assertThat(tweet.getConditionValue()).isEqualTo(weather);
                assertThat(tweet.getTemperature()).isEqualTo(temperature);
                assertThat(tweet.getHumidity()).isEqualTo(humidity);
              });
    } else {
      StatusRuntimeException refused =
          catchThrowableOfType(StatusRuntimeException.class, () -> course().sendTweet(request));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(refused.getStatus().getDescription())
          .matches("(municipality|weather|temperature|humidity): .*");
      assertThat(SINK.received()).isEmpty();
    }
  }

  @Provide
  Arbitrary<List<Tweet>> batches() {
    Arbitrary<Tweet> tweet =
        Combinators.combine(
                Arbitraries.strings()
                    .ofMinLength(1)
                    .ofMaxLength(64)
                    .filter(
                        s ->
                            s.codePoints().allMatch(Character::isDefined)
                                && s.chars().noneMatch(c -> Character.isSurrogate((char) c))),
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(-50, 60),
                Arbitraries.integers().between(0, 100),
                // Valid event times: from 2000-01-01 to the gateway's clock (a few minutes ahead is
                // tolerated too).
                Arbitraries.longs()
                    .between(
                        io.weathertweets.aggregates.EventTimeRule.EARLIEST_MS,
                        System.currentTimeMillis()))
            .as(
                (id, m, c, t, h, time) ->
                    Tweet.newBuilder()
                        .setId(id)
                        .setMunicipalityValue(m)
                        .setConditionValue(c)
                        .setTemperature(t)
                        .setHumidity(h)
                        .setEventTimeMs(time)
                        .setAcceptedAtMs(time)
                        .build());
    return tweet.list().ofMinSize(1).ofMaxSize(50);
  }

  @Provide
  Arbitrary<Integer> temperatures() {
    return Arbitraries.oneOf(Arbitraries.integers().between(-60, 70), Arbitraries.integers());
  }

  @Provide
  Arbitrary<Integer> humidities() {
    return Arbitraries.oneOf(Arbitraries.integers().between(-10, 110), Arbitraries.integers());
  }

  private static Tweet broken(Tweet.Builder tweet, Breakage breakage, int noise) {
    int magnitude = noise == Integer.MIN_VALUE ? Integer.MAX_VALUE : Math.abs(noise);
    switch (breakage) {
      case ID_EMPTY -> tweet.setId("");
      case ID_TOO_LONG -> tweet.setId("i".repeat(65 + magnitude % 1000));
      case MUNICIPALITY_UNSET -> tweet.clearMunicipality();
      case MUNICIPALITY_UNKNOWN_NUMBER -> tweet.setMunicipalityValue(5 + magnitude % 100_000);
      case CONDITION_UNSET -> tweet.setCondition(Condition.CONDITION_UNSPECIFIED);
      case CONDITION_UNKNOWN_NUMBER -> tweet.setConditionValue(-1 - magnitude % 100_000);
      case TEMPERATURE_LOW -> tweet.setTemperature(-51 - magnitude % 1_000_000);
      case TEMPERATURE_HIGH -> tweet.setTemperature(61 + magnitude % 1_000_000);
      case HUMIDITY_LOW -> tweet.setHumidity(-1 - magnitude % 1_000_000);
      case HUMIDITY_HIGH -> tweet.setHumidity(101 + magnitude % 1_000_000);
      case EVENT_TIME_NOT_POSITIVE -> tweet.setEventTimeMs(-(long) magnitude);
    }
    // Only the one rule is broken: everything else stays valid.
    if (breakage != Breakage.MUNICIPALITY_UNSET
        && breakage != Breakage.MUNICIPALITY_UNKNOWN_NUMBER) {
      assertThat(tweet.getMunicipality())
          .isNotIn(Municipality.UNRECOGNIZED, Municipality.MUNICIPALITY_UNSPECIFIED);
    }
    return tweet.build();
  }

  private static TweetIngestServiceGrpc.TweetIngestServiceBlockingStub ingest() {
    return TweetIngestServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static WeatherTweetServiceGrpc.WeatherTweetServiceBlockingStub course() {
    return WeatherTweetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }
}
