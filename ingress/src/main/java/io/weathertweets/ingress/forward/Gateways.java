package io.weathertweets.ingress.forward;

import io.grpc.ManagedChannel;
import io.weathertweets.aggregates.TweetPath;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One long-lived gRPC channel per targeted gateway. Channels multiplex every request over one
 * HTTP/2 connection and reconnect by themselves, so they are created once at startup and shared by
 * all requests. Their lifecycle (shutdown on context close) belongs to Spring gRPC's channel
 * factory.
 */
public final class Gateways {
  private final Map<TweetPath, ManagedChannel> channels;

  Gateways(Map<TweetPath, ManagedChannel> channels) {
    this.channels = Collections.unmodifiableMap(new EnumMap<>(channels));
  }

  public Map<TweetPath, ManagedChannel> channels() {
    return channels;
  }
}
