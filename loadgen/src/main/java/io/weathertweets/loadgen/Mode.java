package io.weathertweets.loadgen;

import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** How the tweets travel; the names are the values of {@code --mode}. */
enum Mode {
  HTTP_SINGLE("http-single"),
  HTTP_BATCH("http-batch"),
  GRPC_BATCH("grpc-batch"),
  GRPC_STREAM("grpc-stream"),
  GRPC_COURSE("grpc-course");

  final String id;

  Mode(String id) {
    this.id = id;
  }

  boolean http() {
    return this == HTTP_SINGLE || this == HTTP_BATCH;
  }

  @Override
  public String toString() {
    return id;
  }

  static String ids() {
    return Arrays.stream(values()).map(m -> m.id).collect(Collectors.joining(", "));
  }

  /** picocli matches enum constant names; ours have hyphens. */
  static final class Converter implements CommandLine.ITypeConverter<Mode> {
    @Override
    public Mode convert(String value) {
      return Arrays.stream(values())
          .filter(m -> m.id.equalsIgnoreCase(value.trim()))
          .findFirst()
          .orElseThrow(
              () ->
                  new CommandLine.TypeConversionException(
                      "'" + value + "' is not a mode; use one of " + ids()));
    }
  }
}
