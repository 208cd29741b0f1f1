package io.weathertweets.aggregates;

import io.weathertweets.proto.v1.Tweet;
import java.util.ArrayList;
import java.util.List;

/**
 * The validity rules of a tweet, in one place for every entry point (HTTP, gRPC, and the consumers,
 * which dead-letter what breaks them).
 */
public final class TweetRules {
  public static final int TEMPERATURE_MIN = -50;
  public static final int TEMPERATURE_MAX = 60;
  public static final int HUMIDITY_MIN = 0;
  public static final int HUMIDITY_MAX = 100;
  public static final int ID_MAX_LENGTH = 64;

  /**
   * 9999-12-31T23:59:59.999Z: later times overflow window arithmetic and the stores' text formats.
   */
  public static final long MAX_EVENT_TIME_MS = 253_402_300_799_999L;

  /** The field of the event time, in the v1 message and in {@link Violation#field()}. */
  public static final String EVENT_TIME = "event_time_ms";

  private TweetRules() {}

  /**
   * One rule a tweet breaks: the field, as the v1 message names it ({@code event_time_ms}, {@code
   * weather} for the condition), and why. Reads {@code field: reason}, as every message about it
   * says it.
   */
  public record Violation(String field, String reason) {
    @Override
    public String toString() {
      return field + ": " + reason;
    }
  }

  /** Every violation of a v1 tweet; empty when the tweet is valid. */
  public static List<Violation> violations(Tweet tweet) {
    List<Violation> problems = new ArrayList<>();
    if (tweet.getId().isEmpty() || tweet.getId().length() > ID_MAX_LENGTH) {
      problems.add(new Violation("id", "must be 1.." + ID_MAX_LENGTH + " characters"));
    }
    if (tweet.getMunicipality() == io.weathertweets.proto.v1.Municipality.MUNICIPALITY_UNSPECIFIED
        || tweet.getMunicipality() == io.weathertweets.proto.v1.Municipality.UNRECOGNIZED) {
      problems.add(
          new Violation("municipality", "must be one of " + String.join(", ", Municipality.ids())));
    }
    if (tweet.getCondition() == io.weathertweets.proto.v1.Condition.CONDITION_UNSPECIFIED
        || tweet.getCondition() == io.weathertweets.proto.v1.Condition.UNRECOGNIZED) {
      problems.add(
          new Violation("weather", "must be one of " + String.join(", ", Condition.ids())));
    }
    if (tweet.getTemperature() < TEMPERATURE_MIN || tweet.getTemperature() > TEMPERATURE_MAX) {
      problems.add(
          new Violation(
              "temperature", "must be between " + TEMPERATURE_MIN + " and " + TEMPERATURE_MAX));
    }
    if (tweet.getHumidity() < HUMIDITY_MIN || tweet.getHumidity() > HUMIDITY_MAX) {
      problems.add(
          new Violation("humidity", "must be between " + HUMIDITY_MIN + " and " + HUMIDITY_MAX));
    }
    if (tweet.getEventTimeMs() <= 0 || tweet.getEventTimeMs() > MAX_EVENT_TIME_MS) {
      problems.add(
          new Violation(
              EVENT_TIME, "must be an epoch-millisecond time between 1 and " + MAX_EVENT_TIME_MS));
    }
    return problems;
  }

  /**
   * What an edge (ingress, gateway) checks: the rules above, and the event time (and {@code
   * accepted_at_ms} when set) against its own clock {@code nowMs}.
   */
  public static List<Violation> violations(Tweet tweet, long nowMs, EventTimeRule time) {
    List<Violation> problems = violations(tweet);
    if (problems.stream().noneMatch(p -> p.field().equals(EVENT_TIME))) {
      problems.addAll(time.violations(tweet.getEventTimeMs(), tweet.getAcceptedAtMs(), nowMs));
    }
    return problems;
  }

  /**
   * What a consumer checks: the rules above, and the event time against the time the tweet was
   * accepted ({@code accepted_at_ms}, stamped by the gateway) — not against the consumer's clock,
   * so a replay days later decides exactly as the first run did. A tweet without {@code
   * accepted_at_ms} (not from a gateway) gets the absolute bounds only.
   */
  public static List<Violation> consumerViolations(Tweet tweet, EventTimeRule time) {
    List<Violation> problems = violations(tweet);
    long accepted = tweet.getAcceptedAtMs();
    if (problems.stream().noneMatch(p -> p.field().equals(EVENT_TIME))) {
      problems.addAll(
          time.violations(
              tweet.getEventTimeMs(),
              0,
              accepted > 0 ? accepted : MAX_EVENT_TIME_MS - time.maxAhead().toMillis()));
    }
    return problems;
  }
}
