package io.weathertweets.ingress.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.proto.v1.Tweet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How requests share calls to the gateways; the gateway side is a recording function here. */
class CoalescerTest {
  private static final List<TweetPath> PATHS = List.of(TweetPath.KAFKA, TweetPath.RABBIT);
  private final List<List<String>> calls = new CopyOnWriteArrayList<>();
  private final CountDownLatch releaseFirstCall = new CountDownLatch(1);
  private final AtomicReference<Thread> lastCaller = new AtomicReference<>();
  private Coalescer coalescer;

  @AfterEach
  void close() {
    releaseFirstCall.countDown();
    if (coalescer != null) {
      coalescer.close();
    }
  }

  /** Records each call's tweet ids; the first call waits until the test releases it. */
  private Function<List<Tweet>, ForwardResult> gateway(ForwardResult answer) {
    return tweets -> {
      lastCaller.set(Thread.currentThread());
      calls.add(tweets.stream().map(Tweet::getId).toList());
      if (calls.size() == 1) {
        try {
          releaseFirstCall.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return answer;
    };
  }

  /** Calls never wait for each other. */
  private Coalescer coalescer(
      Function<List<Tweet>, ForwardResult> gateway, int callsInFlight, int maxTweets) {
    return coalescer(gateway, callsInFlight, Duration.ZERO, maxTweets);
  }

  private Coalescer coalescer(
      Function<List<Tweet>, ForwardResult> gateway,
      int callsInFlight,
      Duration partialWait,
      int maxTweets) {
    coalescer =
        new Coalescer(
            gateway,
            PATHS,
            callsInFlight,
            partialWait,
            maxTweets,
            Duration.ofSeconds(30),
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory()),
            new SimpleMeterRegistry());
    return coalescer;
  }

  private static List<Tweet> tweets(String... ids) {
    List<Tweet> tweets = new ArrayList<>();
    for (String id : ids) {
      tweets.add(Tweet.newBuilder().setId(id).build());
    }
    return tweets;
  }

  private static ForwardResult acknowledged() {
    return new ForwardResult(PATHS, Map.of());
  }

  /**
   * Waits until the dispatcher sleeps in its timed wait for the partial call (the only timed wait
   * it has), so that what the test does next must wake it.
   */
  private static void awaitDispatcherWaitingForThePartialCall() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(
                        thread ->
                            thread.getName().equals("forward-dispatcher")
                                && thread.getState() == Thread.State.TIMED_WAITING));
  }

  /** Sends a request "first" and waits until the gateway holds its call. */
  private CompletableFuture<ForwardResult> firstCallHeld(Coalescer coalescer) {
    CompletableFuture<ForwardResult> first = send(coalescer, "first");
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 1);
    return first;
  }

  private CompletableFuture<ForwardResult> send(Coalescer coalescer, String... ids) {
    return CompletableFuture.supplyAsync(
        () -> coalescer.forward(tweets(ids)), Executors.newVirtualThreadPerTaskExecutor());
  }

  @Test
  void aRequestAloneIsForwardedAtOnceAndAlone() {
    releaseFirstCall.countDown();
    Coalescer coalescer = coalescer(gateway(acknowledged()), 4, 1000);

    ForwardResult result = coalescer.forward(tweets("a", "b"));

    assertThat(result.allAcknowledged()).isTrue();
    assertThat(calls).containsExactly(List.of("a", "b"));
  }

  @Test
  void requestsArrivingWhileEveryCallIsBusyTravelTogetherAndShareItsAnswer() {
    ForwardResult answer = acknowledged();
    Coalescer coalescer = coalescer(gateway(answer), 1, 1000);
    CompletableFuture<ForwardResult> first = firstCallHeld(coalescer);

    List<CompletableFuture<ForwardResult>> waiting =
        IntStream.range(0, 5).mapToObj(i -> send(coalescer, "w" + i)).toList();
    await().atMost(Duration.ofSeconds(10)).until(() -> coalescer.waiting() == 5);
    assertThat(calls).hasSize(1);
    releaseFirstCall.countDown();

    assertThat(first.join()).isSameAs(answer);
    waiting.forEach(request -> assertThat(request.join()).isSameAs(answer));
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1)).containsExactlyInAnyOrder("w0", "w1", "w2", "w3", "w4");
  }

  @Test
  void aCallCarriesAtMostTheTweetLimitAndNeverSplitsARequest() {
    Coalescer coalescer = coalescer(gateway(acknowledged()), 1, 3);
    CompletableFuture<ForwardResult> first = firstCallHeld(coalescer);
    List<CompletableFuture<ForwardResult>> waiting = new ArrayList<>();
    waiting.add(send(coalescer, "a1", "a2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> coalescer.waiting() == 1);
    waiting.add(send(coalescer, "b1", "b2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> coalescer.waiting() == 2);
    waiting.add(send(coalescer, "big1", "big2", "big3", "big4"));
    await().atMost(Duration.ofSeconds(10)).until(() -> coalescer.waiting() == 3);
    releaseFirstCall.countDown();

    first.join();
    waiting.forEach(CompletableFuture::join);
    assertThat(calls)
        .containsExactly(
            List.of("first"),
            List.of("a1", "a2"),
            List.of("b1", "b2"),
            List.of("big1", "big2", "big3", "big4"));
  }

  @Test
  void aRequestThatFindsSlotsFreeAndNobodyQueuedCallsOnItsOwnThread() {
    releaseFirstCall.countDown();
    List<Thread> callers = new CopyOnWriteArrayList<>();
    Coalescer coalescer =
        coalescer(
            tweets -> {
              callers.add(Thread.currentThread());
              return acknowledged();
            },
            4,
            1000);

    assertThat(coalescer.forward(tweets("a")).allAcknowledged()).isTrue();

    assertThat(callers).containsExactly(Thread.currentThread());
  }

  @Test
  void theLastFreeSlotIsLeftToQueuedRequests() {
    // Two slots: while the first request is in its call, at most one slot is free, which only the
    // dispatcher may take; so the second is queued and the dispatcher forwards it at once.
    List<Thread> callers = new CopyOnWriteArrayList<>();
    Coalescer coalescer =
        coalescer(
            tweets -> {
              callers.add(Thread.currentThread());
              return gateway(acknowledged()).apply(tweets);
            },
            2,
            1000);
    CompletableFuture<ForwardResult> first = firstCallHeld(coalescer);

    ForwardResult second = coalescer.forward(tweets("second"));

    assertThat(second.allAcknowledged()).isTrue();
    assertThat(callers.get(1)).isNotSameAs(Thread.currentThread());
    releaseFirstCall.countDown();
    assertThat(first.join().allAcknowledged()).isTrue();
    assertThat(calls).containsExactly(List.of("first"), List.of("second"));
  }

  @Test
  void whileAPartialCallIsBusyLaterRequestsWaitForItAndTravelTogether() {
    ForwardResult answer = acknowledged();
    Coalescer coalescer = coalescer(gateway(answer), 8, Duration.ofSeconds(30), 1000);
    CompletableFuture<ForwardResult> first = firstCallHeld(coalescer);

    List<CompletableFuture<ForwardResult>> waiting =
        IntStream.range(0, 3).mapToObj(i -> send(coalescer, "w" + i)).toList();
    await().atMost(Duration.ofSeconds(10)).until(() -> coalescer.waiting() == 3);
    awaitDispatcherWaitingForThePartialCall();
    // Seven call slots are free, yet none of them carries a partial call beside the first.
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> calls.size() == 1);
    releaseFirstCall.countDown();

    assertThat(first.join()).isSameAs(answer);
    // Woken by the partial call's end, not by its 30 s partial wait.
    waiting.forEach(
        request -> assertThat(request).succeedsWithin(Duration.ofSeconds(5)).isSameAs(answer));
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1)).containsExactlyInAnyOrder("w0", "w1", "w2");
    assertEveryPermitCameBack(coalescer);
  }

  @Test
  void aFullCallDoesNotWaitForAPartialOne() {
    Coalescer coalescer = coalescer(gateway(acknowledged()), 8, Duration.ofSeconds(30), 3);
    CompletableFuture<ForwardResult> first = firstCallHeld(coalescer);

    // A request that fills a call by itself, while the first call is still held by the gateway.
    CompletableFuture<ForwardResult> full = send(coalescer, "f1", "f2", "f3");
    assertThat(full.join().allAcknowledged()).isTrue();
    // A queued call that the next request would overflow is as full as it gets.
    CompletableFuture<ForwardResult> a = send(coalescer, "a1", "a2");
    await().atMost(Duration.ofSeconds(10)).until(() -> coalescer.waiting() == 1);
    awaitDispatcherWaitingForThePartialCall();
    CompletableFuture<ForwardResult> b = send(coalescer, "b1", "b2");
    // Woken by b's arrival, not by the 30 s partial wait.
    assertThat(a).succeedsWithin(Duration.ofSeconds(5)).matches(ForwardResult::allAcknowledged);

    assertThat(calls)
        .containsExactly(List.of("first"), List.of("f1", "f2", "f3"), List.of("a1", "a2"));
    releaseFirstCall.countDown();
    assertThat(first.join().allAcknowledged()).isTrue();
    assertThat(b.join().allAcknowledged()).isTrue();
    assertThat(calls).last().isEqualTo(List.of("b1", "b2"));
    assertEveryPermitCameBack(coalescer);
  }

  @Test
  void aRequestWaitsForAStuckPartialCallNoLongerThanThePartialWait() {
    Coalescer coalescer = coalescer(gateway(acknowledged()), 8, Duration.ofMillis(200), 1000);
    CompletableFuture<ForwardResult> first = firstCallHeld(coalescer);

    long start = System.nanoTime();
    ForwardResult second = coalescer.forward(tweets("second"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    // The first call is still held by the gateway: the second went in a call of its own.
    assertThat(second.allAcknowledged()).isTrue();
    assertThat(first).isNotDone();
    assertThat(took).isBetween(Duration.ofMillis(200), Duration.ofSeconds(5));
    assertThat(calls).containsExactly(List.of("first"), List.of("second"));
    releaseFirstCall.countDown();
    assertThat(first.join().allAcknowledged()).isTrue();
    assertEveryPermitCameBack(coalescer);
  }

  @Test
  void closingWhileAPartialCallWaitsTellsItsRequestsTheIngressIsStopping() {
    Coalescer coalescer = coalescer(gateway(acknowledged()), 8, Duration.ofSeconds(30), 1000);
    CompletableFuture<ForwardResult> first = firstCallHeld(coalescer);
    CompletableFuture<ForwardResult> held = send(coalescer, "held");
    await().atMost(Duration.ofSeconds(10)).until(() -> coalescer.waiting() == 1);

    coalescer.close();

    assertThat(held.join().failures().get(TweetPath.KAFKA).getDescription())
        .contains("shutting down");
    assertThat(calls).containsExactly(List.of("first"));
    // A call on its way when the ingress stops still gets its answer.
    releaseFirstCall.countDown();
    assertThat(first.join().allAcknowledged()).isTrue();
  }

  /**
   * With nothing in flight, a lone request calls on its own thread: it finds a free call slot and
   * the partial call free, so no earlier call kept either (a call gives them back just after it
   * answered its requests, hence the wait).
   */
  private void assertEveryPermitCameBack(Coalescer coalescer) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                coalescer.forward(tweets("lone")).allAcknowledged()
                    && lastCaller.get() == Thread.currentThread());
  }

  @Test
  void aFailedCallFailsEveryRequestItCarried() {
    Coalescer coalescer =
        coalescer(
            tweets -> {
              calls.add(List.of());
              throw new IllegalStateException("gateway client broke");
            },
            2,
            1000);

    assertThatThrownBy(() -> coalescer.forward(tweets("a")))
        .isInstanceOf(CompletionException.class)
        .hasRootCauseMessage("gateway client broke");
  }

  @Test
  void aRequestQueuedLongerThanItsWaitIsAnsweredUnavailableAndNotForwarded() {
    coalescer =
        new Coalescer(
            gateway(acknowledged()),
            PATHS,
            1,
            Duration.ZERO,
            1000,
            Duration.ofMillis(300),
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory()),
            new SimpleMeterRegistry());
    CompletableFuture<ForwardResult> first = firstCallHeld(coalescer);

    ForwardResult late = coalescer.forward(tweets("late"));

    assertThat(late.allAcknowledged()).isFalse();
    assertThat(late.failures().get(TweetPath.RABBIT).getDescription())
        .contains("not forwarded within 300 ms");
    assertThat(coalescer.waiting()).isZero();
    releaseFirstCall.countDown();
    assertThat(first.join().allAcknowledged())
        .isFalse(); // the first call itself outlived its 300 ms wait
    assertThat(calls).containsExactly(List.of("first"));
  }

  @Test
  void afterCloseRequestsAreToldTheIngressIsStopping() {
    releaseFirstCall.countDown();
    Coalescer coalescer = coalescer(gateway(acknowledged()), 1, 1000);
    coalescer.close();

    ForwardResult result = coalescer.forward(tweets("late"));

    assertThat(result.allAcknowledged()).isFalse();
    assertThat(result.failures()).containsOnlyKeys(PATHS);
    assertThat(result.failures().get(TweetPath.KAFKA).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(result.failures().get(TweetPath.KAFKA).getDescription()).contains("shutting down");
    assertThat(calls).isEmpty();
  }
}
