package io.weathertweets.bridge;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Small builder for test tweets: {@code tweet(MIXCO).at(t0).temperature(25).build()}. */
public final class TestTweets {
  /** A window boundary for one-minute windows: 2026-01-01T00:00:00Z. */
  public static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  private final Tweet.Builder builder;

  private TestTweets(Municipality municipality) {
    builder =
        Tweet.newBuilder()
            .setId(UUID.randomUUID().toString())
            .setMunicipality(municipality.toProto())
            .setTemperature(20)
            .setHumidity(50)
            .setCondition(Condition.SUNNY.toProto())
            .setEventTimeMs(T0)
            .setAcceptedAtMs(System.currentTimeMillis());
  }

  /**
   * {@code count} tweets with ids of their own, one after another from {@link #T0} on, cycling
   * through the municipalities and conditions of the catalogue and a range of figures.
   */
  public static List<Tweet> tweets(int count) {
    List<Tweet> tweets = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      tweets.add(
          Tweet.newBuilder()
              .setId(UUID.randomUUID().toString())
              .setMunicipality(Municipality.values()[i % Municipality.values().length].toProto())
              .setTemperature(i % 60)
              .setHumidity(i % 100)
              .setCondition(Condition.values()[i % Condition.values().length].toProto())
              .setEventTimeMs(T0 + i)
              .build());
    }
    return tweets;
  }

  public static TestTweets tweet(Municipality municipality) {
    return new TestTweets(municipality);
  }

  public TestTweets id(String id) {
    builder.setId(id);
    return this;
  }

  public TestTweets at(long eventMs) {
    builder.setEventTimeMs(eventMs);
    return this;
  }

  public TestTweets temperature(int temperature) {
    builder.setTemperature(temperature);
    return this;
  }

  public TestTweets humidity(int humidity) {
    builder.setHumidity(humidity);
    return this;
  }

  public TestTweets condition(Condition condition) {
    builder.setCondition(condition.toProto());
    return this;
  }

  public Tweet build() {
    return builder.build();
  }
}
