package io.weathertweets.ingress.forward;

import io.grpc.Status;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards the tweets of concurrent requests together: requests that arrive while {@code
 * maxCallsInFlight} calls are already on their way to the gateways wait in a queue, and the next
 * call carries all of them (up to {@code maxTweetsPerCall}) as one {@code Publish} per gateway.
 * Under light load every request is forwarded at once and alone, so nothing waits for a timer;
 * under heavy load one gateway call and one broker acknowledgement round serve many requests, which
 * is what lets single-tweet requests approach the brokers' batch throughput.
 *
 * <p>A request that finds nobody queued and more than one slot free makes its call on its own
 * thread: handing it to the dispatcher and a call thread and back would cost three thread wake-ups
 * for nothing to coalesce with. The last free slot is always left to the dispatcher, so queued
 * requests never wait behind such direct calls for a slot.
 *
 * <p>A call is all-or-nothing for the gateways, so every request of a call gets that call's {@link
 * ForwardResult}: a request is answered 202 only if every tweet of its call was acknowledged. A
 * request is never split, and the tweets of requests forwarded together keep their own ids, so
 * counting and de-duplication downstream are unchanged.
 */
public final class Coalescer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Coalescer.class);

  private final Function<List<Tweet>, ForwardResult> forwarder;
  private final List<TweetPath> paths;
  private final int maxTweetsPerCall;
  private final Duration maxWait;
  private final Semaphore callSlots;
  private final ExecutorService calls;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final DistributionSummary tweetsPerCall;
  private final DistributionSummary requestsPerCall;
  private final Thread dispatcher;
  private volatile boolean closed;

  /** One request's tweets and the answer it waits for. */
  private record Pending(List<Tweet> tweets, CompletableFuture<ForwardResult> result) {}

  /**
   * @param forwarder sends one batch to every targeted gateway and says which acknowledged
   * @param paths the targeted paths (for the answer of calls that fail before reaching a gateway)
   * @param maxCallsInFlight gateway calls forwarded at once; requests beyond them are coalesced
   * @param maxTweetsPerCall most tweets one call carries (the gateways' batch limit)
   * @param maxWait longest a request waits for its answer, queued and in its call
   * @param calls runs each call; one virtual thread per call is enough, the calls block on the
   *     gateways
   */
  Coalescer(
      Function<List<Tweet>, ForwardResult> forwarder,
      List<TweetPath> paths,
      int maxCallsInFlight,
      int maxTweetsPerCall,
      Duration maxWait,
      ExecutorService calls,
      MeterRegistry meters) {
    if (maxCallsInFlight < 1 || maxTweetsPerCall < 1) {
      throw new IllegalArgumentException(
          "maxCallsInFlight and maxTweetsPerCall must be at least 1, were "
              + maxCallsInFlight
              + " and "
              + maxTweetsPerCall);
    }
    this.forwarder = forwarder;
    this.paths = List.copyOf(paths);
    this.maxTweetsPerCall = maxTweetsPerCall;
    this.maxWait = maxWait;
    this.callSlots = new Semaphore(maxCallsInFlight);
    this.calls = calls;
    this.tweetsPerCall =
        DistributionSummary.builder("weather.forward.call.tweets")
            .description(
                "Tweets carried by one call to the gateways (requests forwarded together add up)")
            .register(meters);
    this.requestsPerCall =
        DistributionSummary.builder("weather.forward.call.requests")
            .description("HTTP requests answered by one call to the gateways")
            .register(meters);
    this.dispatcher = Thread.ofPlatform().daemon().name("forward-dispatcher").start(this::dispatch);
  }

  /**
   * Forwards one request's tweets, possibly together with other requests' tweets, and returns what
   * the gateways answered for the call that carried them. Waits at most {@code maxWait} (queued,
   * then the call's own deadline); past it the answer is "unavailable", which the client retries (a
   * retried id is counted once downstream).
   */
  public ForwardResult forward(List<Tweet> tweets) {
    if (closed) {
      return unavailable("the ingress is shutting down");
    }
    if (queue.isEmpty() && callSlots.availablePermits() > 1 && callSlots.tryAcquire()) {
      return forwardDirectly(List.copyOf(tweets));
    }
    Pending pending = new Pending(List.copyOf(tweets), new CompletableFuture<>());
    queue.add(pending);
    if (closed && queue.remove(pending)) {
      return unavailable("the ingress is shutting down");
    }
    try {
      return pending.result().get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      queue.remove(pending);
      return unavailable(
          "not forwarded within " + maxWait.toMillis() + " ms: every gateway call was busy");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      queue.remove(pending);
      return unavailable("interrupted while waiting for the gateways");
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    }
  }

  /** One request's call on the request's thread; the caller took a slot, released here. */
  private ForwardResult forwardDirectly(List<Tweet> tweets) {
    try {
      tweetsPerCall.record(tweets.size());
      requestsPerCall.record(1);
      return forwarder.apply(tweets);
    } catch (RuntimeException | Error e) {
      log.error("Forwarding a request failed unexpectedly; it is answered with an error", e);
      throw new CompletionException(e);
    } finally {
      callSlots.release();
    }
  }

  /** Requests waiting for a free call slot. */
  int waiting() {
    return queue.size();
  }

  private void dispatch() {
    Pending holdover = null; // taken from the queue but did not fit into the previous call
    while (!closed) {
      List<Pending> batch = new ArrayList<>();
      boolean slotTaken = false;
      try {
        // A free call slot first: while every slot is busy, requests queue up and travel together
        // in the next call.
        callSlots.acquire();
        slotTaken = true;
        Pending first = holdover != null ? holdover : queue.take();
        holdover = null;
        batch.add(first);
        int size = first.tweets().size();
        for (Pending next = queue.poll(); next != null; next = queue.poll()) {
          if (size + next.tweets().size() > maxTweetsPerCall) {
            holdover = next;
            break;
          }
          batch.add(next);
          size += next.tweets().size();
        }
        calls.execute(() -> call(batch));
      } catch (InterruptedException e) {
        if (slotTaken) {
          callSlots.release();
        }
        fail(batch, e);
        break;
      } catch (Throwable e) {
        // The dispatcher must outlive any failure: without it every later request would wait for
        // maxWait.
        log.error(
            "Could not start a gateway call for {} requests; they are answered with an error",
            batch.size(),
            e);
        if (slotTaken) {
          callSlots.release();
        }
        fail(batch, e);
      }
    }
    // Closed: whoever still waits is told the ingress is stopping (the web server drained its
    // requests before).
    if (holdover != null) {
      holdover.result().complete(unavailable("the ingress is shutting down"));
    }
    for (Pending left = queue.poll(); left != null; left = queue.poll()) {
      left.result().complete(unavailable("the ingress is shutting down"));
    }
  }

  private void call(List<Pending> batch) {
    try {
      List<Tweet> tweets = batch.size() == 1 ? batch.getFirst().tweets() : concat(batch);
      tweetsPerCall.record(tweets.size());
      requestsPerCall.record(batch.size());
      ForwardResult result = forwarder.apply(tweets);
      batch.forEach(pending -> pending.result().complete(result));
    } catch (RuntimeException | Error e) {
      log.error(
          "Forwarding a call of {} requests failed unexpectedly; they are answered with an error",
          batch.size(),
          e);
      fail(batch, e);
    } finally {
      callSlots.release();
    }
  }

  private static List<Tweet> concat(List<Pending> batch) {
    List<Tweet> tweets = new ArrayList<>();
    batch.forEach(pending -> tweets.addAll(pending.tweets()));
    return tweets;
  }

  private static void fail(List<Pending> batch, Throwable e) {
    batch.forEach(pending -> pending.result().completeExceptionally(e));
  }

  private ForwardResult unavailable(String why) {
    Status status = Status.UNAVAILABLE.withDescription(why);
    Map<TweetPath, Status> failures = new EnumMap<>(TweetPath.class);
    paths.forEach(path -> failures.put(path, status));
    return new ForwardResult(List.of(), failures);
  }

  /** Stops taking requests; calls already made finish (each bounded by its deadline). */
  @Override
  public void close() {
    closed = true;
    dispatcher.interrupt();
    try {
      dispatcher.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    calls.close();
  }
}
