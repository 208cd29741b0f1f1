package io.weathertweets.loadgen.send;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.weathertweets.loadgen.tweets.LoadTweet;
import io.weathertweets.loadgen.tweets.TweetSource;
import io.weathertweets.proto.course.WeatherTweetServiceGrpc;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.PublishResponse;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The three gRPC modes over one shared channel (HTTP/2 multiplexes the concurrent calls): v1 {@code
 * Publish} (one batch per call), v1 {@code PublishStream} (several batches per call, one answer for
 * all of them) and the course {@code SendTweet} (one tweet per call).
 */
public final class GrpcSender implements Sender {

  public enum Rpc {
    PUBLISH,
    PUBLISH_STREAM,
    SEND_TWEET
  }

  private final ManagedChannel channel;
  private final Rpc rpc;
  private final int batchSize;
  private final int batchesPerStream;
  private final long timeoutMs;
  private final TweetSource source;

  public GrpcSender(
      String target,
      Rpc rpc,
      int batchSize,
      int batchesPerStream,
      long timeoutMs,
      TweetSource source) {
    this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    this.rpc = rpc;
    this.batchSize = batchSize;
    this.batchesPerStream = batchesPerStream;
    this.timeoutMs = timeoutMs;
    this.source = source;
  }

  @Override
  public int tweetsPerRequest() {
    return switch (rpc) {
      case PUBLISH -> batchSize;
      case PUBLISH_STREAM -> batchSize * batchesPerStream;
      case SEND_TWEET -> 1;
    };
  }

  @Override
  public Outcome send(List<LoadTweet> tweets) {
    long now = System.currentTimeMillis();
    try {
      switch (rpc) {
        case PUBLISH ->
            TweetIngestServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
                .publish(batch(tweets, now));
        case SEND_TWEET ->
            WeatherTweetServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
                .sendTweet(tweets.getFirst().toCourse());
        case PUBLISH_STREAM -> {
          return stream(tweets, now);
        }
      }
      return Outcome.ACCEPTED;
    } catch (StatusRuntimeException e) {
      return Outcome.ofGrpcStatus(e.getStatus().getCode());
    } catch (IllegalArgumentException e) {
      // Only a tweet protobuf cannot carry at all (e.g. a text temperature from an input file) gets
      // here.
      return Outcome.rejected("unsendable");
    }
  }

  private Outcome stream(List<LoadTweet> tweets, long now) {
    CompletableFuture<PublishResponse> answer = new CompletableFuture<>();
    StreamObserver<PublishRequest> requests =
        TweetIngestServiceGrpc.newStub(channel)
            .withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS)
            .publishStream(
                new StreamObserver<>() {
                  @Override
                  public void onNext(PublishResponse value) {
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
                });
    try {
      for (int from = 0; from < tweets.size(); from += batchSize) {
        requests.onNext(
            batch(tweets.subList(from, Math.min(tweets.size(), from + batchSize)), now));
      }
    } catch (IllegalArgumentException e) {
      requests.onError(
          io.grpc.Status.CANCELLED.withDescription("unsendable tweet").asRuntimeException());
      return Outcome.rejected("unsendable");
    }
    requests.onCompleted();
    try {
      answer.get(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
      return Outcome.ACCEPTED;
    } catch (ExecutionException e) {
      return e.getCause() instanceof StatusRuntimeException s
          ? Outcome.ofGrpcStatus(s.getStatus().getCode())
          : Outcome.failed(e.getCause().getClass().getSimpleName());
    } catch (TimeoutException e) {
      return Outcome.failed("timeout");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.failed("interrupted");
    }
  }

  private PublishRequest batch(List<LoadTweet> tweets, long now) {
    PublishRequest.Builder request = PublishRequest.newBuilder();
    for (LoadTweet tweet : tweets) {
      request.addTweets(tweet.toV1(now, source.fallbackId(tweet.index())));
    }
    return request.build();
  }

  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
