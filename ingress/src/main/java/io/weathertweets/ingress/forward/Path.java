package io.weathertweets.ingress.forward;

import java.util.Locale;

/** The two independent paths a tweet can take, each behind its own gateway. */
public enum Path {
  KAFKA, RABBIT;

  /** The name used in responses, meter tags and channel names: {@code kafka} or {@code rabbit}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The Spring gRPC channel name, configured as {@code spring.grpc.client.channel.<name>.target}. */
  String channelName() {
    return id() + "-gateway";
  }
}
