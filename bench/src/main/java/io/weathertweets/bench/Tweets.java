package io.weathertweets.bench;

import io.weathertweets.proto.v1.Condition;
import io.weathertweets.proto.v1.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic valid v1 tweets for the micro-benchmarks (the same input on every run). */
public final class Tweets {
  /**
   * The catalogue's municipalities and conditions as v1 enum values (also used by StreamsCatchUp).
   */
  static final Municipality[] MUNICIPALITIES =
      Arrays.stream(io.weathertweets.aggregates.Municipality.values())
          .map(io.weathertweets.aggregates.Municipality::toProto)
          .toArray(Municipality[]::new);

  static final Condition[] CONDITIONS =
      Arrays.stream(io.weathertweets.aggregates.Condition.values())
          .map(io.weathertweets.aggregates.Condition::toProto)
          .toArray(Condition[]::new);

  private Tweets() {}

  public static List<Tweet> generate(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long now = 1_795_000_000_000L;
    List<Tweet> tweets = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      tweets.add(
          Tweet.newBuilder()
              .setId("0199a1b2-c3d4-7e5f-8a9b-" + String.format("%012x", seed * 1_000_000 + i))
              .setMunicipality(MUNICIPALITIES[random.nextInt(MUNICIPALITIES.length)])
              .setTemperature(random.nextInt(-50, 61))
              .setHumidity(random.nextInt(0, 101))
              .setCondition(CONDITIONS[random.nextInt(CONDITIONS.length)])
              .setEventTimeMs(now + i * 7L)
              .setAcceptedAtMs(now + i * 7L + 3)
              .build());
    }
    return tweets;
  }
}
