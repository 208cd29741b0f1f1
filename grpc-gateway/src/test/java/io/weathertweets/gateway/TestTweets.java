package io.weathertweets.gateway;

import io.weathertweets.proto.v1.Condition;
import io.weathertweets.proto.v1.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.util.Locale;
import java.util.UUID;

/**
 * Small builder of v1 test tweets: {@code tweet("mixco").temperature(25).build()}; valid unless
 * changed.
 */
final class TestTweets {
  private final Tweet.Builder builder;

  private TestTweets(Tweet.Builder builder) {
    this.builder = builder;
  }

  static TestTweets tweet(String municipality) {
    long now = System.currentTimeMillis();
    return new TestTweets(
        Tweet.newBuilder()
            .setId("test-" + UUID.randomUUID())
            .setMunicipality(Municipality.valueOf(municipality.toUpperCase(Locale.ROOT)))
            .setTemperature(25)
            .setHumidity(70)
            .setCondition(Condition.SUNNY)
            .setEventTimeMs(now - 1_000)
            .setAcceptedAtMs(now));
  }

  TestTweets temperature(int celsius) {
    builder.setTemperature(celsius);
    return this;
  }

  TestTweets humidity(int percent) {
    builder.setHumidity(percent);
    return this;
  }

  TestTweets condition(Condition condition) {
    builder.setCondition(condition);
    return this;
  }

  Tweet build() {
    return builder.build();
  }
}
