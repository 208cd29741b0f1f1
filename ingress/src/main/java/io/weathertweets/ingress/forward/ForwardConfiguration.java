package io.weathertweets.ingress.forward;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.TweetPath;
import io.weathertweets.ingress.IngressProperties;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.ChannelBuilderOptions;
import org.springframework.grpc.client.GrpcChannelFactory;

/** Channels to the targeted gateways, the forwarder on top of them, and their health. */
@Configuration(proxyBeanMethods = false)
class ForwardConfiguration {

  /**
   * Only the gateways the routing targets get a channel: an unused one would only make readiness
   * lie. The channels complete calls on the transport's own threads (direct executor): the
   * forwarder's callbacks only note the outcome and complete a future, and a hop to a callback
   * executor per call would cost a thread wake-up for that. gRPC's other work for the channel (the
   * answers' parsing; the calls it buffered while reconnecting, started again) then runs there too;
   * it is bounded by the coalescer's calls in flight (each of at most max-batch tweets).
   */
  @Bean
  Gateways gateways(GrpcChannelFactory channelFactory, IngressProperties properties) {
    Map<TweetPath, ManagedChannel> channels = new EnumMap<>(TweetPath.class);
    ChannelBuilderOptions direct =
        ChannelBuilderOptions.defaults()
            .withCustomizer((name, builder) -> builder.directExecutor());
    for (TweetPath path : properties.routing().paths()) {
      channels.put(path, channelFactory.createChannel(channelName(path), direct));
    }
    return new Gateways(channels);
  }

  /**
   * The Spring gRPC channel of a path, configured as {@code
   * spring.grpc.client.channel.<name>.target}.
   */
  static String channelName(TweetPath path) {
    return path.id() + "-gateway";
  }

  @Bean
  Forwarder forwarder(
      Gateways gateways, IngressProperties properties, MeterRegistry meterRegistry) {
    return new Forwarder(gateways, properties.forwardDeadline(), meterRegistry);
  }

  /** Single requests under load travel to the gateways together; see {@link Coalescer}. */
  @Bean(destroyMethod = "close")
  Coalescer coalescer(
      Forwarder forwarder, IngressProperties properties, MeterRegistry meterRegistry) {
    ExecutorService calls =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("forward-call-", 0).factory());
    // A request waits for a slot at most while the calls ahead of it run (each bounded by the
    // deadline): with the
    // in-flight bounds, its tweets leave with the next or the one after; then its own call's
    // deadline.
    return new Coalescer(
        forwarder::forward,
        forwarder.paths(),
        properties.forwardCallsInFlight(),
        properties.forwardPartialWait(),
        properties.maxBatch(),
        properties.forwardDeadline().multipliedBy(3),
        calls,
        meterRegistry);
  }

  /**
   * Health component {@code gateways}, one child per channel; part of readiness, never of liveness.
   */
  @Bean
  CompositeHealthContributor gatewaysHealthContributor(Gateways gateways) {
    Map<String, HealthContributor> children = new java.util.LinkedHashMap<>();
    gateways
        .channels()
        .forEach((path, channel) -> children.put(path.id(), new ChannelHealthIndicator(channel)));
    return CompositeHealthContributor.fromMap(children);
  }
}
