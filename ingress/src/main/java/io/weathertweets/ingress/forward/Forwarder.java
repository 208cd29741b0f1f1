package io.weathertweets.ingress.forward;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.weathertweets.aggregates.Meters;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.PublishResponse;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a batch of validated tweets to every targeted gateway with one {@code Publish} call each,
 * in parallel, and reports which acknowledged. Each call has a deadline, so a request never waits
 * longer than that for a gateway that does not answer.
 *
 * <p>The calls are asynchronous: the caller's thread starts every call, then waits for the answers,
 * which the channel's transport completes directly (its channels run callbacks on the transport's
 * own threads, see {@link ForwardConfiguration}). No thread is woken per call beyond the caller.
 * The callbacks only note the outcome; timers and logs are recorded by the waiting thread.
 */
public class Forwarder {
  private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

  private final Map<TweetPath, TweetIngestServiceGrpc.TweetIngestServiceStub> stubs =
      new EnumMap<>(TweetPath.class);
  private final Duration deadline;
  private final MeterRegistry meterRegistry;

  /** The common case's timer, looked up once instead of per call. */
  private final Map<TweetPath, Timer> acknowledgedLatency = new EnumMap<>(TweetPath.class);

  Forwarder(Gateways gateways, Duration deadline, MeterRegistry meterRegistry) {
    for (Map.Entry<TweetPath, ManagedChannel> gateway : gateways.channels().entrySet()) {
      stubs.put(gateway.getKey(), TweetIngestServiceGrpc.newStub(gateway.getValue()));
    }
    this.deadline = deadline;
    this.meterRegistry = meterRegistry;
    stubs.keySet().forEach(path -> acknowledgedLatency.put(path, latency(path, Status.OK)));
  }

  /** The paths every tweet is forwarded to, in a stable order. */
  public List<TweetPath> paths() {
    return List.copyOf(stubs.keySet());
  }

  /**
   * Publishes the batch on every targeted path; returns when each gateway answered or its deadline
   * passed.
   */
  public ForwardResult forward(List<Tweet> tweets) {
    PublishRequest request = PublishRequest.newBuilder().addAllTweets(tweets).build();
    Map<TweetPath, Call> calls = new EnumMap<>(TweetPath.class);
    stubs.forEach((path, stub) -> calls.put(path, new Call(path, request.getTweetsCount())));
    calls.forEach((path, call) -> call.start(stubs.get(path), request));
    List<TweetPath> acknowledged = new ArrayList<>();
    Map<TweetPath, Status> failures = new EnumMap<>(TweetPath.class);
    calls.forEach(
        (path, call) -> {
          Status status = call.await();
          (status.isOk() ? acknowledgedLatency.get(path) : latency(path, status))
              .record(call.elapsedNanos(), TimeUnit.NANOSECONDS);
          if (status.isOk()) {
            acknowledged.add(path);
          } else {
            failures.put(path, status);
            logFailure(path, request.getTweetsCount(), status);
          }
        });
    return new ForwardResult(acknowledged, failures);
  }

  /**
   * One {@code Publish} call. The transport's thread only notes the outcome and its time; timers
   * and logs are the waiting thread's, so nothing a callback does can throw, block or allocate a
   * meter on the transport's thread.
   */
  private final class Call implements ClientResponseObserver<PublishRequest, PublishResponse> {
    /** How long past the call's own deadline the waiting thread gives gRPC to report it. */
    private static final long DEADLINE_SLACK_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final TweetPath path;
    private final int tweets;
    private final long start = System.nanoTime();
    private final CompletableFuture<Status> outcome = new CompletableFuture<>();
    private volatile ClientCallStreamObserver<PublishRequest> requestStream;
    private volatile long elapsedNanos;
    private PublishResponse response;

    Call(TweetPath path, int tweets) {
      this.path = path;
      this.tweets = tweets;
    }

    /** Starts the call; a call that cannot even start is a failed call, like any other. */
    void start(TweetIngestServiceGrpc.TweetIngestServiceStub stub, PublishRequest request) {
      try {
        stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS).publish(request, this);
      } catch (RuntimeException e) {
        finish(Status.UNKNOWN.withDescription("the call could not be started").withCause(e));
      }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<PublishRequest> requestStream) {
      this.requestStream = requestStream;
    }

    @Override
    public void onNext(PublishResponse response) {
      this.response = response;
    }

    @Override
    public void onError(Throwable error) {
      finish(Status.fromThrowable(error));
    }

    @Override
    public void onCompleted() {
      if (response == null) {
        finish(Status.INTERNAL.withDescription("gateway ended the call without an answer"));
      } else if (response.getIdsCount() != tweets) {
        finish(
            Status.INTERNAL.withDescription(
                "gateway acknowledged " + response.getIdsCount() + " of " + tweets + " tweets"));
      } else {
        finish(Status.OK);
      }
    }

    private void finish(Status status) {
      elapsedNanos = System.nanoTime() - start;
      outcome.complete(status);
    }

    long elapsedNanos() {
      return elapsedNanos;
    }

    /**
     * The call's outcome. gRPC ends every call by its deadline; the wait has its own bound on top,
     * so that no request can wait forever even if an outcome were never reported.
     */
    Status await() {
      try {
        return outcome.get(deadline.toNanos() + DEADLINE_SLACK_NANOS, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return abandon(
            Status.CANCELLED.withDescription(
                "interrupted while waiting for the " + path.id() + " gateway"));
      } catch (TimeoutException e) {
        return abandon(
            Status.DEADLINE_EXCEEDED.withDescription(
                "no outcome from the " + path.id() + " gateway's call past its deadline"));
      } catch (ExecutionException e) {
        // Nothing completes the outcome exceptionally; kept for the checked exception.
        return Status.fromThrowable(e.getCause());
      }
    }

    private Status abandon(Status status) {
      ClientCallStreamObserver<PublishRequest> stream = requestStream;
      if (stream != null) {
        stream.cancel(status.getDescription(), null);
      }
      elapsedNanos = System.nanoTime() - start;
      return status;
    }
  }

  private static void logFailure(TweetPath path, int tweets, Status status) {
    if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
      log.error(
          "The {} gateway rejected a batch of {} tweets the ingress had validated: {}; the ingress and gateway"
              + " rules disagree, deploy matching versions",
          path.id(),
          tweets,
          status.getDescription());
    } else {
      log.warn(
          "The {} gateway did not acknowledge a batch of {} tweets: {} {}; the client is told to retry (503);"
              + " check that gateway and its broker",
          path.id(),
          tweets,
          status.getCode(),
          status.getDescription());
    }
  }

  private Timer latency(TweetPath path, Status status) {
    return Timer.builder("weather.forward.latency")
        .description("Time for a gateway to acknowledge one Publish call (a batch of tweets)")
        .tag(Meters.PATH, path.id())
        .tag("outcome", status.getCode().name().toLowerCase(Locale.ROOT))
        .publishPercentileHistogram()
        .register(meterRegistry);
  }
}
