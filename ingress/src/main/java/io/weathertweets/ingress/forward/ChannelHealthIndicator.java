package io.weathertweets.ingress.forward;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of one gateway channel, from its connectivity state. Asking for the state also asks an
 * idle channel to connect, so a probe finds out whether the gateway is reachable before the first
 * tweet does.
 */
final class ChannelHealthIndicator implements HealthIndicator {
  private final ManagedChannel channel;

  ChannelHealthIndicator(ManagedChannel channel) {
    this.channel = channel;
  }

  @Override
  public Health health() {
    ConnectivityState state = channel.getState(true);
    Health.Builder builder =
        switch (state) {
          case READY -> Health.up();
          // Idle is a healthy channel without recent calls; connecting is not known to be good or
          // bad yet.
          case IDLE -> Health.up();
          case CONNECTING -> Health.unknown();
          case TRANSIENT_FAILURE, SHUTDOWN -> Health.down();
        };
    return builder
        .withDetail("state", state.name())
        .withDetail("target", channel.authority())
        .build();
  }
}
