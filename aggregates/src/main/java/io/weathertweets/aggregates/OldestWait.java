package io.weathertweets.aggregates;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long the oldest tweet still waiting for a consumer has waited since the ingress accepted it: the age that
 * says whether a queue of 1,204 tweets is a second of work or an hour of silence.
 *
 * <p>A queue consumer cannot look at the head of its queue without taking it, so the figure comes from what the
 * consumer itself sees. While it holds a batch (applying it, or retrying it while its store is down) the oldest
 * tweet of that batch is the oldest one waiting: the figure is exact. Between batches, with tweets in the queue,
 * the queue's head was accepted after the newest tweet already consumed and after the queue was last seen empty,
 * so the time since the later of the two is an upper bound. With an empty queue and nothing in hand it is zero.
 */
public final class OldestWait {
  private final AtomicLong inHandSinceMs = new AtomicLong();
  private final AtomicLong newestDoneMs = new AtomicLong();
  private final AtomicLong emptySinceMs = new AtomicLong();

  /** A batch was taken; {@code oldestAcceptedAtMs} is the earliest acceptance time in it (0 when unknown). */
  public void taken(long oldestAcceptedAtMs, long nowMs) {
    inHandSinceMs.set(oldestAcceptedAtMs > 0 ? Math.min(oldestAcceptedAtMs, nowMs) : nowMs);
  }

  /** The batch in hand was acknowledged (or given back); {@code newestAcceptedAtMs} is its latest acceptance time. */
  public void done(long newestAcceptedAtMs) {
    inHandSinceMs.set(0);
    newestDoneMs.accumulateAndGet(newestAcceptedAtMs, Math::max);
  }

  /** The queue was seen holding {@code depth} ready tweets at {@code nowMs}. */
  public void observed(long depth, long nowMs) {
    if (depth == 0) {
      emptySinceMs.set(nowMs);
    }
  }

  /**
   * Milliseconds the oldest waiting tweet has waited, or empty when it cannot be told (tweets are queued, and
   * since this consumer started it has neither consumed one nor seen the queue empty).
   *
   * @param depth tweets ready in the queue now; negative when unknown
   */
  public OptionalLong ageMs(long depth, long nowMs) {
    long inHand = inHandSinceMs.get();
    if (inHand > 0) {
      return OptionalLong.of(Math.max(0, nowMs - inHand));
    }
    if (depth == 0) {
      return OptionalLong.of(0);
    }
    long after = Math.max(newestDoneMs.get(), emptySinceMs.get());
    return after > 0 && depth > 0 ? OptionalLong.of(Math.max(0, nowMs - after)) : OptionalLong.empty();
  }
}
