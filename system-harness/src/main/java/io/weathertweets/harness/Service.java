package io.weathertweets.harness;

/** The five services of the system, each one JVM started from its executable jar. */
public enum Service {
  INGRESS("ingress"),
  KAFKA_GATEWAY("kafka-gateway"),
  RABBIT_GATEWAY("rabbit-gateway"),
  STREAMS("streams-app"),
  BRIDGE("rabbit-bridge");

  /** The name of its process and log file. */
  public final String id;

  Service(String id) {
    this.id = id;
  }
}
