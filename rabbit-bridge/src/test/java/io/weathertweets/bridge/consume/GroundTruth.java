package io.weathertweets.bridge.consume;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the store must hold after a sequence of deliveries, computed with plain loops and none of
 * the code under test: duplicates by id, late tweets by the stream time before each tweet, windows
 * closed by the final stream time.
 */
final class GroundTruth {
  private final long sizeMs;
  private final long graceMs;
  private final Set<String> seen = new HashSet<>();
  final Map<Municipality, Figures> allTime = new EnumMap<>(Municipality.class);

  /** Municipality → window start → figures. */
  final Map<Municipality, TreeMap<Long, Figures>> windows = new EnumMap<>(Municipality.class);

  /** The tweets counted, per municipality and per window, for the cross-path text contract. */
  final Map<Municipality, List<Tweet>> allTimeTweets = new EnumMap<>(Municipality.class);

  final Map<Municipality, TreeMap<Long, List<Tweet>>> windowTweets =
      new EnumMap<>(Municipality.class);
  long streamTime;
  long lastEvent;
  long counted;
  long duplicates;
  long late;

  GroundTruth(long sizeMs, long graceMs) {
    this.sizeMs = sizeMs;
    this.graceMs = graceMs;
  }

  void deliver(Tweet tweet) {
    if (!seen.add(tweet.getId())) {
      duplicates++;
      return;
    }
    counted++;
    Municipality m = Municipality.fromProto(tweet.getMunicipality());
    long event = tweet.getEventTimeMs();
    allTime.computeIfAbsent(m, k -> new Figures()).add(tweet);
    allTimeTweets.computeIfAbsent(m, k -> new ArrayList<>()).add(tweet);
    long start = (event / sizeMs) * sizeMs;
    if (start + sizeMs + graceMs <= streamTime) {
      late++;
    } else {
      windows
          .computeIfAbsent(m, k -> new TreeMap<>())
          .computeIfAbsent(start, k -> new Figures())
          .add(tweet);
      windowTweets
          .computeIfAbsent(m, k -> new TreeMap<>())
          .computeIfAbsent(start, k -> new ArrayList<>())
          .add(tweet);
    }
    streamTime = Math.max(streamTime, event);
    lastEvent = Math.max(lastEvent, event);
  }

  boolean isClosed(long windowStart) {
    return windowStart + sizeMs + graceMs <= streamTime;
  }

  static final class Figures {
    long count;
    long temperatureSum;
    long temperatureMin = Long.MAX_VALUE;
    long temperatureMax = Long.MIN_VALUE;
    long humiditySum;
    final Map<Condition, Long> conditions = new EnumMap<>(Condition.class);

    Figures() {
      for (Condition c : Condition.values()) {
        conditions.put(c, 0L);
      }
    }

    void add(Tweet tweet) {
      count++;
      temperatureSum += tweet.getTemperature();
      temperatureMin = Math.min(temperatureMin, tweet.getTemperature());
      temperatureMax = Math.max(temperatureMax, tweet.getTemperature());
      humiditySum += tweet.getHumidity();
      Condition c = Condition.fromProto(tweet.getCondition());
      conditions.put(c, conditions.get(c) + 1);
    }
  }
}
