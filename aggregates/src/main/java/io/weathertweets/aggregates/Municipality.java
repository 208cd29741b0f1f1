package io.weathertweets.aggregates;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The municipalities the system knows, in the order used for tie-breaks (e.g. two municipalities
 * sharing the highest temperature: the first in this order is named in {@code weather:extremes}).
 *
 * <p>The catalogue: Java code derives its lists from this enum, the bridge's Lua script receives
 * them as arguments, the live page reads them from {@code GET /api/catalogue}, and {@code
 * CatalogueFiles} rewrites every other file that spells them out (the .proto enums, the OpenAPI
 * document, the load tools, the Grafana dashboards), which {@code CatalogueTest} checks.
 */
public enum Municipality {
  MIXCO,
  GUATEMALA,
  AMATITLAN,
  CHINAUTLA;

  private static final Municipality[] VALUES = values();
  private static final List<String> IDS = Arrays.stream(values()).map(Municipality::id).toList();

  /** The lower-case name used in JSON, in store keys and as hash fields. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every {@link #id()}, in declaration order. */
  public static List<String> ids() {
    return IDS;
  }

  /** Parses {@code "Mixco "} or {@code "mixco"}; empty when the name is not one we know. */
  public static Optional<Municipality> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String wanted = text.trim().toUpperCase(Locale.ROOT);
    for (Municipality m : values()) {
      if (m.name().equals(wanted)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /**
   * The constant numbered as {@code proto}: the proto enum's value n is this enum's n-th constant,
   * of the same name ({@code CatalogueFiles} writes the proto enum so, {@code CatalogueTest} checks
   * it).
   */
  public static Municipality fromProto(io.weathertweets.proto.v1.Municipality proto) {
    int number =
        proto == io.weathertweets.proto.v1.Municipality.UNRECOGNIZED ? 0 : proto.getNumber();
    if (number < 1 || number > VALUES.length) {
      throw new IllegalArgumentException("municipality: unknown value " + proto);
    }
    return VALUES[number - 1];
  }

  /**
   * The proto value numbered as this constant: the n-th constant is value n (see {@link
   * #fromProto}).
   */
  public io.weathertweets.proto.v1.Municipality toProto() {
    return io.weathertweets.proto.v1.Municipality.forNumber(ordinal() + 1);
  }
}
