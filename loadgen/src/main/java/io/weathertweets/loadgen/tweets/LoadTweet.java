package io.weathertweets.loadgen.tweets;

import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.proto.course.Municipalities;
import io.weathertweets.proto.course.WeatherTweetRequest;
import io.weathertweets.proto.course.Weathers;
import io.weathertweets.proto.v1.Tweet;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One tweet to send, kept as the HTTP JSON body (the course contract plus optional {@code id} and
 * {@code timestamp}) so that an input file can carry deliberately invalid tweets and the HTTP modes
 * send them unchanged: the server, not the load generator, decides what is valid.
 *
 * @param index position in the run (0-based); ids of generated tweets are derived from it
 * @param body the JSON object; never modified (copies are made when a field is added)
 */
public record LoadTweet(long index, ObjectNode body) {

  public Optional<Municipality> municipality() {
    return Municipality.parse(text("municipality"));
  }

  public Optional<String> id() {
    return Optional.ofNullable(text("id"));
  }

  /** The body to POST: the event time is the send time unless the tweet carries its own. */
  public ObjectNode httpBody(long nowMs) {
    if (body.hasNonNull("timestamp")) {
      return body;
    }
    ObjectNode copy = body.deepCopy();
    copy.put("timestamp", nowMs);
    return copy;
  }

  /**
   * The v1 wire form. Unknown names map to the UNSPECIFIED values so the gateway rejects them as it
   * would any client's; only what protobuf cannot carry at all (a non-integer temperature) is
   * refused here.
   *
   * @param fallbackId used when the tweet has no id of its own (v1 tweets must carry one)
   */
  public Tweet toV1(long nowMs, String fallbackId) {
    return Tweet.newBuilder()
        .setId(id().orElse(fallbackId))
        .setMunicipality(
            municipality()
                .map(Municipality::toProto)
                .orElse(io.weathertweets.proto.v1.Municipality.MUNICIPALITY_UNSPECIFIED))
        .setTemperature(integer("temperature"))
        .setHumidity(integer("humidity"))
        .setCondition(
            Condition.parse(text("weather"))
                .map(Condition::toProto)
                .orElse(io.weathertweets.proto.v1.Condition.CONDITION_UNSPECIFIED))
        .setEventTimeMs(eventTimeMs().orElse(nowMs))
        .build();
  }

  /** The course wire form: no id, no event time (the gateway assigns both). */
  public WeatherTweetRequest toCourse() {
    Municipalities municipality =
        municipality()
            .map(m -> Municipalities.valueOf(m.id()))
            .orElse(Municipalities.municipalities_unknown);
    Weathers weather =
        Condition.parse(text("weather"))
            .map(c -> Weathers.valueOf(c.id()))
            .orElse(Weathers.weathers_unknown);
    return WeatherTweetRequest.newBuilder()
        .setMunicipality(municipality)
        .setTemperature(integer("temperature"))
        .setHumidity(integer("humidity"))
        .setWeather(weather)
        .build();
  }

  /** The tweet's own event time ({@code timestamp}: epoch ms or ISO-8601), if it has one. */
  public Optional<Long> eventTimeMs() {
    JsonNode timestamp = body.get("timestamp");
    if (timestamp == null || timestamp.isNull()) {
      return Optional.empty();
    }
    if (timestamp.canConvertToLong() && timestamp.isIntegralNumber()) {
      return Optional.of(timestamp.longValue());
    }
    try {
      return Optional.of(Instant.parse(timestamp.asString()).toEpochMilli());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("timestamp: not epoch ms nor ISO-8601: " + timestamp, e);
    }
  }

  private String text(String field) {
    JsonNode node = body.get(field);
    return node == null || !node.isString() ? null : node.stringValue();
  }

  private int integer(String field) {
    JsonNode node = body.get(field);
    if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new IllegalArgumentException(
          field + ": not an integer in tweet " + index + ": " + node);
    }
    return node.intValue();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "#%d %s", index, body);
  }
}
