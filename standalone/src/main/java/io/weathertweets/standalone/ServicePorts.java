package io.weathertweets.standalone;

/**
 * The ports of the services in the standalone process. The defaults are the documented ones (ingress 8080;
 * Kafka gateway gRPC 9090 / HTTP 8081; RabbitMQ gateway gRPC 9091 / HTTP 8082; streams-app 8083;
 * rabbit-bridge 8084); tests pass free ports.
 */
public record ServicePorts(int ingress, int kafkaGatewayGrpc, int kafkaGatewayHttp, int rabbitGatewayGrpc,
    int rabbitGatewayHttp, int streamsHttp, int bridgeHttp) {

  public static ServicePorts defaults() {
    return new ServicePorts(8080, 9090, 8081, 9091, 8082, 8083, 8084);
  }
}
