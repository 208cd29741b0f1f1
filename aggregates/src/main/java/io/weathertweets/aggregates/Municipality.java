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
 * CatalogueTest} checks every other file that spells them out (the .proto enums, the OpenAPI
 * document, the load tools, the Grafana dashboards).
 */
public enum Municipality {
  MIXCO,
  GUATEMALA,
  AMATITLAN,
  CHINAUTLA;

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

  public static Municipality fromProto(io.weathertweets.proto.v1.Municipality proto) {
    return switch (proto) {
      case MIXCO -> MIXCO;
      case GUATEMALA -> GUATEMALA;
      case AMATITLAN -> AMATITLAN;
      case CHINAUTLA -> CHINAUTLA;
      case MUNICIPALITY_UNSPECIFIED, UNRECOGNIZED ->
          throw new IllegalArgumentException("municipality: unknown value " + proto);
    };
  }

  public io.weathertweets.proto.v1.Municipality toProto() {
    return io.weathertweets.proto.v1.Municipality.valueOf(name());
  }
}
