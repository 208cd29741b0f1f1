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
import io.weathertweets.proto.course.Municipalities;
import io.weathertweets.proto.course.WeatherTweetRequest;
import io.weathertweets.proto.course.WeatherTweetServiceGrpc;
import io.weathertweets.proto.course.Weathers;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.grpc.client.GrpcChannelFactory;

/** What every gateway does when its broker is on a closed port: UNAVAILABLE quickly, not ready. */
abstract class UnreachableBrokerContract {
  @Autowired GrpcChannelFactory channels;
  @Autowired HealthEndpoint health;
  ManagedChannel channel;

  @BeforeEach
  void connect() {
    channel = channels.createChannel("gateway");
  }

  @AfterEach
  void disconnect() {
    channel.shutdownNow();
  }

  /**
   * The batch fails as a whole, well within the caller's deadline, with a message naming the
   * broker.
   */
  void assertBatchUnavailableWithin(Duration limit, String... messageParts) {
    PublishRequest batch =
        PublishRequest.newBuilder()
            .addAllTweets(IntStream.range(0, 5).mapToObj(i -> tweet("mixco").build()).toList())
            .build();
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                TweetIngestServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(limit.toMillis() * 3, TimeUnit.MILLISECONDS)
                    .publish(batch))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains(messageParts);
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(limit);
  }

  void assertCourseTweetUnavailable(String sink) {
    assertThatThrownBy(
            () ->
                WeatherTweetServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .sendTweet(
                        WeatherTweetRequest.newBuilder()
                            .setMunicipality(Municipalities.amatitlan)
                            .setTemperature(22)
                            .setHumidity(40)
                            .setWeather(Weathers.sunny)
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).startsWith(sink + ":");
            });
  }

  void assertNotReadyAndNotServing() {
    assertThat(health.healthForPath("readiness").getStatus())
        .isEqualTo(org.springframework.boot.health.contributor.Status.DOWN);
    HealthGrpc.HealthBlockingStub grpcHealth =
        HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(grpcHealth.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                    .isEqualTo(ServingStatus.NOT_SERVING));
  }
}
