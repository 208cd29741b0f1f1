package io.weathertweets.faults;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A client that behaves as the API asks clients to: batches of tweets with their own ids posted to
 * {@code POST /api/tweets} at a fixed rate, and every batch that is not answered 202 (503, 429, a
 * refused or broken connection, a timeout) resent unchanged — same ids, same event times — until it
 * is, within a bound. The ids answered 202 are the ground truth the stores are checked against.
 */
final class LoadDriver implements AutoCloseable {
  /**
   * How long one batch is retried before the driver gives up on it (reported, and a failed
   * scenario).
   */
  static final Duration GIVE_UP_AFTER = Duration.ofSeconds(150);

  record SentTweet(
      String id,
      Municipality municipality,
      int temperature,
      int humidity,
      Condition condition,
      long eventMs) {
    String json() {
      return "{\"id\":\""
          + id
          + "\",\"municipality\":\""
          + municipality.id()
          + "\",\"temperature\":"
          + temperature
          + ",\"humidity\":"
          + humidity
          + ",\"weather\":\""
          + condition.id()
          + "\",\"timestamp\":"
          + eventMs
          + "}";
    }
  }

  private final URI tweets;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .executor(Executors.newVirtualThreadPerTaskExecutor())
          .build();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * Resends after the load ({@link Backoff#AFTER_THE_LOAD}) share this many connections, as a
   * client's connection pool would: tens of thousands of refused batches resent at once would be a
   * second, larger overload of their own (connect timeouts at a full accept queue) and the backlog
   * would not drain; 64 at a time it drains at the rate the system sustains.
   */
  static final int DRAIN_CONNECTIONS = 64;

  private final Semaphore drainSlots = new Semaphore(DRAIN_CONNECTIONS);
  private final Random random;

  LoadDriver(URI ingress, long seed) {
    this.tweets = ingress.resolve("/api/tweets");
    this.random = new Random(seed);
  }

  /**
   * How a refused batch waits before it is resent. {@link #RETRY_AFTER}: what the answer's {@code
   * Retry-After} says (capped at 2 s), else 200 ms times the attempt. {@link #AFTER_THE_LOAD}: not
   * before the run's schedule of new batches has ended, then never sooner than {@code Retry-After}
   * and with a delay doubling from 1 s up to 8 s with full jitter. The load offered while the
   * schedule runs is then exactly the scheduled rate, not a rate that grows with the backlog of
   * refused batches, yet every batch is still resent until accepted.
   */
  enum Backoff {
    RETRY_AFTER,
    AFTER_THE_LOAD
  }

  /** Starts sending {@code rate} tweets/s in batches of {@code batchSize} for {@code duration}. */
  Run start(String scenario, int rate, int batchSize, Duration duration) {
    return start(scenario, rate, batchSize, duration, Backoff.RETRY_AFTER);
  }

  /**
   * Open loop: a new batch every {@code batchSize / rate} seconds, however slowly the ingress
   * answers.
   */
  Run start(String scenario, int rate, int batchSize, Duration duration, Backoff backoff) {
    long intervalMicros = Math.max(1, 1_000_000L * batchSize / rate);
    int batches = (int) Math.max(1, duration.toNanos() / 1000 / intervalMicros);
    Run run = new Run(scenario, rate, batchSize, duration, backoff);
    AtomicInteger next = new AtomicInteger();
    CompletableFuture<Void> allScheduled = new CompletableFuture<>();
    run.scheduled = allScheduled;
    ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
    task[0] =
        ticker.scheduleAtFixedRate(
            () -> {
              int n = next.getAndIncrement();
              if (n >= batches) {
                allScheduled.complete(null);
                task[0].cancel(false);
                return;
              }
              List<SentTweet> batch = newBatch(run, n, batchSize);
              run.pending.add(
                  CompletableFuture.runAsync(() -> sendUntilAccepted(run, batch), senders));
            },
            0,
            intervalMicros,
            TimeUnit.MICROSECONDS);
    return run;
  }

  /**
   * Closed loop: {@code clients} clients, each sending its next batch as soon as the previous one
   * was accepted, for {@code duration}. The rate is whatever the system sustains at that
   * concurrency.
   */
  Run closedLoop(String scenario, int clients, int batchSize, Duration duration) {
    Run run = new Run(scenario, 0, batchSize, duration, Backoff.RETRY_AFTER);
    AtomicInteger next = new AtomicInteger();
    long endAt = System.nanoTime() + duration.toNanos();
    for (int c = 0; c < clients; c++) {
      run.pending.add(
          CompletableFuture.runAsync(
              () -> {
                while (System.nanoTime() - endAt < 0 && !Thread.currentThread().isInterrupted()) {
                  sendUntilAccepted(run, newBatch(run, next.getAndIncrement(), batchSize));
                }
              },
              senders));
    }
    run.scheduled = CompletableFuture.completedFuture(null);
    return run;
  }

  private List<SentTweet> newBatch(Run run, int n, int batchSize) {
    List<SentTweet> batch = new ArrayList<>(batchSize);
    long now = System.currentTimeMillis();
    for (int i = 0; i < batchSize; i++) {
      batch.add(nextTweet(run.scenario + "-" + n + "-" + i, now));
    }
    batch.forEach(t -> run.sent.put(t.id(), t));
    return batch;
  }

  private synchronized SentTweet nextTweet(String id, long now) {
    Municipality[] ms = Municipality.values();
    Condition[] cs = Condition.values();
    return new SentTweet(
        id,
        ms[random.nextInt(ms.length)],
        random.nextInt(111) - 50,
        random.nextInt(101),
        cs[random.nextInt(cs.length)],
        now);
  }

  private void sendUntilAccepted(Run run, List<SentTweet> batch) {
    StringBuilder body = new StringBuilder("[");
    for (SentTweet t : batch) {
      body.append(body.length() > 1 ? "," : "").append(t.json());
    }
    String json = body.append(']').toString();
    long giveUpAt = System.nanoTime() + GIVE_UP_AFTER.toNanos();
    for (int attempt = 1; ; attempt++) {
      run.requests.incrementAndGet();
      if (attempt > 1) {
        run.retries.incrementAndGet();
      }
      long backoffMs =
          run.backoff == Backoff.AFTER_THE_LOAD
              ? ThreadLocalRandom.current().nextLong(1, 1000L << Math.min(attempt - 1, 3))
              : Math.min(2000, 200L * attempt);
      boolean drainSlot = false;
      long sentAt = System.nanoTime();
      try {
        if (attempt > 1 && run.backoff == Backoff.AFTER_THE_LOAD) {
          drainSlots.acquire();
          drainSlot = true;
          sentAt = System.nanoTime();
        }
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(tweets)
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        run.latency(System.nanoTime() - sentAt);
        run.outcome(String.valueOf(status), attempt);
        if (status == 202) {
          batch.forEach(t -> run.accepted.add(t.id()));
          return;
        }
        if (status != 503 && status != 429) {
          // Only "try again later" answers may be retried; anything else is an unclear refusal.
          run.unclear("HTTP " + status + ": " + abbreviate(response.body()));
          if (status < 500) {
            batch.forEach(t -> run.refused.add(t.id()));
            return;
          }
        }
        long retryAfterMs =
            response
                .headers()
                .firstValue("Retry-After")
                .map(LoadDriver::seconds)
                .map(s -> s * 1000)
                .orElse(-1L);
        backoffMs =
            run.backoff == Backoff.AFTER_THE_LOAD
                ? Math.max(retryAfterMs, backoffMs)
                : retryAfterMs >= 0 ? Math.min(2000, retryAfterMs) : backoffMs;
      } catch (IOException e) {
        // The ingress is down or died mid-request: the batch may or may not have gone through;
        // resend it.
        run.outcome("io:" + e.getClass().getSimpleName(), attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        if (drainSlot) {
          drainSlots.release();
        }
      }
      if (System.nanoTime() - giveUpAt > 0) {
        batch.forEach(t -> run.gaveUp.add(t.id()));
        return;
      }
      try {
        if (run.backoff == Backoff.AFTER_THE_LOAD) {
          run.scheduled.get();
        }
        // Deliberate client backoff between retries, as a polite client does.
        Thread.sleep(backoffMs);
      } catch (ExecutionException e) {
        throw new IllegalStateException("The schedule of " + run.scenario + " failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static long seconds(String retryAfter) {
    try {
      return Long.parseLong(retryAfter.trim());
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    senders.shutdownNow();
    http.close();
  }

  /** One scenario's load: what was sent, what was accepted, how the ingress answered. */
  static final class Run {
    final String scenario;
    final int rate;
    final int batchSize;
    final Duration duration;
    final Backoff backoff;

    /**
     * Requests answered (any HTTP status) per millisecond of latency, the last slot holding
     * everything slower.
     */
    private final AtomicLongArray latencyMs = new AtomicLongArray(30_001);

    final Map<String, SentTweet> sent = new ConcurrentHashMap<>();
    final Set<String> accepted = ConcurrentHashMap.newKeySet();
    final Set<String> gaveUp = ConcurrentHashMap.newKeySet();
    final Set<String> refused = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    final List<String> unclearAnswers = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicLong requests = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final List<CompletableFuture<Void>> pending = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile CompletableFuture<Void> scheduled;

    Run(String scenario, int rate, int batchSize, Duration duration, Backoff backoff) {
      this.scenario = scenario;
      this.rate = rate;
      this.batchSize = batchSize;
      this.duration = duration;
      this.backoff = backoff;
    }

    void latency(long nanos) {
      latencyMs.incrementAndGet((int) Math.min(latencyMs.length() - 1, nanos / 1_000_000));
    }

    /**
     * The latency (ms) that {@code quantile} of the answered requests did not exceed; 0 when none
     * was answered.
     */
    long latencyQuantileMs(double quantile) {
      long total = 0;
      for (int i = 0; i < latencyMs.length(); i++) {
        total += latencyMs.get(i);
      }
      long rank = (long) Math.ceil(quantile * total);
      long seen = 0;
      for (int i = 0; i < latencyMs.length(); i++) {
        seen += latencyMs.get(i);
        if (seen >= rank && seen > 0) {
          return i;
        }
      }
      return 0;
    }

    /** Answers to first attempts only: the load as offered, before any resend. */
    final Map<String, AtomicLong> firstOutcomes = new ConcurrentHashMap<>();

    void outcome(String key, int attempt) {
      outcomes.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
      if (attempt == 1) {
        firstOutcomes.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
      }
    }

    void unclear(String answer) {
      if (unclearAnswers.size() < 20) {
        unclearAnswers.add(answer);
      }
      outcomes.computeIfAbsent("unclear", k -> new AtomicLong()).incrementAndGet();
    }

    /** Waits until every batch was scheduled and got its final answer (202 or given up). */
    void awaitSettled(Duration max) throws TimeoutException {
      try {
        scheduled.get(max.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
            .get(max.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TimeoutException("interrupted");
      } catch (ExecutionException e) {
        throw new IllegalStateException("A sender failed", e.getCause());
      }
    }

    List<SentTweet> acceptedTweets() {
      return accepted.stream().map(sent::get).toList();
    }

    Map<String, Long> outcomeCounts() {
      return counts(outcomes);
    }

    Map<String, Long> firstAttemptCounts() {
      return counts(firstOutcomes);
    }

    private static Map<String, Long> counts(Map<String, AtomicLong> outcomes) {
      Map<String, Long> counts = new TreeMap<>();
      outcomes.forEach((k, v) -> counts.put(k, v.get()));
      return counts;
    }
  }
}
