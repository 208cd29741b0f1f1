package io.weathertweets.aggregates;

import io.weathertweets.proto.v1.Tweet;
import java.util.ArrayList;
import java.util.List;

/**
 * The validity rules of a tweet, in one place for every entry point (HTTP, gRPC, and the consumers, which
 * dead-letter what breaks them).
 */
public final class TweetRules {
  public static final int TEMPERATURE_MIN = -50;
  public static final int TEMPERATURE_MAX = 60;
  public static final int HUMIDITY_MIN = 0;
  public static final int HUMIDITY_MAX = 100;
  public static final int ID_MAX_LENGTH = 64;

  private TweetRules() {}

  /** Every violation of a v1 tweet, as {@code field: reason}; empty when the tweet is valid. */
  public static List<String> violations(Tweet tweet) {
    List<String> problems = new ArrayList<>();
    if (tweet.getId().isEmpty() || tweet.getId().length() > ID_MAX_LENGTH) {
      problems.add("id: must be 1.." + ID_MAX_LENGTH + " characters");
    }
    if (tweet.getMunicipality() == io.weathertweets.proto.v1.Municipality.MUNICIPALITY_UNSPECIFIED
        || tweet.getMunicipality() == io.weathertweets.proto.v1.Municipality.UNRECOGNIZED) {
      problems.add("municipality: must be one of mixco, guatemala, amatitlan, chinautla");
    }
    if (tweet.getCondition() == io.weathertweets.proto.v1.Condition.CONDITION_UNSPECIFIED
        || tweet.getCondition() == io.weathertweets.proto.v1.Condition.UNRECOGNIZED) {
      problems.add("weather: must be one of sunny, cloudy, rainy, foggy");
    }
    if (tweet.getTemperature() < TEMPERATURE_MIN || tweet.getTemperature() > TEMPERATURE_MAX) {
      problems.add("temperature: must be between " + TEMPERATURE_MIN + " and " + TEMPERATURE_MAX);
    }
    if (tweet.getHumidity() < HUMIDITY_MIN || tweet.getHumidity() > HUMIDITY_MAX) {
      problems.add("humidity: must be between " + HUMIDITY_MIN + " and " + HUMIDITY_MAX);
    }
    if (tweet.getEventTimeMs() <= 0) {
      problems.add("event_time_ms: must be a positive epoch-millisecond time");
    }
    return problems;
  }
}
