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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards the tweets of concurrent requests together: requests that arrive while {@code
 * maxCallsInFlight} calls are already on their way to the gateways wait in a queue, and the next
 * call carries all of them (up to {@code maxTweetsPerCall}) as one {@code Publish} per gateway.
 * Under light load every request is forwarded at once and alone; under heavy load one gateway call
 * and one broker acknowledgement round serve many requests, which is what lets single-tweet
 * requests approach the brokers' batch throughput.
 *
 * <p>Only one <em>partial</em> call, one that carries fewer than {@code maxTweetsPerCall} tweets,
 * goes without waiting at a time. The next partial call waits for it to finish, at most {@code
 * partialWait} from the arrival of its oldest request, gathering the requests that arrive
 * meanwhile, as Nagle's algorithm does for small TCP segments: at moderate load, single tweets
 * share calls instead of each paying for its own gRPC call and broker round trip at every gateway.
 * Past {@code partialWait} it goes anyway, so a slow or stuck call delays the others by no more
 * than that; a call that is full (the next request would not fit) does not wait at all, so large
 * batches still use every slot. While it waits, the dispatcher sleeps until the partial call
 * finishes, the requests queued behind it would fill its call, or its time is up: at a steady rate
 * of single tweets it wakes once per call, not on a timer.
 *
 * <p>A request that finds nobody queued, more than one slot free and no partial call on its way
 * makes its call on its own thread: handing it to the dispatcher and a call thread and back would
 * cost three thread wake-ups for nothing to coalesce with. The last free slot is always left to the
 * dispatcher, so queued requests never wait behind such direct calls for a slot.
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
  private final Semaphore partialCall = new Semaphore(1);
  private final long partialWaitNanos;
  private final ExecutorService calls;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final DistributionSummary tweetsPerCall;
  private final DistributionSummary requestsPerCall;
  private final Thread dispatcher;
  private volatile boolean closed;

  /** Requests queued or taken by the dispatcher, whose call has not started yet. */
  private final AtomicInteger undispatched = new AtomicInteger();

  /** Tweets of the requests in the queue (not yet taken by the dispatcher). */
  private final AtomicInteger queuedTweets = new AtomicInteger();

  /**
   * While the dispatcher waits for the partial call: the queued tweets that would fill its call (an
   * arrival that reaches them wakes it); otherwise no count does.
   */
  private volatile int queuedTweetsThatFill = Integer.MAX_VALUE;

  private final ReentrantLock dispatcherLock = new ReentrantLock();

  /** Signalled when the partial call finishes and when queued tweets would fill a waiting call. */
  private final Condition dispatcherWake = dispatcherLock.newCondition();

  /** One request's tweets, when it was queued ({@link System#nanoTime()}) and its answer. */
  private record Pending(
      List<Tweet> tweets, long queuedAt, CompletableFuture<ForwardResult> result) {}

  /**
   * @param forwarder sends one batch to every targeted gateway and says which acknowledged
   * @param paths the targeted paths (for the answer of calls that fail before reaching a gateway)
   * @param maxCallsInFlight gateway calls forwarded at once; requests beyond them are coalesced
   * @param partialWait longest a request waits for the partial call on its way before it goes in a
   *     call of its own (zero: it never waits)
   * @param maxTweetsPerCall most tweets one call carries (the gateways' batch limit)
   * @param maxWait longest a request waits for its answer, queued and in its call
   * @param calls runs each call; one virtual thread per call is enough, the calls block on the
   *     gateways
   */
  Coalescer(
      Function<List<Tweet>, ForwardResult> forwarder,
      List<TweetPath> paths,
      int maxCallsInFlight,
      Duration partialWait,
      int maxTweetsPerCall,
      Duration maxWait,
      ExecutorService calls,
      MeterRegistry meters) {
    if (maxCallsInFlight < 1 || maxTweetsPerCall < 1 || partialWait.isNegative()) {
      throw new IllegalArgumentException(
          "maxCallsInFlight and maxTweetsPerCall must be at least 1 and partialWait not negative,"
              + " were "
              + maxCallsInFlight
              + ", "
              + maxTweetsPerCall
              + " and "
              + partialWait);
    }
    this.forwarder = forwarder;
    this.paths = List.copyOf(paths);
    this.maxTweetsPerCall = maxTweetsPerCall;
    this.maxWait = maxWait;
    this.callSlots = new Semaphore(maxCallsInFlight);
    this.partialWaitNanos = partialWait.toNanos();
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
    List<Tweet> copy = List.copyOf(tweets);
    if (undispatched.get() == 0 && callSlots.availablePermits() > 1 && callSlots.tryAcquire()) {
      boolean partial = copy.size() < maxTweetsPerCall;
      boolean partialTaken = partial && partialCall.tryAcquire();
      if (!partial || partialTaken || partialWaitNanos == 0) {
        return forwardDirectly(copy, partialTaken);
      }
      callSlots.release();
    }
    Pending pending = new Pending(copy, System.nanoTime(), new CompletableFuture<>());
    undispatched.incrementAndGet();
    queue.add(pending);
    if (queuedTweets.addAndGet(copy.size()) >= queuedTweetsThatFill) {
      wakeDispatcher();
    }
    if (closed && dequeue(pending)) {
      return unavailable("the ingress is shutting down");
    }
    try {
      return pending.result().get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return giveUp(
          pending,
          "not forwarded within " + maxWait.toMillis() + " ms: every gateway call was busy");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return giveUp(pending, "interrupted while waiting for the gateways");
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    }
  }

  private boolean dequeue(Pending pending) {
    if (queue.remove(pending)) {
      undispatched.decrementAndGet();
      queuedTweets.addAndGet(-pending.tweets().size());
      return true;
    }
    return false;
  }

  /**
   * Answers a request that stops waiting. A call that starts from now on leaves it out; one that
   * has already answered it wins; one already on its way still carries its tweets (the client's
   * retry is counted once downstream).
   */
  private ForwardResult giveUp(Pending pending, String why) {
    dequeue(pending);
    ForwardResult late = unavailable(why);
    return pending.result().complete(late) ? late : pending.result().join();
  }

  /**
   * One request's call on the request's thread; the caller took a call slot and, if {@code
   * partialTaken}, the partial call, both released here.
   */
  private ForwardResult forwardDirectly(List<Tweet> tweets, boolean partialTaken) {
    try {
      tweetsPerCall.record(tweets.size());
      requestsPerCall.record(1);
      return forwarder.apply(tweets);
    } catch (RuntimeException | Error e) {
      log.error("Forwarding a request failed unexpectedly; it is answered with an error", e);
      throw new CompletionException(e);
    } finally {
      release(partialTaken);
    }
  }

  private void release(boolean partialTaken) {
    if (partialTaken) {
      partialCall.release();
      wakeDispatcher();
    }
    callSlots.release();
  }

  private void wakeDispatcher() {
    dispatcherLock.lock();
    try {
      dispatcherWake.signal();
    } finally {
      dispatcherLock.unlock();
    }
  }

  /**
   * Sleeps until the partial call is free, the queue holds {@code room} tweets (enough to fill the
   * dispatcher's call) or {@code nanos} passed. Both conditions are checked under the lock the
   * wakers signal under; an arrival adds its tweets before it reads the threshold, which is set
   * here before the count is read, so one of the two sees the other and no wake-up is lost. The
   * bound on the sleep stands either way.
   */
  private void awaitPartialCallOrFill(int room, long nanos) throws InterruptedException {
    dispatcherLock.lock();
    try {
      queuedTweetsThatFill = room;
      if (partialCall.availablePermits() == 0 && queuedTweets.get() < room) {
        dispatcherWake.awaitNanos(nanos);
      }
    } finally {
      queuedTweetsThatFill = Integer.MAX_VALUE;
      dispatcherLock.unlock();
    }
  }

  /** A request the dispatcher took from the queue (null: none was there). */
  private Pending taken(Pending pending) {
    if (pending != null) {
      queuedTweets.addAndGet(-pending.tweets().size());
    }
    return pending;
  }

  /** Requests waiting for their call to start. */
  int waiting() {
    return undispatched.get();
  }

  private void dispatch() {
    Pending holdover = null; // taken from the queue but did not fit into the previous call
    while (!closed) {
      List<Pending> batch = new ArrayList<>();
      boolean slotTaken = false;
      boolean partialTaken = false;
      try {
        // A free call slot first: while every slot is busy, requests queue up and travel together
        // in the next call.
        callSlots.acquire();
        slotTaken = true;
        Pending first = holdover != null ? holdover : taken(queue.take());
        long waitEnds = first.queuedAt() + partialWaitNanos;
        holdover = null;
        batch.add(first);
        int size = first.tweets().size();
        while (true) {
          for (Pending next = taken(queue.poll()); next != null; next = taken(queue.poll())) {
            if (size + next.tweets().size() > maxTweetsPerCall) {
              holdover = next;
              break;
            }
            batch.add(next);
            size += next.tweets().size();
          }
          if (holdover != null || size >= maxTweetsPerCall) {
            break; // full: goes without waiting for the partial call
          }
          // Room for more: wait for the partial call to finish, taking in what arrives meanwhile.
          if (partialCall.tryAcquire()) {
            partialTaken = true;
            break;
          }
          long left = waitEnds - System.nanoTime();
          if (left <= 0) {
            break; // waited long enough: a call of its own
          }
          awaitPartialCallOrFill(maxTweetsPerCall - size, left);
        }
        boolean partialCallTaken = partialTaken;
        calls.execute(() -> call(batch, partialCallTaken));
      } catch (InterruptedException e) {
        // Only close() interrupts the dispatcher.
        releaseTaken(slotTaken, partialTaken);
        batch.forEach(
            pending -> pending.result().complete(unavailable("the ingress is shutting down")));
        break;
      } catch (Throwable e) {
        // The dispatcher must outlive any failure: without it every later request would wait for
        // maxWait.
        log.error(
            "Could not start a gateway call for {} requests; they are answered with an error",
            batch.size(),
            e);
        releaseTaken(slotTaken, partialTaken);
        fail(batch, e);
      } finally {
        // The batch's requests left the queue: started, answered or failed.
        undispatched.addAndGet(-batch.size());
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

  private void releaseTaken(boolean slotTaken, boolean partialTaken) {
    if (slotTaken) {
      release(partialTaken);
    }
  }

  private void call(List<Pending> taken, boolean partialTaken) {
    // Requests answered while they were held (their wait ran out) are not forwarded.
    List<Pending> batch = taken.stream().filter(pending -> !pending.result().isDone()).toList();
    try {
      if (batch.isEmpty()) {
        return;
      }
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
      release(partialTaken);
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
