package io.weathertweets.streams.topology;

/** The state formats the benchmarks compare, by the name of their JMH parameter. */
final class StateSerdeBenchmarks {
  private StateSerdeBenchmarks() {}

  static WeatherTopology.StateSerdes serdes(String format) {
    return switch (format) {
      case "binary" -> WeatherTopology.StateSerdes.CURRENT;
      case "protobuf" ->
          new WeatherTopology.StateSerdes(
              ProtoStateSerde.TALLY,
              ProtoStateSerde.AGGREGATE,
              ProtoStateSerde.MUNICIPALITY_AGGREGATE,
              ProtoStateSerde.OVERVIEW);
      default -> throw new IllegalArgumentException("unknown state format " + format);
    };
  }
}
