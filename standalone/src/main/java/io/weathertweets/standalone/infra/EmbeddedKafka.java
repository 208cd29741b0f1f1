package io.weathertweets.standalone.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running in this JVM, with
 * its log under {@code dataDir}. In-process rather than a child JVM: nothing can outlive the
 * launcher, and a packaged launcher jar would not give a child JVM a usable classpath. Public for
 * the benchmark tools that need a broker of their own.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final String bootstrapServers;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * A second client listener, {@code SASL_SSL}, beside the PLAINTEXT one that the broker itself
   * (inter-broker traffic) and the readiness check keep using: how a secured cluster looks to a
   * client.
   *
   * @param port the listener's port on localhost
   * @param settings broker settings for it, e.g. {@code
   *     listener.name.sasl_ssl.ssl.keystore.location}
   * @param scramCredentials SCRAM users written into the metadata log at format time (a KRaft
   *     cluster has no other way to know them before it runs), each as {@code kafka-storage.sh
   *     format --add-scram} takes it: {@code SCRAM-SHA-512=[name=alice,password=...]}
   */
  record SecuredListener(int port, Map<String, String> settings, List<String> scramCredentials) {}

  /**
   * Formats {@code dataDir} when it holds no log yet, starts the broker and waits until it serves
   * clients.
   */
  public static EmbeddedKafka start(Path dataDir, int port, int controllerPort) throws IOException {
    return start(dataDir, port, controllerPort, null);
  }

  /** As {@link #start(Path, int, int)}, plus the {@code secured} listener when it is not null. */
  static EmbeddedKafka start(Path dataDir, int port, int controllerPort, SecuredListener secured)
      throws IOException {
    Properties props = serverProperties(dataDir, port, controllerPort);
    List<String> scramCredentials = List.of();
    if (secured != null) {
      String listener = "localhost:" + secured.port();
      addListener(props, "SASL_SSL", "SASL_SSL", listener, listener);
      props.putAll(secured.settings());
      scramCredentials = secured.scramCredentials();
    }
    return start(dataDir, port, props, scramCredentials);
  }

  /**
   * As {@link #start(Path, int, int)}, plus a client listener {@code EXTERNAL} on {@code
   * externalPort} that advertises {@code advertisedPort}: a client that bootstraps there reaches
   * the broker only through what listens on that port (a test's proxy), while the broker's own
   * traffic and the readiness check stay on the PLAINTEXT listener.
   */
  static EmbeddedKafka startBehindProxy(
      Path dataDir, int port, int controllerPort, int externalPort, int advertisedPort)
      throws IOException {
    Properties props = serverProperties(dataDir, port, controllerPort);
    addListener(
        props, "EXTERNAL", "PLAINTEXT", "localhost:" + externalPort, "127.0.0.1:" + advertisedPort);
    return start(dataDir, port, props, List.of());
  }

  /** One more listener beside PLAINTEXT and CONTROLLER, bound and advertised at the addresses. */
  private static void addListener(
      Properties props, String name, String protocol, String bind, String advertised) {
    props.setProperty("listeners", props.getProperty("listeners") + "," + name + "://" + bind);
    props.setProperty(
        "advertised.listeners",
        props.getProperty("advertised.listeners") + "," + name + "://" + advertised);
    props.setProperty(
        "listener.security.protocol.map",
        props.getProperty("listener.security.protocol.map") + "," + name + ":" + protocol);
  }

  private static EmbeddedKafka start(
      Path dataDir, int port, Properties props, List<String> scramCredentials) throws IOException {
    Files.createDirectories(dataDir);
    String bootstrapServers = "localhost:" + port;
    formatIfNeeded(dataDir, scramCredentials);
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrapServers);
    try {
      server.startup();
      kafka.awaitReady();
    } catch (RuntimeException | IOException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  static Properties serverProperties(Path dataDir, int port, int controllerPort) {
    Properties p = new Properties();
    p.putAll(
        Map.ofEntries(
            Map.entry("process.roles", "broker,controller"),
            Map.entry("node.id", String.valueOf(NODE_ID)),
            Map.entry("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort),
            Map.entry(
                "listeners",
                "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort),
            Map.entry("advertised.listeners", "PLAINTEXT://localhost:" + port),
            Map.entry("controller.listener.names", "CONTROLLER"),
            Map.entry("inter.broker.listener.name", "PLAINTEXT"),
            Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
            Map.entry("log.dirs", dataDir.toAbsolutePath().toString()),
            Map.entry("num.partitions", "6"),
            Map.entry("auto.create.topics.enable", "true"),
            // One node: every internal topic must be satisfiable with one replica. The transaction
            // coordinator is what Kafka Streams' exactly_once_v2 needs.
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            // 50 partitions each (the defaults) cost seconds of startup on two cores for nothing
            // locally.
            Map.entry("offsets.topic.num.partitions", "6"),
            Map.entry("transaction.state.log.num.partitions", "6"),
            // A local demo has one member per group: don't wait 3 s for others on every rebalance.
            Map.entry("group.initial.rebalance.delay.ms", "0")));
    return p;
  }

  /**
   * What {@code kafka-storage.sh format --standalone} does, once: the directory keeps its cluster
   * id afterwards.
   */
  private static void formatIfNeeded(Path dataDir, List<String> scramCredentials)
      throws IOException {
    if (Files.exists(dataDir.resolve("meta.properties"))) {
      return;
    }
    String dir = dataDir.toAbsolutePath().toString();
    try {
      new Formatter()
          .setPrintStream(new java.io.PrintStream(new Slf4jLineStream(log), true))
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(java.util.List.of(dir))
          .setMetadataLogDirectory(dir)
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.latestProduction())
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setIgnoreFormatted(true)
          .setScramArguments(scramCredentials)
          .run();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(
          "could not format the Kafka log directory "
              + dir
              + " — delete it to start from an empty broker",
          e);
    }
  }

  /**
   * The broker accepts connections before it is unfenced; a client's view of the cluster is what
   * counts.
   */
  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      while (true) {
        try {
          if (!admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
              .nodes()
              .get(6, TimeUnit.SECONDS)
              .isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException notYet) {
          if (System.nanoTime() > deadline) {
            throw new IOException(
                "embedded Kafka broker on "
                    + bootstrapServers
                    + " did not become ready within "
                    + READY_TIMEOUT.toSeconds()
                    + " s",
                notYet);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for the embedded Kafka broker", e);
        }
      }
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
