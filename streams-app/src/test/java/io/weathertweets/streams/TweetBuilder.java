package io.weathertweets.streams;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.proto.v1.Tweet;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Test data: {@code tweet("mixco").at(t0).temperature(25).build()}. */
public final class TweetBuilder {
  private static final AtomicLong IDS = new AtomicLong();

  private final Tweet.Builder tweet;

  private TweetBuilder(String municipality) {
    tweet =
        Tweet.newBuilder()
            .setId("t-" + IDS.incrementAndGet())
            .setMunicipality(Municipality.parse(municipality).orElseThrow().toProto())
            .setTemperature(20)
            .setHumidity(50)
            .setCondition(Condition.SUNNY.toProto())
            .setEventTimeMs(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli())
            .setAcceptedAtMs(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
  }

  public static TweetBuilder tweet(String municipality) {
    return new TweetBuilder(municipality);
  }

  public TweetBuilder id(String id) {
    tweet.setId(id);
    return this;
  }

  public TweetBuilder at(Instant eventTime) {
    tweet.setEventTimeMs(eventTime.toEpochMilli());
    tweet.setAcceptedAtMs(eventTime.toEpochMilli());
    return this;
  }

  public TweetBuilder temperature(int celsius) {
    tweet.setTemperature(celsius);
    return this;
  }

  public TweetBuilder humidity(int percent) {
    tweet.setHumidity(percent);
    return this;
  }

  public TweetBuilder condition(Condition condition) {
    tweet.setCondition(condition.toProto());
    return this;
  }

  public TweetBuilder acceptedAt(long epochMs) {
    tweet.setAcceptedAtMs(epochMs);
    return this;
  }

  public Tweet build() {
    return tweet.build();
  }

  public String key() {
    return Municipality.fromProto(tweet.getMunicipality()).id();
  }
}
