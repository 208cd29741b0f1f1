package io.weathertweets.standalone.infra;

import io.weathertweets.embedded.FreePorts;

/**
 * Ports of the embedded servers. The defaults are the documented ones (the same as the services'
 * defaults, so nothing needs configuring); each can be moved with a system property, which tests
 * use to run on free ports next to real servers.
 *
 * <table>
 *   <caption>Ports</caption>
 *   <tr><th>part</th><th>default</th><th>system property</th></tr>
 *   <tr><td>Kafka broker (PLAINTEXT)</td><td>9092</td><td>{@code weather.standalone.kafka-port}</td></tr>
 *   <tr><td>Kafka KRaft controller</td><td>9093</td><td>{@code weather.standalone.kafka-controller-port}</td></tr>
 *   <tr><td>AMQP 0-9-1</td><td>5672</td><td>{@code weather.standalone.amqp-port}</td></tr>
 *   <tr><td>Redis role</td><td>6379</td><td>{@code weather.standalone.redis-port}</td></tr>
 *   <tr><td>Valkey role</td><td>6380</td><td>{@code weather.standalone.valkey-port}</td></tr>
 * </table>
 */
public record InfrastructurePorts(int kafka, int kafkaController, int amqp, int redis, int valkey) {

  public static final String KAFKA_PORT_PROPERTY = "weather.standalone.kafka-port";
  public static final String KAFKA_CONTROLLER_PORT_PROPERTY =
      "weather.standalone.kafka-controller-port";
  public static final String AMQP_PORT_PROPERTY = "weather.standalone.amqp-port";
  public static final String REDIS_PORT_PROPERTY = "weather.standalone.redis-port";
  public static final String VALKEY_PORT_PROPERTY = "weather.standalone.valkey-port";

  public static InfrastructurePorts defaults() {
    return new InfrastructurePorts(9092, 9093, 5672, 6379, 6380);
  }

  /** Free ports for every embedded part (a test, or an instance beside others on one machine). */
  public static InfrastructurePorts free() {
    int[] p = FreePorts.distinct(5);
    return new InfrastructurePorts(p[0], p[1], p[2], p[3], p[4]);
  }

  /**
   * These ports, with each port of a part that will be embedded (its variable unset in {@code env})
   * replaced by a free one when something already listens there — a machine that runs its own
   * RabbitMQ or Redis. Each move is described in {@code moves}.
   */
  public InfrastructurePorts movedOffTakenPorts(
      java.util.Map<String, String> env, java.util.List<String> moves) {
    boolean kafkaEmbedded = blank(env.get(EmbeddedInfrastructure.KAFKA_ENV));
    return new InfrastructurePorts(
        kafkaEmbedded
            ? PortGuard.freeOrMoved(kafka, KAFKA_PORT_PROPERTY, "embedded Kafka broker", moves)
            : kafka,
        kafkaEmbedded
            ? PortGuard.freeOrMoved(
                kafkaController, KAFKA_CONTROLLER_PORT_PROPERTY, "embedded Kafka controller", moves)
            : kafkaController,
        blank(env.get(EmbeddedInfrastructure.RABBIT_ENV))
            ? PortGuard.freeOrMoved(amqp, AMQP_PORT_PROPERTY, "embedded AMQP broker", moves)
            : amqp,
        blank(env.get(EmbeddedInfrastructure.REDIS_ENV))
            ? PortGuard.freeOrMoved(redis, REDIS_PORT_PROPERTY, "embedded Redis-role server", moves)
            : redis,
        blank(env.get(EmbeddedInfrastructure.VALKEY_ENV))
            ? PortGuard.freeOrMoved(
                valkey, VALKEY_PORT_PROPERTY, "embedded Valkey-role server", moves)
            : valkey);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  /** The defaults, each replaced by its system property when that is set. */
  public static InfrastructurePorts fromSystemProperties() {
    InfrastructurePorts d = defaults();
    return new InfrastructurePorts(
        Integer.getInteger(KAFKA_PORT_PROPERTY, d.kafka()),
        Integer.getInteger(KAFKA_CONTROLLER_PORT_PROPERTY, d.kafkaController()),
        Integer.getInteger(AMQP_PORT_PROPERTY, d.amqp()),
        Integer.getInteger(REDIS_PORT_PROPERTY, d.redis()),
        Integer.getInteger(VALKEY_PORT_PROPERTY, d.valkey()));
  }
}
