package io.weathertweets.aggregates;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The documented semantics of both aggregation paths, in plain Java: what every figure in Redis and
 * in Valkey must be after a sequence of accepted tweets, in the order each municipality's tweets
 * were accepted. The oracle of the system tests; neither path uses it.
 *
 * <ul>
 *   <li>A tweet is identified by its municipality and its id; a second tweet with a known identity
 *       is a duplicate and changes nothing (within the de-duplication horizon, which this model
 *       assumes is never exceeded).
 *   <li>Each municipality has its own stream time: the largest event time of its counted tweets. A
 *       tweet whose window is closed at the stream time including the tweet itself ({@link
 *       WindowSpec#isClosed}) is late: it counts in the all-time figures only.
 *   <li>A window is final, and has one series entry, once it is closed at its municipality's stream
 *       time.
 * </ul>
 */
public final class ReferenceModel {
  /** What became of one tweet. */
  public enum Outcome {
    COUNTED,
    LATE,
    DUPLICATE
  }

  private final WindowSpec window;
  private final Set<String> seen = new HashSet<>();
  private final Map<Municipality, Long> streamTime = new EnumMap<>(Municipality.class);
  private final Map<Municipality, Aggregate> allTime = new EnumMap<>(Municipality.class);
  private final Map<Municipality, Map<Long, Aggregate>> windows = new EnumMap<>(Municipality.class);

  public ReferenceModel(WindowSpec window) {
    this.window = window;
  }

  public Outcome accept(
      Municipality m, String id, int temperature, int humidity, Condition condition, long eventMs) {
    if (!seen.add(m.id() + ":" + id)) {
      return Outcome.DUPLICATE;
    }
    long now = Math.max(streamTime.getOrDefault(m, Long.MIN_VALUE), eventMs);
    streamTime.put(m, now);
    allTime.merge(
        m,
        Aggregate.EMPTY.plus(temperature, humidity, condition, eventMs),
        (old, one) -> old.plus(temperature, humidity, condition, eventMs));
    long start = window.windowStart(eventMs);
    if (window.isClosed(start, now)) {
      return Outcome.LATE;
    }
    windows
        .computeIfAbsent(m, k -> new TreeMap<>())
        .merge(
            start,
            Aggregate.EMPTY.plus(temperature, humidity, condition, eventMs),
            (old, one) -> old.plus(temperature, humidity, condition, eventMs));
    return Outcome.COUNTED;
  }

  public Map<Municipality, Aggregate> allTime() {
    return Map.copyOf(allTime);
  }

  public Overview overview() {
    Overview overview = Overview.empty();
    for (Map.Entry<Municipality, Aggregate> e : allTime.entrySet()) {
      overview = overview.with(e.getKey(), e.getValue());
    }
    return overview;
  }

  /** Every window of {@code m} that received a tweet: window start → aggregate. */
  public Map<Long, Aggregate> windows(Municipality m) {
    return Map.copyOf(windows.getOrDefault(m, Map.of()));
  }

  /** The windows of {@code m} that are final: exactly the entries its series must hold. */
  public Map<Long, Aggregate> closedWindows(Municipality m) {
    Map<Long, Aggregate> closed = new TreeMap<>();
    long now = streamTime.getOrDefault(m, Long.MIN_VALUE);
    windows
        .getOrDefault(m, Map.of())
        .forEach(
            (start, a) -> {
              if (window.isClosed(start, now)) {
                closed.put(start, a);
              }
            });
    return closed;
  }

  public long tweetsTotal() {
    return allTime.values().stream().mapToLong(Aggregate::count).sum();
  }
}
