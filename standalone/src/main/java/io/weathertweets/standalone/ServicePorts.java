package io.weathertweets.standalone;

import io.weathertweets.embedded.FreePorts;
import io.weathertweets.standalone.infra.PortGuard;
import java.util.List;

/**
 * The ports of the services in the standalone process. The defaults are the documented ones
 * (ingress 8080; Kafka gateway gRPC 9090 / HTTP 8081; RabbitMQ gateway gRPC 9091 / HTTP 8082;
 * streams-app 8083; rabbit-bridge 8084); tests pass free ports.
 */
public record ServicePorts(
    int ingress,
    int kafkaGatewayGrpc,
    int kafkaGatewayHttp,
    int rabbitGatewayGrpc,
    int rabbitGatewayHttp,
    int streamsHttp,
    int bridgeHttp) {

  public static ServicePorts defaults() {
    return new ServicePorts(8080, 9090, 8081, 9091, 8082, 8083, 8084);
  }

  /** Free ports for every service (a test, or an instance beside others on one machine). */
  public static ServicePorts free() {
    int[] p = FreePorts.distinct(7);
    return new ServicePorts(p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
  }

  /**
   * The defaults, each replaceable by a system property {@code weather.standalone.<name>-port}
   * (ingress, kafka-gateway-grpc, kafka-gateway-http, rabbit-gateway-grpc, rabbit-gateway-http,
   * streams-http, bridge-http) — for a second instance on one machine, or a test.
   */
  public static ServicePorts fromSystemProperties() {
    ServicePorts d = defaults();
    return new ServicePorts(
        port("ingress", d.ingress()),
        port("kafka-gateway-grpc", d.kafkaGatewayGrpc()),
        port("kafka-gateway-http", d.kafkaGatewayHttp()),
        port("rabbit-gateway-grpc", d.rabbitGatewayGrpc()),
        port("rabbit-gateway-http", d.rabbitGatewayHttp()),
        port("streams-http", d.streamsHttp()),
        port("bridge-http", d.bridgeHttp()));
  }

  /**
   * These ports, each one that something already listens on replaced by a free one (described in
   * {@code moves}).
   */
  public ServicePorts movedOffTakenPorts(List<String> moves) {
    return new ServicePorts(
        PortGuard.freeOrMoved(ingress, property("ingress"), "ingress HTTP", moves),
        PortGuard.freeOrMoved(
            kafkaGatewayGrpc, property("kafka-gateway-grpc"), "Kafka gateway gRPC", moves),
        PortGuard.freeOrMoved(
            kafkaGatewayHttp, property("kafka-gateway-http"), "Kafka gateway HTTP", moves),
        PortGuard.freeOrMoved(
            rabbitGatewayGrpc, property("rabbit-gateway-grpc"), "RabbitMQ gateway gRPC", moves),
        PortGuard.freeOrMoved(
            rabbitGatewayHttp, property("rabbit-gateway-http"), "RabbitMQ gateway HTTP", moves),
        PortGuard.freeOrMoved(streamsHttp, property("streams-http"), "streams-app HTTP", moves),
        PortGuard.freeOrMoved(bridgeHttp, property("bridge-http"), "rabbit-bridge HTTP", moves));
  }

  private static String property(String name) {
    return "weather.standalone." + name + "-port";
  }

  private static int port(String name, int fallback) {
    return Integer.getInteger(property(name), fallback);
  }
}
