package io.weathertweets.ingress.forward;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.PublishResponse;
import io.weathertweets.proto.v1.Tweet;
import io.weathertweets.proto.v1.TweetIngestServiceGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a batch of validated tweets to every targeted gateway with one {@code Publish} call each,
 * in parallel, and reports which acknowledged. Each call has a deadline, so a request never waits
 * longer than that for a gateway that does not answer.
 */
public class Forwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

  private final Map<TweetPath, TweetIngestServiceGrpc.TweetIngestServiceBlockingStub> stubs =
      new EnumMap<>(TweetPath.class);
  private final ExecutorService executor;
  private final Duration deadline;
  private final MeterRegistry meterRegistry;

  /** The common case's timer, looked up once instead of per call. */
  private final Map<TweetPath, Timer> acknowledgedLatency = new EnumMap<>(TweetPath.class);

  Forwarder(
      Gateways gateways, ExecutorService executor, Duration deadline, MeterRegistry meterRegistry) {
    for (Map.Entry<TweetPath, ManagedChannel> gateway : gateways.channels().entrySet()) {
      stubs.put(gateway.getKey(), TweetIngestServiceGrpc.newBlockingStub(gateway.getValue()));
    }
    this.executor = executor;
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
    Map<TweetPath, Status> outcomes = new LinkedHashMap<>();
    if (stubs.size() == 1) {
      // Nothing to overlap with: stay on the request's own thread.
      stubs.forEach((path, stub) -> outcomes.put(path, publish(path, stub, request)));
    } else {
      Map<TweetPath, Future<Status>> calls = new LinkedHashMap<>();
      stubs.forEach(
          (path, stub) -> calls.put(path, executor.submit(() -> publish(path, stub, request))));
      calls.forEach((path, call) -> outcomes.put(path, await(path, call)));
    }
    List<TweetPath> acknowledged = new ArrayList<>();
    Map<TweetPath, Status> failures = new EnumMap<>(TweetPath.class);
    outcomes.forEach(
        (path, status) -> {
          if (status.isOk()) {
            acknowledged.add(path);
          } else {
            failures.put(path, status);
          }
        });
    return new ForwardResult(acknowledged, failures);
  }

  private Status publish(
      TweetPath path,
      TweetIngestServiceGrpc.TweetIngestServiceBlockingStub stub,
      PublishRequest request) {
    long start = System.nanoTime();
    Status status;
    try {
      PublishResponse response =
          stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS).publish(request);
      status =
          response.getIdsCount() == request.getTweetsCount()
              ? Status.OK
              : Status.INTERNAL.withDescription(
                  "gateway acknowledged "
                      + response.getIdsCount()
                      + " of "
                      + request.getTweetsCount()
                      + " tweets");
    } catch (StatusRuntimeException e) {
      status = e.getStatus();
    }
    (status.isOk() ? acknowledgedLatency.get(path) : latency(path, status))
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
      log.error(
          "The {} gateway rejected a batch of {} tweets the ingress had validated: {}; the ingress and gateway"
              + " rules disagree, deploy matching versions",
          path.id(),
          request.getTweetsCount(),
          status.getDescription());
    } else if (!status.isOk()) {
      log.warn(
          "The {} gateway did not acknowledge a batch of {} tweets: {} {}; the client is told to retry (503);"
              + " check that gateway and its broker",
          path.id(),
          request.getTweetsCount(),
          status.getCode(),
          status.getDescription());
    }
    return status;
  }

  /** Waits for calls in flight (each bounded by its deadline), then releases the executor. */
  @Override
  public void close() {
    executor.close();
  }

  private Timer latency(TweetPath path, Status status) {
    return Timer.builder("weather.forward.latency")
        .description("Time for a gateway to acknowledge one Publish call (a batch of tweets)")
        .tag("path", path.id())
        .tag("outcome", status.getCode().name().toLowerCase(Locale.ROOT))
        .publishPercentileHistogram()
        .register(meterRegistry);
  }

  private static Status await(TweetPath path, Future<Status> call) {
    try {
      // The call itself has a deadline, so this wait is bounded.
      return call.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.cancel(true);
      return Status.CANCELLED.withDescription(
          "interrupted while waiting for the " + path.id() + " gateway");
    } catch (ExecutionException e) {
      return Status.fromThrowable(e.getCause());
    }
  }
}
