package io.weathertweets.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.TweetRules;
import io.weathertweets.loadgen.tweets.TweetGenerator;
import io.weathertweets.proto.course.WeatherTweetRequest;
import io.weathertweets.proto.course.WeatherTweetResponse;
import io.weathertweets.proto.course.WeatherTweetServiceGrpc;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.PublishResponse;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs the command line against a real gRPC server on a real port serving both contracts like the
 * gateway would: tweets from chinautla are INVALID_ARGUMENT, from amatitlan UNAVAILABLE, the rest
 * OK; a batch or a stream gets the answer of its worst tweet.
 */
class LoadGenGrpcTest {
  private Server server;
  private final Set<String> publishedIds = ConcurrentHashMap.newKeySet();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger courseTweets = new AtomicInteger();

  @BeforeEach
  void startServer() throws IOException {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(new FakeIngest())
            .addService(new FakeCourse())
            .build()
            .start();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private String target() {
    return "127.0.0.1:" + server.getPort();
  }

  @Test
  void shouldPublishBatchesOverV1AndCountByStatus() {
    int n = 300;
    long[] expected = expected(new TweetGenerator(11, n), n, 5);

    CliRun run =
        CliRun.of(
            "--mode",
            "grpc-batch",
            "--grpc-target",
            target(),
            "-n",
            "" + n,
            "--seed",
            "11",
            "--batch-size",
            "5",
            "-c",
            "4",
            "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertCounts(run.report(), n, expected);
    assertThat(calls.get()).isEqualTo(60);
    assertThat(run.report().get("failedBy").get("UNAVAILABLE").longValue()).isEqualTo(expected[2]);
    assertThat(run.report().get("rejectedBy").get("INVALID_ARGUMENT").longValue())
        .isEqualTo(expected[1]);
  }

  @Test
  void shouldStreamSeveralBatchesPerCallAndCountByTheStreamsAnswer() {
    int n = 150;
    // 3 batches of 1 per stream: 3 tweets share one answer (larger groups would almost never be all
    // OK).
    long[] expected = expected(new TweetGenerator(5, n), n, 3);

    CliRun run =
        CliRun.of(
            "--mode",
            "grpc-stream",
            "--grpc-target",
            target(),
            "-n",
            "" + n,
            "--seed",
            "5",
            "--batch-size",
            "1",
            "--stream-batches",
            "3",
            "-c",
            "3",
            "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertCounts(run.report(), n, expected);
    assertThat(calls.get()).isEqualTo(50);
    assertThat(run.report().get("tweetsPerRequest").intValue()).isEqualTo(3);
  }

  @Test
  void shouldSendCourseTweetsOneByOne() {
    int n = 80;
    long[] expected = expected(new TweetGenerator(9, n), n, 1);

    CliRun run =
        CliRun.of(
            "--mode",
            "grpc-course",
            "--grpc-target",
            target(),
            "-n",
            "" + n,
            "--seed",
            "9",
            "-c",
            "4",
            "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertCounts(run.report(), n, expected);
    assertThat(courseTweets.get()).isEqualTo(n);
  }

  @Test
  void shouldCountEverythingAsFailedWhenNoGatewayListens() throws InterruptedException {
    String target = target();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

    CliRun run =
        CliRun.of(
            "--mode",
            "grpc-batch",
            "--grpc-target",
            target,
            "-n",
            "10",
            "--batch-size",
            "5",
            "--timeout",
            "2",
            "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(run.report().get("failed").longValue()).isEqualTo(10);
    assertThat(run.report().get("failedBy").get("UNAVAILABLE").longValue()).isEqualTo(10);
  }

  private void assertCounts(JsonNode report, int n, long[] expected) {
    assertThat(report.get("sent").longValue()).isEqualTo(n);
    assertThat(report.get("accepted").longValue()).isEqualTo(expected[0]);
    assertThat(report.get("rejected").longValue()).isEqualTo(expected[1]);
    assertThat(report.get("failed").longValue()).isEqualTo(expected[2]);
  }

  /**
   * accepted, rejected, failed when each group of {@code unit} tweets gets the answer of its worst
   * tweet.
   */
  private static long[] expected(TweetGenerator generator, int n, int unit) {
    long[] counts = new long[3];
    for (int from = 0; from < n; from += unit) {
      List<Tweet> tweets = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + unit); i++) {
        tweets.add(generator.get(i).toV1(1, "x"));
      }
      Status.Code code = verdict(tweets);
      counts[code == Status.Code.OK ? 0 : code == Status.Code.INVALID_ARGUMENT ? 1 : 2] +=
          tweets.size();
    }
    assertThat(counts).as("the seed exercises all three answers").doesNotContain(0L);
    return counts;
  }

  private static Status.Code verdict(List<Tweet> tweets) {
    Status.Code code = Status.Code.OK;
    for (Tweet tweet : tweets) {
      if (!TweetRules.violations(tweet).isEmpty()
          || Municipality.fromProto(tweet.getMunicipality()) == Municipality.CHINAUTLA) {
        return Status.Code.INVALID_ARGUMENT;
      }
      if (Municipality.fromProto(tweet.getMunicipality()) == Municipality.AMATITLAN) {
        code = Status.Code.UNAVAILABLE;
      }
    }
    return code;
  }

  private final class FakeIngest extends TweetIngestServiceGrpc.TweetIngestServiceImplBase {
    @Override
    public void publish(PublishRequest request, StreamObserver<PublishResponse> response) {
      calls.incrementAndGet();
      answer(request.getTweetsList(), response);
    }

    @Override
    public StreamObserver<PublishRequest> publishStream(StreamObserver<PublishResponse> response) {
      calls.incrementAndGet();
      List<Tweet> tweets = new ArrayList<>();
      return new StreamObserver<>() {
        @Override
        public void onNext(PublishRequest request) {
          tweets.addAll(request.getTweetsList());
        }

        @Override
        public void onError(Throwable t) {
          // The client gave up on the stream; nothing was published, nothing to answer.
        }

        @Override
        public void onCompleted() {
          answer(tweets, response);
        }
      };
    }

    private void answer(List<Tweet> tweets, StreamObserver<PublishResponse> response) {
      Status.Code code = verdict(tweets);
      if (code != Status.Code.OK) {
        response.onError(
            Status.fromCode(code)
                .withDescription("fake gateway says " + code)
                .asRuntimeException());
        return;
      }
      tweets.forEach(t -> publishedIds.add(t.getId()));
      response.onNext(
          PublishResponse.newBuilder()
              .setSink("kafka")
              .addAllIds(tweets.stream().map(Tweet::getId).toList())
              .build());
      response.onCompleted();
    }
  }

  private final class FakeCourse extends WeatherTweetServiceGrpc.WeatherTweetServiceImplBase {
    @Override
    public void sendTweet(
        WeatherTweetRequest request, StreamObserver<WeatherTweetResponse> response) {
      courseTweets.incrementAndGet();
      Tweet asV1 =
          Tweet.newBuilder()
              .setId("course")
              .setMunicipality(
                  io.weathertweets.proto.v1.Municipality.forNumber(request.getMunicipalityValue()))
              .setCondition(
                  io.weathertweets.proto.v1.Condition.forNumber(request.getWeatherValue()))
              .setTemperature(request.getTemperature())
              .setHumidity(request.getHumidity())
              .setEventTimeMs(1)
              .build();
      Status.Code code = verdict(List.of(asV1));
      if (code != Status.Code.OK) {
        response.onError(Status.fromCode(code).asRuntimeException());
        return;
      }
      response.onNext(WeatherTweetResponse.newBuilder().setStatus("accepted course").build());
      response.onCompleted();
    }
  }
}
