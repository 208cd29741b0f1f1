package io.weathertweets.aggregates;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long the oldest tweet still waiting for a queue consumer has waited since the ingress
 * accepted it: the age that says whether 1,204 waiting tweets are a second of work or an hour of
 * silence. It also counts the tweets the consumer holds in batches it has not finished, which a
 * queue's depth (ready messages only) leaves out.
 *
 * <p>A queue consumer cannot look at the head of its queue without taking it, so the figure comes
 * from what the consumer itself sees, per listener thread. While a batch is in hand (applied, or
 * retried while the store is down) the oldest tweet of the oldest batch in hand is the oldest one
 * waiting: the age is exact, up to the clock difference between the ingress that stamped the tweet
 * and this consumer. Between batches, with tweets ready in the queue, the head was accepted after
 * the newest tweet already consumed and after the queue was last seen empty, so the time since the
 * later of the two bounds it from above; a redelivered batch or publishers that reorder tweets can
 * make that bound short by the age difference of one batch. With an empty queue and nothing in hand
 * it is zero (messages already prefetched by the client but not yet handed to the listener are not
 * seen).
 */
public final class OldestWait {
  private final Map<Thread, long[]> inHand = new ConcurrentHashMap<>();
  private final AtomicLong newestDoneMs = new AtomicLong();
  private final AtomicLong emptySinceMs = new AtomicLong();

  /**
   * The calling listener thread took a batch of {@code tweets}; {@code oldestAcceptedAtMs} is the
   * earliest acceptance time in it ({@code 0} or less when none is known: the batch then counts
   * from now).
   */
  public void taken(long oldestAcceptedAtMs, int tweets, long nowMs) {
    long since = oldestAcceptedAtMs > 0 ? Math.min(oldestAcceptedAtMs, nowMs) : nowMs;
    inHand.put(Thread.currentThread(), new long[] {since, tweets});
  }

  /**
   * The calling thread's batch was acknowledged or given back; {@code newestAcceptedAtMs} is its
   * latest acceptance time.
   */
  public void done(long newestAcceptedAtMs) {
    inHand.remove(Thread.currentThread());
    newestDoneMs.accumulateAndGet(newestAcceptedAtMs, Math::max);
  }

  /** The queue was seen holding {@code depth} ready tweets at {@code nowMs}. */
  public void observed(long depth, long nowMs) {
    if (depth == 0) {
      emptySinceMs.set(nowMs);
    }
  }

  /** Tweets in batches taken and not yet acknowledged or given back. */
  public long inHand() {
    return inHand.values().stream().mapToLong(batch -> batch[1]).sum();
  }

  /**
   * Milliseconds the oldest waiting tweet has waited, or empty when it cannot be told (tweets are
   * queued, and since this consumer started it has neither consumed one nor seen the queue empty).
   *
   * @param depth tweets ready in the queue now; negative when unknown
   */
  public OptionalLong ageMs(long depth, long nowMs) {
    OptionalLong oldestInHand = inHand.values().stream().mapToLong(batch -> batch[0]).min();
    if (oldestInHand.isPresent()) {
      return OptionalLong.of(Math.max(0, nowMs - oldestInHand.getAsLong()));
    }
    if (depth == 0) {
      return OptionalLong.of(0);
    }
    long after = Math.max(newestDoneMs.get(), emptySinceMs.get());
    return after > 0 && depth > 0
        ? OptionalLong.of(Math.max(0, nowMs - after))
        : OptionalLong.empty();
  }
}
