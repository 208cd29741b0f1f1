package io.weathertweets.aggregates;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The sky conditions the system knows; {@link #id()} is the JSON value and the aggregate's field
 * name. Part of the catalogue, like {@link Municipality}.
 */
public enum Condition {
  SUNNY,
  CLOUDY,
  RAINY,
  FOGGY;

  private static final Condition[] VALUES = values();
  private static final List<String> IDS = Arrays.stream(values()).map(Condition::id).toList();

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every {@link #id()}, in declaration order. */
  public static List<String> ids() {
    return IDS;
  }

  /** Parses {@code " Sunny"} or {@code "sunny"}; empty when the condition is not one we know. */
  public static Optional<Condition> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String wanted = text.trim().toUpperCase(Locale.ROOT);
    for (Condition c : values()) {
      if (c.name().equals(wanted)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /**
   * The constant numbered as {@code proto}: the proto enum's value n is this enum's n-th constant,
   * of the same name ({@code CatalogueFiles} writes the proto enum so, {@code CatalogueTest} checks
   * it).
   */
  public static Condition fromProto(io.weathertweets.proto.v1.Condition proto) {
    int number = proto == io.weathertweets.proto.v1.Condition.UNRECOGNIZED ? 0 : proto.getNumber();
    if (number < 1 || number > VALUES.length) {
      throw new IllegalArgumentException("condition: unknown value " + proto);
    }
    return VALUES[number - 1];
  }

  /**
   * The proto value numbered as this constant: the n-th constant is value n (see {@link
   * #fromProto}).
   */
  public io.weathertweets.proto.v1.Condition toProto() {
    return io.weathertweets.proto.v1.Condition.forNumber(ordinal() + 1);
  }
}
