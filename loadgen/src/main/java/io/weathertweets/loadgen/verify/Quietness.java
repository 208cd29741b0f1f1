package io.weathertweets.loadgen.verify;

import io.weathertweets.aggregates.TweetPath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides when each path's store is quiet enough to take the baseline of {@code --verify}: its
 * figures ({@code tweets_total} and every municipality count) unchanged across reads at least
 * {@code quietNanos} apart, and, when its consumer reports a lag, that lag 0. A baseline read while
 * a path still works off earlier tweets (a previous run, someone else's load) counts the rest of
 * that backlog as this run's: a "double count" the store does not hold. Pure bookkeeping on the
 * readings it is given, with the caller's clock.
 */
final class Quietness {
  private final long quietNanos;
  private final long startNanos;
  private final Map<TweetPath, State> states = new LinkedHashMap<>();

  /** One path: its latest reading and since when its figures have not changed. */
  private static final class State {
    Reading latest;

    /** The first figures read, for "went from … to …". */
    StoreSnapshot first;

    /**
     * The figures of the current unchanged stretch, and when the stretch began; null after a failed
     * read.
     */
    StoreSnapshot stable;

    long stableSinceNanos;

    /** When the figures were last seen to change; -1 while they never were. */
    long lastChangeNanos = -1;
  }

  Quietness(long quietNanos, long startNanos) {
    this.quietNanos = quietNanos;
    this.startNanos = startNanos;
  }

  void observe(long nowNanos, Map<TweetPath, Reading> readings) {
    readings.forEach(
        (path, reading) -> {
          State state = states.computeIfAbsent(path, p -> new State());
          state.latest = reading;
          if (!reading.readable()) {
            state.stable = null;
            return;
          }
          if (state.first == null) {
            state.first = reading.figures();
          }
          if (!reading.figures().equals(state.stable)) {
            if (state.stable != null) {
              state.lastChangeNanos = nowNanos;
            }
            state.stable = reading.figures();
            state.stableSinceNanos = nowNanos;
          }
        });
  }

  boolean quiet(TweetPath path, long nowNanos) {
    State state = states.get(path);
    return state != null
        && state.latest.readable()
        && stableLongEnough(state, nowNanos)
        && caughtUp(state);
  }

  boolean allQuiet(long nowNanos) {
    return !states.isEmpty() && states.keySet().stream().allMatch(path -> quiet(path, nowNanos));
  }

  List<TweetPath> notQuiet(long nowNanos) {
    return states.keySet().stream().filter(path -> !quiet(path, nowNanos)).toList();
  }

  /** The latest figures of a path (null when its last read failed). */
  StoreSnapshot figures(TweetPath path) {
    return states.get(path).latest.figures();
  }

  /**
   * Why a path is not quiet, as a clause for a person: "the Kafka path's store was still changing
   * (…)".
   *
   * @param past "was" at the end of the wait, "is" while still waiting
   */
  String whyNot(TweetPath path, long nowNanos, boolean past) {
    State state = states.get(path);
    String name = "the " + path.title() + "'s";
    if (state == null) {
      return name + " store was never read";
    }
    if (!state.latest.readable()) {
      return name
          + " store "
          + (past ? "could" : "can")
          + " not be read ("
          + state.latest.error()
          + ")";
    }
    List<String> reasons = new ArrayList<>();
    if (!stableLongEnough(state, nowNanos)) {
      reasons.add(
          name
              + " store "
              + (past ? "was" : "is")
              + " still changing ("
              + change(state, nowNanos)
              + ")");
    }
    if (!caughtUp(state)) {
      reasons.add(
          name
              + " consumer "
              + (past ? "still reported" : "still reports")
              + String.format(Locale.ROOT, " %,d tweets not yet processed", state.latest.lag())
              + (state.latest.stalled() == null
                  ? ""
                  : " (stalled: " + state.latest.stalled() + ")"));
    }
    return String.join("; ", reasons);
  }

  private boolean stableLongEnough(State state, long nowNanos) {
    return state.stable != null && nowNanos - state.stableSinceNanos >= quietNanos;
  }

  private static boolean caughtUp(State state) {
    return state.latest.lag() == null || state.latest.lag() == 0;
  }

  private String change(State state, long nowNanos) {
    StoreSnapshot now = state.latest.figures();
    String waited = seconds(nowNanos - startNanos);
    String last =
        state.lastChangeNanos < 0
            ? ""
            : ", the last change " + seconds(nowNanos - state.lastChangeNanos) + " ago";
    if (state.lastChangeNanos < 0) {
      return String.format(
          Locale.ROOT,
          "tweets_total %,d, unchanged for only %s",
          now.tweetsTotal(),
          seconds(nowNanos - state.stableSinceNanos));
    }
    if (now.tweetsTotal() != state.first.tweetsTotal()) {
      return String.format(
          Locale.ROOT,
          "tweets_total went from %,d to %,d while loadgen waited %s%s",
          state.first.tweetsTotal(),
          now.tweetsTotal(),
          waited,
          last);
    }
    return String.format(
        Locale.ROOT,
        "municipality counts changed while loadgen waited %s, tweets_total stayed at %,d%s",
        waited,
        now.tweetsTotal(),
        last);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
