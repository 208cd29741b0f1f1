package io.weathertweets.aggregates;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Count, temperature sum/min/max, humidity sum and a count per condition of a set of tweets, plus
 * the latest event time among them. Immutable; {@link #plus} returns a new value. Averages are
 * derived, never stored, so that two paths holding the same sums always print the same averages.
 *
 * @param temperatureMin meaningful only when {@code count > 0}
 * @param temperatureMax meaningful only when {@code count > 0}
 */
public record Aggregate(
    long count,
    long temperatureSum,
    int temperatureMin,
    int temperatureMax,
    long humiditySum,
    long sunny,
    long cloudy,
    long rainy,
    long foggy,
    long lastEventMs) {

  public static final Aggregate EMPTY = new Aggregate(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /**
   * The numeric fields of the store layout, in the order they are written: the figures, then one
   * per condition.
   */
  public static final String[] NUMERIC_FIELDS =
      Stream.concat(
              Stream.of(
                  "count",
                  "temperature_sum",
                  "temperature_min",
                  "temperature_max",
                  "temperature_avg",
                  "humidity_sum",
                  "humidity_avg"),
              Condition.ids().stream())
          .toArray(String[]::new);

  public Aggregate plus(int temperature, int humidity, Condition condition, long eventMs) {
    return new Aggregate(
        count + 1,
        temperatureSum + temperature,
        count == 0 ? temperature : Math.min(temperatureMin, temperature),
        count == 0 ? temperature : Math.max(temperatureMax, temperature),
        humiditySum + humidity,
        sunny + (condition == Condition.SUNNY ? 1 : 0),
        cloudy + (condition == Condition.CLOUDY ? 1 : 0),
        rainy + (condition == Condition.RAINY ? 1 : 0),
        foggy + (condition == Condition.FOGGY ? 1 : 0),
        Math.max(lastEventMs, eventMs));
  }

  public Aggregate plus(io.weathertweets.proto.v1.Tweet tweet) {
    return plus(
        tweet.getTemperature(),
        tweet.getHumidity(),
        Condition.fromProto(tweet.getCondition()),
        tweet.getEventTimeMs());
  }

  public long conditionCount(Condition condition) {
    return switch (condition) {
      case SUNNY -> sunny;
      case CLOUDY -> cloudy;
      case RAINY -> rainy;
      case FOGGY -> foggy;
    };
  }

  public String temperatureAvg() {
    return average(temperatureSum, count);
  }

  public String humidityAvg() {
    return average(humiditySum, count);
  }

  /**
   * {@code sum / count} as a decimal string with two places, rounded half-even on the exact binary
   * value of the double quotient. That is what C's {@code printf("%.2f")} does, so the Lua script
   * of the RabbitMQ path ({@code string.format}) prints exactly the same text for the same sums.
   */
  public static String average(long sum, long count) {
    if (count == 0) {
      return "0.00";
    }
    return new BigDecimal((double) sum / (double) count)
        .setScale(2, RoundingMode.HALF_EVEN)
        .toPlainString();
  }

  /** The hash fields of the store layout (without {@code updated_at}); insertion-ordered. */
  public Map<String, String> toFields() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("count", Long.toString(count));
    fields.put("temperature_sum", Long.toString(temperatureSum));
    fields.put("temperature_min", Integer.toString(temperatureMin));
    fields.put("temperature_max", Integer.toString(temperatureMax));
    fields.put("temperature_avg", temperatureAvg());
    fields.put("humidity_sum", Long.toString(humiditySum));
    fields.put("humidity_avg", humidityAvg());
    for (Condition c : Condition.values()) {
      fields.put(c.id(), Long.toString(conditionCount(c)));
    }
    return fields;
  }

  /**
   * Reads back what {@link #toFields()} wrote (extra fields are ignored); EMPTY for an empty hash.
   */
  public static Aggregate fromFields(Map<String, String> fields) {
    if (fields == null || fields.isEmpty() || !fields.containsKey("count")) {
      return EMPTY;
    }
    return new Aggregate(
        parseLong(fields, "count"),
        parseLong(fields, "temperature_sum"),
        (int) parseLong(fields, "temperature_min"),
        (int) parseLong(fields, "temperature_max"),
        parseLong(fields, "humidity_sum"),
        parseLong(fields, "sunny"),
        parseLong(fields, "cloudy"),
        parseLong(fields, "rainy"),
        parseLong(fields, "foggy"),
        0);
  }

  /** The same figures without the event-time bookkeeping, for comparisons across paths. */
  public Aggregate figures() {
    return new Aggregate(
        count,
        temperatureSum,
        temperatureMin,
        temperatureMax,
        humiditySum,
        sunny,
        cloudy,
        rainy,
        foggy,
        0);
  }

  private static long parseLong(Map<String, String> fields, String name) {
    String value = fields.get(name);
    return value == null ? 0 : Long.parseLong(value);
  }
}
