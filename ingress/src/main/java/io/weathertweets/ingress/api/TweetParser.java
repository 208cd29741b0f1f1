package io.weathertweets.ingress.api;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.EventTimeRule;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.TweetRules;
import io.weathertweets.proto.v1.Tweet;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Turns one JSON object of the course contract into a v1 {@link Tweet}, or into the list of
 * everything wrong with it. Works on the JSON tree rather than on data binding so that a wrong type
 * is reported for its field, next to the other fields' problems, instead of failing the whole body
 * at the first mismatch. The range and enum rules themselves are {@link TweetRules}'s, so HTTP and
 * gRPC clients get the same verdicts.
 */
final class TweetParser {
  static final String ID = "id";
  static final String MUNICIPALITY = "municipality";
  static final String TEMPERATURE = "temperature";
  static final String HUMIDITY = "humidity";
  static final String WEATHER = "weather";
  static final String TIMESTAMP = "timestamp";

  private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);

  private final TimeBasedEpochGenerator ids = Generators.timeBasedEpochGenerator();
  private final EventTimeRule time;

  TweetParser(EventTimeRule time) {
    this.time = time;
  }

  TweetParser() {
    this(EventTimeRule.DEFAULT);
  }

  /** Either a tweet or its errors, never both. */
  record Result(Tweet tweet, List<FieldError> errors) {
    boolean valid() {
      return errors.isEmpty();
    }
  }

  /**
   * Parses one tweet; {@code prefix} goes before every field name in errors (e.g. {@code "[3]."} in
   * a batch). Tweets without id or timestamp get a fresh UUIDv7 and {@code receivedAtMs}; {@code
   * accepted_at_ms} is always {@code receivedAtMs}.
   */
  Result parse(JsonNode node, String prefix, long receivedAtMs) {
    List<FieldError> errors = new ArrayList<>();
    if (node == null || !node.isObject()) {
      String where = prefix.isEmpty() ? "$" : prefix.substring(0, prefix.length() - 1);
      errors.add(new FieldError(where, "must be a JSON object, got " + describe(node)));
      return new Result(null, errors);
    }
    Tweet.Builder tweet = Tweet.newBuilder().setAcceptedAtMs(receivedAtMs);
    // Fields with a JSON-level problem (missing, wrong type) are reported here and skipped by the
    // rules below.
    Set<String> reported = new HashSet<>();

    JsonNode id = node.get(ID);
    if (id == null || id.isNull()) {
      tweet.setId(ids.generate().toString());
    } else if (!id.isString()) {
      error(
          errors,
          reported,
          prefix,
          ID,
          "must be a string of 1.."
              + TweetRules.ID_MAX_LENGTH
              + " characters, got "
              + describe(id));
    } else if (id.stringValue().chars().anyMatch(Character::isISOControl)) {
      error(errors, reported, prefix, ID, "must not contain control characters");
    } else if (hasUnpairedSurrogate(id.stringValue())) {
      // JSON escapes can spell half a character ("\ud800"); protobuf would publish it as "?",
      // another id than the
      // one answered to the client.
      error(
          errors,
          reported,
          prefix,
          ID,
          "must be valid Unicode (it holds an unpaired surrogate escape)");
    } else {
      tweet.setId(id.stringValue());
    }

    JsonNode municipality = node.get(MUNICIPALITY);
    if (municipality == null) {
      error(errors, reported, prefix, MUNICIPALITY, "is required");
    } else if (!municipality.isString()) {
      error(
          errors,
          reported,
          prefix,
          MUNICIPALITY,
          "must be a string, got " + describe(municipality));
    } else {
      Municipality.parse(municipality.stringValue())
          .ifPresent(m -> tweet.setMunicipality(m.toProto()));
    }

    integerField(node, TEMPERATURE, prefix, errors, reported).ifPresent(tweet::setTemperature);
    integerField(node, HUMIDITY, prefix, errors, reported).ifPresent(tweet::setHumidity);

    JsonNode weather = node.get(WEATHER);
    if (weather == null) {
      error(errors, reported, prefix, WEATHER, "is required");
    } else if (!weather.isString()) {
      error(errors, reported, prefix, WEATHER, "must be a string, got " + describe(weather));
    } else {
      Condition.parse(weather.stringValue()).ifPresent(c -> tweet.setCondition(c.toProto()));
    }

    JsonNode timestamp = node.get(TIMESTAMP);
    if (timestamp == null || timestamp.isNull()) {
      tweet.setEventTimeMs(receivedAtMs);
    } else {
      eventTime(timestamp)
          .ifPresentOrElse(
              tweet::setEventTimeMs,
              () ->
                  error(
                      errors,
                      reported,
                      prefix,
                      TIMESTAMP,
                      "must be an ISO-8601 date-time with offset (e.g. 2026-11-23T10:15:30Z) or epoch milliseconds between 1 and "
                          + TweetRules.MAX_EVENT_TIME_MS
                          + ", got "
                          + describe(timestamp)));
    }

    Tweet built = tweet.build();
    for (TweetRules.Violation violation : TweetRules.violations(built, receivedAtMs, time)) {
      String field = jsonField(violation.field());
      if (!reported.contains(field)) {
        errors.add(new FieldError(prefix + field, violation.reason() + rejected(node.get(field))));
      }
    }
    errors.sort(Comparator.comparingInt(e -> order(e.field(), prefix)));
    return errors.isEmpty() ? new Result(built, List.of()) : new Result(null, List.copyOf(errors));
  }

  private static Optional<Integer> integerField(
      JsonNode node, String field, String prefix, List<FieldError> errors, Set<String> reported) {
    JsonNode value = node.get(field);
    if (value == null) {
      error(errors, reported, prefix, field, "is required");
      return Optional.empty();
    }
    BigDecimal number = wholeNumber(value);
    if (number == null) {
      error(errors, reported, prefix, field, "must be an integer, got " + describe(value));
      return Optional.empty();
    }
    // Beyond int the number cannot be in range; clamping lets the shared rules report the range.
    return Optional.of(number.max(INT_MIN).min(INT_MAX).intValueExact());
  }

  /**
   * A JSON number without a fractional part (25 or 25.0, as JSON Schema's "integer"), else null.
   */
  private static BigDecimal wholeNumber(JsonNode value) {
    if (!value.isNumber()) {
      return null;
    }
    BigDecimal number;
    if (value.isIntegralNumber()) {
      number = new BigDecimal(value.bigIntegerValue());
    } else if (value.isDouble() || value.isFloat()) {
      double d = value.doubleValue();
      if (!Double.isFinite(d)) {
        return null;
      }
      number = BigDecimal.valueOf(d);
    } else {
      number = value.decimalValue();
    }
    return number.signum() == 0 || number.stripTrailingZeros().scale() <= 0 ? number : null;
  }

  private static Optional<Long> eventTime(JsonNode value) {
    if (value.isString()) {
      try {
        long ms =
            OffsetDateTime.parse(value.stringValue().trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .toInstant()
                .toEpochMilli();
        return ms >= 1 && ms <= TweetRules.MAX_EVENT_TIME_MS ? Optional.of(ms) : Optional.empty();
      } catch (DateTimeException | ArithmeticException e) {
        return Optional.empty();
      }
    }
    BigDecimal number = wholeNumber(value);
    if (number != null
        && number.compareTo(BigDecimal.ONE) >= 0
        && number.compareTo(BigDecimal.valueOf(TweetRules.MAX_EVENT_TIME_MS)) <= 0) {
      return Optional.of(number.longValueExact());
    }
    return Optional.empty();
  }

  private static boolean hasUnpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static void error(
      List<FieldError> errors, Set<String> reported, String prefix, String field, String message) {
    reported.add(field);
    errors.add(new FieldError(prefix + field, message));
  }

  /** TweetRules names the event time by its proto field; clients know it as {@code timestamp}. */
  private static String jsonField(String ruleField) {
    return TweetRules.EVENT_TIME.equals(ruleField) ? TIMESTAMP : ruleField;
  }

  private static String rejected(JsonNode value) {
    return value == null ? "" : ", got " + describe(value);
  }

  private static int order(String field, String prefix) {
    return switch (field.substring(Math.min(prefix.length(), field.length()))) {
      case ID -> 0;
      case MUNICIPALITY -> 1;
      case TEMPERATURE -> 2;
      case HUMIDITY -> 3;
      case WEATHER -> 4;
      case TIMESTAMP -> 5;
      default -> 6;
    };
  }

  /**
   * A short, safe rendering of a rejected value: long strings are cut so a huge value is not echoed
   * back.
   */
  static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    return switch (value.getNodeType()) {
      case NULL -> "null";
      case BOOLEAN -> "boolean " + value.booleanValue();
      case NUMBER -> {
        String text = value.toString();
        yield "number " + (text.length() > 24 ? text.substring(0, 21) + "..." : text);
      }
      case STRING -> {
        String text = value.stringValue();
        yield "string \"" + (text.length() > 70 ? text.substring(0, 67) + "..." : text) + "\"";
      }
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }
}
