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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that behaves as the API asks clients to: batches of tweets with their own ids posted to
 * {@code POST /api/tweets} at a fixed rate, and every batch that is not answered 202 (503, 429, a refused or
 * broken connection, a timeout) resent unchanged — same ids, same event times — until it is, within a bound.
 * The ids answered 202 are the ground truth the stores are checked against.
 */
final class LoadDriver implements AutoCloseable {
  /** How long one batch is retried before the driver gives up on it (reported, and a failed scenario). */
  static final Duration GIVE_UP_AFTER = Duration.ofSeconds(150);

  record SentTweet(String id, Municipality municipality, int temperature, int humidity, Condition condition,
      long eventMs) {
    String json() {
      return "{\"id\":\"" + id + "\",\"municipality\":\"" + municipality.id() + "\",\"temperature\":" + temperature
          + ",\"humidity\":" + humidity + ",\"weather\":\"" + condition.id() + "\",\"timestamp\":" + eventMs + "}";
    }
  }

  private final URI tweets;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .version(HttpClient.Version.HTTP_1_1).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
  private final Random random;

  LoadDriver(URI ingress, long seed) {
    this.tweets = ingress.resolve("/api/tweets");
    this.random = new Random(seed);
  }

  /** Starts sending {@code rate} tweets/s in batches of {@code batchSize} for {@code duration}. */
  Run start(String scenario, int rate, int batchSize, Duration duration) {
    long intervalMs = Math.max(1, 1000L * batchSize / rate);
    int batches = (int) Math.max(1, duration.toMillis() / intervalMs);
    Run run = new Run(scenario, rate, batchSize, duration);
    AtomicInteger next = new AtomicInteger();
    CompletableFuture<Void> allScheduled = new CompletableFuture<>();
    ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
    task[0] = ticker.scheduleAtFixedRate(() -> {
      int n = next.getAndIncrement();
      if (n >= batches) {
        allScheduled.complete(null);
        task[0].cancel(false);
        return;
      }
      List<SentTweet> batch = new ArrayList<>(batchSize);
      long now = System.currentTimeMillis();
      for (int i = 0; i < batchSize; i++) {
        batch.add(nextTweet(scenario + "-" + n + "-" + i, now));
      }
      batch.forEach(t -> run.sent.put(t.id(), t));
      run.pending.add(CompletableFuture.runAsync(() -> sendUntilAccepted(run, batch), senders));
    }, 0, intervalMs, TimeUnit.MILLISECONDS);
    run.scheduled = allScheduled;
    return run;
  }

  private synchronized SentTweet nextTweet(String id, long now) {
    Municipality[] ms = Municipality.values();
    Condition[] cs = Condition.values();
    return new SentTweet(id, ms[random.nextInt(ms.length)], random.nextInt(111) - 50, random.nextInt(101),
        cs[random.nextInt(cs.length)], now);
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
      long backoffMs = Math.min(2000, 200L * attempt);
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(tweets).timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
            HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        run.outcome(String.valueOf(status));
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
        backoffMs = response.headers().firstValue("Retry-After").map(LoadDriver::seconds)
            .map(s -> Math.min(2000, s * 1000)).orElse(backoffMs);
      } catch (IOException e) {
        // The ingress is down or died mid-request: the batch may or may not have gone through; resend it.
        run.outcome("io:" + e.getClass().getSimpleName());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (System.nanoTime() - giveUpAt > 0) {
        batch.forEach(t -> run.gaveUp.add(t.id()));
        return;
      }
      try {
        // Deliberate client backoff between retries, as a polite client does.
        Thread.sleep(backoffMs);
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

    Run(String scenario, int rate, int batchSize, Duration duration) {
      this.scenario = scenario;
      this.rate = rate;
      this.batchSize = batchSize;
      this.duration = duration;
    }

    void outcome(String key) {
      outcomes.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    void unclear(String answer) {
      if (unclearAnswers.size() < 20) {
        unclearAnswers.add(answer);
      }
      outcome("unclear");
    }

    /** Waits until every batch was scheduled and got its final answer (202 or given up). */
    void awaitSettled(Duration max) throws TimeoutException {
      try {
        scheduled.get(max.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(max.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TimeoutException("interrupted");
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("A sender failed", e.getCause());
      }
    }

    List<SentTweet> acceptedTweets() {
      return accepted.stream().map(sent::get).toList();
    }

    Map<String, Long> outcomeCounts() {
      Map<String, Long> counts = new TreeMap<>();
      outcomes.forEach((k, v) -> counts.put(k, v.get()));
      return counts;
    }
  }
}
