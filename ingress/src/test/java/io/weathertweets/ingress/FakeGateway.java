package io.weathertweets.ingress;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.PublishResponse;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for one grpc-gateway on a real local port (so the ingress's channels are the
 * production Netty ones): records every Publish and answers as told — acknowledge, fail with a
 * status, or never answer.
 */
public final class FakeGateway extends TweetIngestServiceGrpc.TweetIngestServiceImplBase
    implements AutoCloseable {
  private final String sink;
  private final Server server;
  private final List<PublishRequest> requests = new CopyOnWriteArrayList<>();
  private volatile Status failure;
  private volatile boolean silent;

  private FakeGateway(String sink) {
    this.sink = sink;
    try {
      this.server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              // As the gateways permit the ingress's keepalive pings (gateway.yml).
              .permitKeepAliveTime(5, TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true)
              .addService(this)
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake " + sink + " gateway", e);
    }
  }

  public static FakeGateway start(String sink) {
    return new FakeGateway(sink);
  }

  /** The channel target the ingress should use, e.g. {@code 127.0.0.1:40123}. */
  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Back to acknowledging everything, with no recorded requests. */
  public void reset() {
    requests.clear();
    failure = null;
    silent = false;
  }

  public void failWith(Status status) {
    this.failure = status;
  }

  /** Never answers: the ingress's deadline has to end the call. */
  public void neverAnswer() {
    this.silent = true;
  }

  public List<PublishRequest> requests() {
    return List.copyOf(requests);
  }

  public List<Tweet> tweets() {
    return requests.stream().flatMap(r -> r.getTweetsList().stream()).toList();
  }

  @Override
  public void publish(PublishRequest request, StreamObserver<PublishResponse> responses) {
    requests.add(request);
    if (silent) {
      return;
    }
    if (failure != null) {
      responses.onError(failure.asRuntimeException());
      return;
    }
    responses.onNext(
        PublishResponse.newBuilder()
            .setSink(sink)
            .addAllIds(request.getTweetsList().stream().map(Tweet::getId).toList())
            .build());
    responses.onCompleted();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
