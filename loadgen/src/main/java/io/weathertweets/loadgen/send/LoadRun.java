package io.weathertweets.loadgen.send;

import io.weathertweets.loadgen.report.RunStats;
import io.weathertweets.loadgen.tweets.LoadTweet;
import io.weathertweets.loadgen.tweets.TweetSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends {@code count} tweets of a source with {@code concurrency} workers. Each worker claims the
 * next request's worth of tweet indexes, waits for the pacer, sends, and records the answer.
 * Claiming by index keeps the set of tweets sent independent of scheduling.
 */
public final class LoadRun {
  private final TweetSource source;
  private final long count;
  private final Sender sender;
  private final Pacer pacer;
  private final int concurrency;
  private final RunStats stats;

  public LoadRun(
      TweetSource source, long count, Sender sender, Pacer pacer, int concurrency, RunStats stats) {
    this.source = source;
    this.count = count;
    this.sender = sender;
    this.pacer = pacer;
    this.concurrency = concurrency;
    this.stats = stats;
  }

  /** Runs to completion (or until interrupted) and returns the elapsed time in nanoseconds. */
  public long run() throws InterruptedException {
    AtomicLong next = new AtomicLong();
    int unit = sender.tweetsPerRequest();
    long start = System.nanoTime();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      workers.add(Thread.ofPlatform().name("loadgen-" + w).start(() -> work(next, unit)));
    }
    try {
      for (Thread worker : workers) {
        worker.join();
      }
    } catch (InterruptedException e) {
      workers.forEach(Thread::interrupt);
      throw e;
    }
    return System.nanoTime() - start;
  }

  private void work(AtomicLong next, int unit) {
    while (!Thread.currentThread().isInterrupted()) {
      long first = next.getAndAdd(unit);
      if (first >= count) {
        return;
      }
      int n = (int) Math.min(unit, count - first);
      List<LoadTweet> tweets = new ArrayList<>(n);
      for (long i = first; i < first + n; i++) {
        tweets.add(source.get(i));
      }
      try {
        pacer.awaitTurn(first);
      } catch (InterruptedException e) {
        return;
      }
      long sentAt = System.nanoTime();
      Outcome outcome = sender.send(tweets);
      stats.record(outcome, tweets, System.nanoTime() - sentAt);
    }
  }
}
