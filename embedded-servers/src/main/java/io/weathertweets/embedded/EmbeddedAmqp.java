package io.weathertweets.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.server.SystemLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * An AMQP 0-9-1 broker in this JVM: Apache Qpid Broker-J, with a Derby store under {@code dataDir}
 * so durable queues and persistent messages survive a restart.
 *
 * <p>Qpid is not RabbitMQ: the RabbitMQ queue arguments the rabbit-bridge would declare ({@code
 * x-queue-type}, {@code x-dead-letter-*}, {@code x-delivery-limit}) mean nothing here. What they
 * express is configured in the broker instead, so the bridge runs unchanged with {@code
 * weather.rabbit.declare=false}:
 *
 * <ul>
 *   <li>durable topic exchange {@value #EXCHANGE} bound with {@code #} to the durable queue {@value
 *       #QUEUE};
 *   <li>{@value #QUEUE} has {@code maximumDeliveryAttempts} = {@value #MAX_DELIVERY_ATTEMPTS} and
 *       an alternate binding to {@value #DEAD_LETTER_QUEUE}: a message a consumer rejects without
 *       requeue ({@code basic.reject} or {@code basic.nack}, {@code requeue=false}) is moved there,
 *       as with RabbitMQ's dead-letter exchange. Without it Qpid requeues such a message (it does
 *       not dead-letter on reject). A rejection with {@code requeue=true} requeues, and a consumer
 *       that dies before acking gets the message again, without limit (RabbitMQ quorum queues'
 *       {@code x-delivery-limit} has no equivalent here).
 * </ul>
 *
 * Unknown RabbitMQ declare arguments are ignored ({@code
 * queue.behaviourOnUnknownDeclareArgument=IGNORE}) rather than closing the connection, so a client
 * that does declare still connects.
 */
public final class EmbeddedAmqp implements AutoCloseable {

  public static final String EXCHANGE = "weather.tweets";
  public static final String QUEUE = "weather.tweets.bridge";
  public static final String DEAD_LETTER_QUEUE = "weather.tweets.bridge.dlq";

  /**
   * 1, not a retry budget: Qpid checks the count only when a consumer rejects. With 1, a {@code
   * basic.reject/nack(requeue=false)} moves the message to the dead-letter queue at once — what
   * RabbitMQ's dead-letter exchange does. With more, Qpid keeps a rejected message from the
   * consumer that rejected it (reject: held unacked on its channel; nack: skipped by that
   * consumer), so with one consumer it never comes back and never reaches the dead-letter queue.
   */
  public static final int MAX_DELIVERY_ATTEMPTS = 1;

  public static final String USER = "guest";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedAmqp.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final SystemLauncher launcher;
  private final String uri;

  private EmbeddedAmqp(SystemLauncher launcher, String uri) {
    this.launcher = launcher;
    this.uri = uri;
  }

  public static EmbeddedAmqp start(Path dataDir, int port) throws IOException {
    return start(dataDir, port, true);
  }

  /**
   * Queues and messages in memory only: for tests, which need no restart and publish thousands of
   * persistent messages with confirms (each a synchronous Derby commit in the durable store, too
   * slow for their timeouts).
   */
  public static EmbeddedAmqp startInMemory(Path workDir, int port) throws IOException {
    return start(workDir, port, false);
  }

  private static EmbeddedAmqp start(Path dataDir, int port, boolean durable) throws IOException {
    Files.createDirectories(dataDir);
    Path config = dataDir.resolve("broker-config.json");
    // Written on every start from code (the broker's own config lives in memory): a port change
    // applies without editing files, while queues and messages stay in the Derby store.
    Files.writeString(
        config,
        JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsString(brokerConfig(dataDir, port, durable)));

    if (durable && System.getProperty("derby.system.home") == null) {
      // Derby writes derby.log into its home, by default the working directory: keep it with the
      // store.
      System.setProperty("derby.system.home", dataDir.toAbsolutePath().toString());
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("type", "Memory");
    attributes.put("initialConfigurationLocation", config.toUri().toString());
    attributes.put("startupLoggedToSystemOut", false);
    attributes.put(
        "context",
        Map.of(
            "qpid.work_dir",
            dataDir.toAbsolutePath().toString(),
            "queue.behaviourOnUnknownDeclareArgument",
            "IGNORE"));

    SystemLauncher launcher = new SystemLauncher();
    try {
      launcher.startup(attributes);
    } catch (Exception e) {
      launcher.shutdown();
      throw new IOException(
          "embedded AMQP broker (Qpid Broker-J) failed to start on port "
              + port
              + "; its store is "
              + dataDir.toAbsolutePath()
              + " (delete it to start empty)",
          e);
    }
    String uri = "amqp://" + USER + ":" + USER + "@localhost:" + port + "/";
    log.debug("Qpid Broker-J started with {}", config);
    return new EmbeddedAmqp(launcher, uri);
  }

  private static Map<String, Object> brokerConfig(Path dataDir, int port, boolean durable) {
    Map<String, Object> deadLetterQueue = Map.of("name", DEAD_LETTER_QUEUE, "durable", true);
    Map<String, Object> queue =
        Map.of(
            "name",
            QUEUE,
            "durable",
            true,
            "maximumDeliveryAttempts",
            MAX_DELIVERY_ATTEMPTS,
            "alternateBinding",
            Map.of("destination", DEAD_LETTER_QUEUE));
    Map<String, Object> exchange =
        Map.of(
            "name",
            EXCHANGE,
            "type",
            "topic",
            "durable",
            true,
            "durableBindings",
            List.of(Map.of("bindingKey", "#", "destination", QUEUE)));
    // Applied by Qpid only when the store is empty (first start); afterwards the store is the
    // truth.
    Map<String, Object> virtualHost = new LinkedHashMap<>();
    virtualHost.put("type", durable ? "ProvidedStore" : "Memory");
    virtualHost.put("queues", List.of(deadLetterQueue, queue));
    virtualHost.put("exchanges", List.of(exchange));

    Map<String, Object> node = new LinkedHashMap<>();
    node.put("name", "default");
    if (durable) {
      node.put("type", "DERBY");
      node.put("storePath", dataDir.resolve("store").toAbsolutePath().toString());
    } else {
      node.put("type", "Memory");
    }
    node.put("defaultVirtualHostNode", true);
    node.put("virtualHostInitialConfiguration", JSON.writeValueAsString(virtualHost));

    Map<String, Object> broker = new LinkedHashMap<>();
    broker.put("name", "weather-tweets");
    broker.put("modelVersion", "9.1");
    broker.put(
        "authenticationproviders",
        List.of(
            Map.of(
                "name",
                "plain",
                "type",
                "Plain",
                // guest/guest over plain TCP on loopback, like RabbitMQ's default guest user.
                "secureOnlyMechanisms",
                List.of(),
                "users",
                List.of(Map.of("name", USER, "type", "managed", "password", USER)))));
    broker.put(
        "ports",
        List.of(
            Map.of(
                "name", "AMQP",
                "port", port,
                "bindingAddress", "127.0.0.1",
                "authenticationProvider", "plain",
                // "/" (RabbitMQ's default vhost, what the URI names) resolves to the default node's
                // host.
                "virtualhostaliases",
                    List.of(
                        Map.of("name", "nameAlias", "type", "nameAlias"),
                        Map.of("name", "defaultAlias", "type", "defaultAlias")))));
    broker.put("virtualhostnodes", List.of(node));
    return broker;
  }

  public String uri() {
    return uri;
  }

  @Override
  public void close() {
    try {
      launcher.shutdown();
    } catch (IllegalStateException alreadyStopped) {
      // On JVM exit the broker's own shutdown hook may have stopped it first; nothing is left to
      // stop.
    }
  }
}
