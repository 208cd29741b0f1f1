package io.weathertweets.deploy;

import static io.weathertweets.deploy.StrimziResourcesTest.find;
import static io.weathertweets.deploy.StrimziResourcesTest.name;
import static io.weathertweets.deploy.StrimziResourcesTest.ofKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weathertweets.deploy.NetworkPolicies.Peer;
import io.weathertweets.deploy.NetworkPolicyConnectionsTest.Connection;
import io.weathertweets.embedded.FreePorts;
import io.weathertweets.harness.RabbitNode;
import io.weathertweets.standalone.infra.SecuredKafka;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The whole dev overlay as applied, rehearsed without a cluster. Every workload of ours (ingress,
 * gateway-kafka, gateway-rabbit, streams-app, rabbit-bridge) runs as a local process: its service's
 * executable jar (what the image is built from; the containers set no command or args), exactly the
 * pod spec's environment (ConfigMap and Secret references resolved from the render of the committed
 * {@code *.example} files), its container ports mapped to free local ports, its volume mounts
 * mapped to directories (paths in the environment follow), and a working directory standing for the
 * read-only root filesystem.
 *
 * <p>What the pods talk to is real: the store pods' own start scripts and config ({@code
 * redis-server}, {@code valkey-server} with the ACL users of the Secret), a RabbitMQ node loading
 * the rendered definitions, and for the Strimzi cluster an in-process broker offering what its
 * {@code scram} listener offers (SASL_SSL, SCRAM-SHA-512, a cluster CA) with the Kafka resource's
 * broker config, the topics of the KafkaTopic resources, the KafkaUsers' ACLs enforced by Kafka's
 * authorizer, and the Secrets the Strimzi operators would generate: one per KafkaUser ({@code
 * sasl.jaas.config}, {@code password}) and the cluster CA's ({@code ca.p12}, {@code ca.password}).
 * Every {@code host:port} in a pod's environment must be a Service of the render (or the Strimzi
 * bootstrap Service) and is mapped to the local process behind it; the connection is recorded as
 * pod labels → target pod and container port.
 *
 * <p>Then, from the manifests alone: every workload becomes ready by its own startup and readiness
 * probes; every recorded connection, and DNS, is allowed by the rendered NetworkPolicies evaluated
 * as a CNI would ({@link NetworkPolicies}); every TCP connection the processes really opened goes
 * to a recorded target; a course load through the ingress Service (single tweets and batches) gives
 * {@code /api/compare} "equal" with both paths counting exactly the accepted tweets; every Redis
 * query of every dashboard returns data as Grafana's data sources log in (the read-only user),
 * every service series the dashboards and alert rules read is in a scrape at the pods' annotated
 * port and path; the Kafka Streams state is inside its mounted volume and nothing was written
 * outside a volume.
 */
class FullDeploymentRehearsalTest {
  private static final String NS = KubernetesManifestsTest.NAMESPACE;

  /**
   * Single tweets posted one by one, besides the batches of {@link
   * DashboardQueriesOnRealStoresTest#postTweets}.
   */
  private static final int SINGLE_TWEETS = 250;

  /** Workload → the module whose executable jar it runs. */
  private static final Map<String, String> JARS =
      Map.of(
          "ingress",
          "ingress",
          "gateway-kafka",
          "grpc-gateway",
          "gateway-rabbit",
          "grpc-gateway",
          "streams-app",
          "streams-app",
          "rabbit-bridge",
          "rabbit-bridge");

  /**
   * The SCRAM user the rehearsal creates topics and ACLs as, a super user as the Strimzi operators
   * are.
   */
  private static final String OPERATOR = "rehearsal-operator";

  private final List<Process> started = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void stop() throws InterruptedException {
    PodProcess.stopAll(started);
  }

  /** A workload run as a process: its pod, container, ports, the process and its log. */
  private record Pod(
      String name,
      ObjectNode workload,
      JsonNode container,
      PodProcess pod,
      PodProcess.LocalPorts ports,
      Map<String, String> env,
      Path workDir,
      Path log,
      Process[] handle) {
    Process process() {
      return handle[0];
    }
  }

  @Test
  void theDevOverlayShouldWorkAsAppliedFromTheManifestsAlone() throws Exception {
    Assumptions.assumeTrue(RabbitNode.installed(), "no local RabbitMQ installation");
    for (String store : List.of("redis", "valkey")) {
      Assumptions.assumeTrue(
          new File("/usr/bin/" + store + "-server").canExecute(), store + "-server not installed");
    }
    JARS.values().forEach(Repo::serviceJar);
    long t0 = System.nanoTime();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<ObjectNode> all = new ArrayList<>(KubernetesManifestsTest.render("dev"));

    // The infrastructure the Services name: store pods, a RabbitMQ node, the stand-in for the
    // Strimzi cluster.
    Map<String, Map<Integer, Integer>> localPorts = new LinkedHashMap<>();
    for (String store : List.of("redis", "valkey")) {
      int[] ports = FreePorts.distinct(2);
      PodProcessesTest.startStore(
          all,
          find(all, "StatefulSet", store),
          store,
          0,
          ports,
          dir.resolve(store),
          started,
          p -> {});
      localPorts.put(store, Map.of(6379, ports[0]));
    }
    ObjectNode broker = find(all, "StatefulSet", "rabbitmq");
    Path definitions =
        new PodProcess(all, broker, "containers", "rabbitmq", dir.resolve("rabbitmq-pod"))
            .volume("server-secret")
            .resolve("definitions.json");
    try (RabbitNode rabbit =
            new RabbitNode(dir.resolve("rabbitmq"), dir.resolve("rabbitmq"), definitions)
                .start(Duration.ofSeconds(60));
        SecuredKafka kafka =
            SecuredKafka.start(
                dir.resolve("kafka"),
                Stream.concat(
                        Stream.of(OPERATOR),
                        ofKind(all, "KafkaUser").stream().map(StrimziResourcesTest::name))
                    .toList(),
                brokerSettings(all))) {
      localPorts.put("rabbitmq", Map.of(5672, rabbit.amqpPort()));
      all.addAll(strimziSecrets(all, kafka));
      createTopicsAndAcls(all, kafka);
      System.out.printf("stores, RabbitMQ and Kafka up after %d ms%n", millisSince(t0));

      // Every workload of ours: ports first (a Service's target must be known before anything
      // connects to it).
      Map<String, Pod> pods = new LinkedHashMap<>();
      for (String name : Repo.SERVICES) {
        ObjectNode workload = find(all, "Deployment", name);
        JsonNode container =
            workload.path("spec").path("template").path("spec").path("containers").get(0);
        PodProcess pod =
            new PodProcess(all, workload, "containers", name, dir.resolve(name + "-pod"));
        PodProcess.LocalPorts ports =
            PodProcess.LocalPorts.of(container, FreePorts.distinct(container.path("ports").size()));
        localPorts.put(name, ports.ports());
        pods.put(
            name,
            new Pod(
                name,
                workload,
                container,
                pod,
                ports,
                null,
                dir.resolve(name + "-root"),
                dir.resolve(name + ".log"),
                new Process[1]));
      }
      // Environments: ports, mounts and the Services' host:port made local; each connection
      // recorded.
      Map<String, List<Connection>> connections = new LinkedHashMap<>();
      Map<String, Peer> peers = NetworkPolicyConnectionsTest.pods(all);
      String bootstrap = name(find(all, "Kafka", "weather-kafka")) + "-kafka-bootstrap";
      int kafkaPort =
          Integer.parseInt(
              kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
      for (Pod p : pods.values()) {
        Map<String, String> env = p.ports().env(p.pod().mountedEnv());
        List<Connection> opened = new ArrayList<>();
        env.replaceAll(
            (k, v) -> {
              Matcher m = NetworkPolicyConnectionsTest.HOST_PORT.matcher(v);
              StringBuilder out = new StringBuilder();
              int last = 0;
              while (m.find()) {
                String host = m.group(1);
                int port = Integer.parseInt(m.group(2));
                Connection c =
                    NetworkPolicyConnectionsTest.toService(all, peers, p.name(), host, port);
                opened.add(c);
                String local;
                if (host.equals(bootstrap)) {
                  // The broker's certificate names localhost, as Strimzi's names the bootstrap
                  // Service.
                  local = "localhost:" + kafkaPort;
                } else {
                  Integer target = localPorts.getOrDefault(c.to(), Map.of()).get(c.port());
                  assertThat(target)
                      .as(
                          p.name()
                              + " "
                              + k
                              + ": nothing runs behind "
                              + host
                              + ":"
                              + port
                              + " ("
                              + c
                              + ")")
                      .isNotNull();
                  local = "127.0.0.1:" + target;
                }
                out.append(v, last, m.start(1)).append(local);
                last = m.end(2);
              }
              return out.append(v.substring(last)).toString();
            });
        // A port the environment does not set is the application's default (server.port); the
        // container port
        // stands for it. Only single-port containers rely on that.
        Set<Integer> named = new TreeSet<>();
        p.ports()
            .ports()
            .forEach(
                (containerPort, local) -> {
                  if (env.containsValue(String.valueOf(local))) {
                    named.add(containerPort);
                  }
                });
        if (named.size() < p.ports().ports().size()) {
          assertThat(p.ports().ports())
              .as(p.name() + ": container ports no env variable sets")
              .hasSize(1);
          env.put("SERVER_PORT", String.valueOf(p.ports().ports().values().iterator().next()));
        }
        env.put("HOSTNAME", p.name() + "-0");
        connections.put(p.name(), opened);
        pods.put(
            p.name(),
            new Pod(
                p.name(),
                p.workload(),
                p.container(),
                p.pod(),
                p.ports(),
                env,
                p.workDir(),
                p.log(),
                p.handle()));
      }
      assertThat(connections.get("ingress"))
          .extracting(Connection::to)
          .contains("redis", "valkey", "gateway-kafka", "gateway-rabbit");
      assertThat(connections.get("gateway-kafka"))
          .extracting(Connection::to)
          .contains("kafka-broker");
      assertThat(connections.get("gateway-rabbit")).extracting(Connection::to).contains("rabbitmq");
      assertThat(connections.get("streams-app"))
          .extracting(Connection::to)
          .contains("kafka-broker", "redis");
      assertThat(connections.get("rabbit-bridge"))
          .extracting(Connection::to)
          .contains("rabbitmq", "valkey");

      // The NetworkPolicies allow every connection the pods are configured to open, and DNS.
      NetworkPolicies policies = new NetworkPolicies(NS, all);
      List<String> denied = new ArrayList<>();
      for (var e : connections.entrySet()) {
        for (Connection c : e.getValue()) {
          if (!policies.allowed(c.source(), c.target(), c.port(), c.protocol())) {
            denied.add(c.toString());
          }
        }
        for (String protocol : List.of("UDP", "TCP")) {
          for (Peer dns :
              List.of(
                  NetworkPolicyConnectionsTest.KUBE_DNS,
                  NetworkPolicyConnectionsTest.NODE_LOCAL_DNS)) {
            if (!policies.allowed(peers.get(e.getKey()), dns, 53, protocol)) {
              denied.add(e.getKey() + " -> dns " + dns + ":53/" + protocol);
            }
          }
        }
      }
      // ... and the connections into them this rehearsal makes: the load from the NGINX controller
      // through the web Ingress's backend, Prometheus' scrapes at the annotated ports, Grafana's
      // data sources.
      Connection load = webIngressBackend(all, peers, "ingress");
      List<Connection> inbound = new ArrayList<>(List.of(load));
      for (Pod p : pods.values()) {
        JsonNode annotations =
            p.workload().path("spec").path("template").path("metadata").path("annotations");
        inbound.add(
            new Connection(
                "prometheus",
                peers.get("prometheus"),
                p.name(),
                peers.get(p.name()),
                annotations.path("prometheus.io/port").asInt(),
                "TCP"));
      }
      for (String store : List.of("redis", "valkey")) {
        inbound.add(NetworkPolicyConnectionsTest.toService(all, peers, "grafana", store, 6379));
      }
      for (Connection c : inbound) {
        if (!policies.allowed(c.source(), c.target(), c.port(), c.protocol())) {
          denied.add(c.toString());
        }
      }
      assertThat(denied).as("connections the rendered NetworkPolicies block").isEmpty();

      // Start everything at once, as kubectl apply does; each must become ready by its own probes.
      for (Pod p : pods.values()) {
        p.handle()[0] =
            p.pod()
                .startJar(
                    Repo.serviceJar(JARS.get(p.name())), p.env(), List.of(), p.workDir(), p.log());
        started.add(p.process());
      }
      for (Pod p : pods.values()) {
        awaitReady(p);
        System.out.printf(
            "%s ready (startup and readiness probes) after %d ms%n", p.name(), millisSince(t0));
      }

      // Course load through the ingress Service: batches (past windows, closed by the current ones)
      // and singles.
      URI ingress = URI.create("http://127.0.0.1:" + localPorts.get(load.to()).get(load.port()));
      int accepted = DashboardQueriesOnRealStoresTest.postTweets(ingress);
      accepted += postSingles(ingress, SINGLE_TWEETS);
      int expected = accepted;
      System.out.printf("%d tweets accepted after %d ms%n", accepted, millisSince(t0));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                JsonNode compare =
                    Repo.JSON.readTree(
                        DashboardQueriesOnRealStoresTest.get(ingress, "/api/compare"));
                assertThat(compare.path("kafka").path("tweetsTotal").asLong())
                    .as("tweets in Redis")
                    .isEqualTo(expected);
                assertThat(compare.path("rabbit").path("tweetsTotal").asLong())
                    .as("tweets in Valkey")
                    .isEqualTo(expected);
                assertThat(compare.path("verdict").asText())
                    .as(compare.path("differences").toString())
                    .isEqualTo("equal");
              });
      System.out.printf("/api/compare equal after %d ms%n", millisSince(t0));

      // Every Redis panel query returns data as Grafana's data sources log in.
      Map<String, String[]> logins = grafanaLogins(all, dir.resolve("grafana-pod"));
      Map<String, Integer> storeOf =
          Map.of(
              "weather-redis",
              localPorts.get("redis").get(6379),
              "weather-valkey",
              localPorts.get("valkey").get(6379));
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                DashboardQueriesOnRealStoresTest.RedisQueries run =
                    DashboardQueriesOnRealStoresTest.runRedisPanelQueries(
                        uid -> {
                          if (!storeOf.containsKey(uid)) {
                            return null;
                          }
                          Jedis j = new Jedis("127.0.0.1", storeOf.get(uid));
                          j.auth(logins.get(uid)[0], logins.get(uid)[1]);
                          return j;
                        });
                assertThat(run.errors()).isEmpty();
                assertThat(run.stores())
                    .containsExactlyInAnyOrder("weather-redis", "weather-valkey");
              });
      // Every service series the dashboards and alert rules read, at the port and path Prometheus
      // scrapes.
      Map<String, URI> scrapes = new LinkedHashMap<>();
      for (Pod p : pods.values()) {
        JsonNode annotations =
            p.workload().path("spec").path("template").path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText())
            .as(p.name() + " scraped")
            .isEqualTo("true");
        int port = p.ports().ports().get(annotations.path("prometheus.io/port").asInt());
        scrapes.put(
            p.name(),
            URI.create(
                "http://127.0.0.1:" + port + annotations.path("prometheus.io/path").asText()));
      }
      DashboardQueriesOnRealStoresTest.assertEveryServiceSeriesIsScraped(scrapes);

      // What the processes really connected to: only the targets recorded (and allowed) above.
      assertThat(unexpectedConnections(pods, connections, localPorts, kafkaPort))
          .as("connections not in the manifests")
          .isEmpty();

      // State inside the mounted volume; nothing on the (read-only) root filesystem.
      Path state = Path.of(pods.get("streams-app").env().get("SPRING_KAFKA_STREAMS_STATE_DIR"));
      assertThat(state)
          .as("the state dir is a mounted volume")
          .isEqualTo(pods.get("streams-app").pod().volume("streams-state"));
      try (Stream<Path> files = Files.walk(state)) {
        assertThat(files.filter(f -> f.toString().contains("rocksdb")).toList())
            .as("RocksDB state under " + state)
            .isNotEmpty();
      }
      for (Pod p : pods.values()) {
        try (Stream<Path> files = Files.list(p.workDir())) {
          assertThat(files.toList()).as(p.name() + " wrote outside its volumes").isEmpty();
        }
        assertThat(p.process().isAlive()).as(p.name() + " still running").isTrue();
      }
      System.out.printf("rehearsal done after %d ms%n", millisSince(t0));
    }
  }

  /**
   * The web Ingress's route to {@code service}, as the NGINX controller opens it: to the pod's
   * container port.
   */
  private static Connection webIngressBackend(
      List<ObjectNode> all, Map<String, Peer> peers, String service) {
    for (JsonNode rule : find(all, "Ingress", "weather-tweets").path("spec").path("rules")) {
      for (JsonNode path : rule.path("http").path("paths")) {
        JsonNode backend = path.path("backend").path("service");
        if (!service.equals(backend.path("name").asText())) {
          continue;
        }
        for (JsonNode sp : find(all, "Service", service).path("spec").path("ports")) {
          JsonNode port = backend.path("port");
          if (port.has("number")
              ? sp.path("port").asInt() == port.path("number").asInt()
              : sp.path("name").asText().equals(port.path("name").asText())) {
            return NetworkPolicyConnectionsTest.toService(
                all, peers, "nginx", service, sp.path("port").asInt());
          }
        }
      }
    }
    throw new AssertionError("the web Ingress routes nothing to the Service " + service);
  }

  /**
   * IdempotentWrite → IDEMPOTENT_WRITE, transactionalId → TRANSACTIONAL_ID: Strimzi's names as
   * Kafka's enums.
   */
  private static String snake(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * The Secrets the Strimzi operators generate: one per KafkaUser, the cluster CA's certificate
   * Secret.
   */
  private static List<ObjectNode> strimziSecrets(List<ObjectNode> all, SecuredKafka kafka)
      throws IOException {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode user : ofKind(all, "KafkaUser")) {
      assertThat(user.path("spec").path("authentication").path("type").asText())
          .isEqualTo("scram-sha-512");
      String password = kafka.password(name(user));
      out.add(
          secret(
              name(user),
              Map.of(
                  "password",
                  bytes(password),
                  "sasl.jaas.config",
                  bytes(
                      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                          + name(user)
                          + "\" password=\""
                          + password
                          + "\";"))));
    }
    String cluster = name(find(all, "Kafka", "weather-kafka"));
    out.add(
        secret(
            cluster + "-cluster-ca-cert",
            Map.of(
                "ca.p12",
                Files.readAllBytes(kafka.trustStore()),
                "ca.password",
                bytes(kafka.trustStorePassword()))));
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ObjectNode secret(String name, Map<String, byte[]> data) {
    ObjectNode s = Repo.JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Secret");
    s.putObject("metadata").put("name", name).put("namespace", NS);
    ObjectNode d = s.putObject("data");
    data.forEach((k, v) -> d.put(k, Base64.getEncoder().encodeToString(v)));
    return s;
  }

  /**
   * The Kafka resource's broker config, and its authorization: with {@code simple}, Kafka's own
   * authorizer, the broker's internal listeners and {@link #OPERATOR} (the Topic and User
   * Operators' identity) as super users.
   */
  private static Map<String, String> brokerSettings(List<ObjectNode> all) {
    JsonNode spec = find(all, "Kafka", "weather-kafka").path("spec").path("kafka");
    Map<String, String> settings = new LinkedHashMap<>();
    spec.path("config").properties().forEach(e -> settings.put(e.getKey(), e.getValue().asText()));
    String authorization = spec.path("authorization").path("type").asText();
    if (!authorization.isEmpty()) {
      assertThat(authorization).as("Kafka authorization type rehearsed").isEqualTo("simple");
      settings.put(
          "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
      settings.put("super.users", "User:ANONYMOUS;User:" + OPERATOR);
    }
    return settings;
  }

  /**
   * What the Topic Operator creates from the KafkaTopic resources (the cluster does not auto-create
   * topics) and the User Operator from the KafkaUsers' {@code simple} authorization: their ACLs,
   * allowed from any host.
   */
  private static void createTopicsAndAcls(List<ObjectNode> all, SecuredKafka kafka)
      throws Exception {
    String user = OPERATOR;
    Map<String, Object> client =
        new LinkedHashMap<>(
            Map.of(
                "bootstrap.servers",
                kafka.bootstrapServers(),
                "security.protocol",
                "SASL_SSL",
                "sasl.mechanism",
                SecuredKafka.MECHANISM,
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                    + user
                    + "\" password=\""
                    + kafka.password(user)
                    + "\";",
                "ssl.truststore.location",
                kafka.trustStore().toString(),
                "ssl.truststore.type",
                "PKCS12",
                "ssl.truststore.password",
                kafka.trustStorePassword()));
    List<NewTopic> topics = new ArrayList<>();
    for (ObjectNode t : ofKind(all, "KafkaTopic")) {
      JsonNode spec = t.path("spec");
      Map<String, String> config = new TreeMap<>();
      spec.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
      topics.add(
          new NewTopic(
                  spec.path("topicName").asText(name(t)),
                  spec.path("partitions").asInt(),
                  (short) spec.path("replicas").asInt())
              .configs(config));
    }
    List<AclBinding> acls = new ArrayList<>();
    for (ObjectNode u : ofKind(all, "KafkaUser")) {
      JsonNode authorization = u.path("spec").path("authorization");
      if (authorization.isMissingNode()) {
        continue;
      }
      assertThat(authorization.path("type").asText())
          .as(name(u) + " authorization")
          .isEqualTo("simple");
      for (JsonNode acl : authorization.path("acls")) {
        JsonNode resource = acl.path("resource");
        ResourceType type = ResourceType.fromString(snake(resource.path("type").asText()));
        ResourcePattern pattern =
            new ResourcePattern(
                type,
                type == ResourceType.CLUSTER ? "kafka-cluster" : resource.path("name").asText(),
                "prefix".equals(resource.path("patternType").asText())
                    ? PatternType.PREFIXED
                    : PatternType.LITERAL);
        List<String> operations = new ArrayList<>();
        acl.path("operations").forEach(o -> operations.add(o.asText()));
        if (acl.has("operation")) {
          operations.add(acl.path("operation").asText());
        }
        for (String operation : operations) {
          AclOperation op = AclOperation.fromString(snake(operation));
          assertThat(op).as(name(u) + " operation " + operation).isNotEqualTo(AclOperation.UNKNOWN);
          acls.add(
              new AclBinding(
                  pattern,
                  new AccessControlEntry(
                      "User:" + name(u),
                      acl.path("host").asText("*"),
                      op,
                      "deny".equalsIgnoreCase(acl.path("type").asText())
                          ? AclPermissionType.DENY
                          : AclPermissionType.ALLOW)));
        }
      }
    }
    try (Admin admin = Admin.create(client)) {
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
      admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
    }
    // The authorizer is in force: a KafkaUser may do only what its ACLs allow (no topic of its own
    // making).
    String someone = name(ofKind(all, "KafkaUser").getFirst());
    client.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + someone
            + "\" password=\""
            + kafka.password(someone)
            + "\";");
    try (Admin admin = Admin.create(client)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(
                          admin
                              .createTopics(
                                  List.of(new NewTopic("not-in-the-manifests", 1, (short) 1)))
                              .all())
                      .failsWithin(Duration.ofSeconds(20))
                      .withThrowableThat()
                      .withMessageContaining("Authorization"));
    }
  }

  /** Startup probe within its period × failure threshold, then the readiness probe. */
  private static void awaitReady(Pod p) {
    JsonNode sp = p.container().path("startupProbe");
    GatewayLivenessRehearsalTest.Probe startup =
        GatewayLivenessRehearsalTest.probe(sp, p.ports().ports(), p.ports().named());
    GatewayLivenessRehearsalTest.Probe readiness =
        GatewayLivenessRehearsalTest.probe(
            p.container().path("readinessProbe"), p.ports().ports(), p.ports().named());
    await()
        .atMost(
            Duration.ofSeconds(
                (long) sp.path("periodSeconds").asInt(10) * sp.path("failureThreshold").asInt(3)))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              assertThat(p.process().isAlive())
                  .as(p.name() + " exited: " + Files.readString(p.log()))
                  .isTrue();
              return startup.passes();
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              assertThat(p.process().isAlive())
                  .as(p.name() + " exited: " + Files.readString(p.log()))
                  .isTrue();
              return readiness.passes();
            });
  }

  /**
   * POSTs {@code count} single tweets (current time) to /api/tweet from 4 clients; the number
   * answered 202.
   */
  private static int postSingles(URI ingress, int count) throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        answers.add(
            senders.submit(
                () -> {
                  String tweet =
                      """
              {"id":"rehearsal-%d","municipality":"%s","temperature":%d,"humidity":%d,"weather":"%s","timestamp":%d}"""
                          .formatted(
                              n,
                              Repo.MUNICIPALITIES.get(n % Repo.MUNICIPALITIES.size()),
                              n % 35,
                              n % 101,
                              Repo.CONDITIONS.get(n % Repo.CONDITIONS.size()),
                              System.currentTimeMillis());
                  return DashboardQueriesOnRealStoresTest.postAsAClientShould(
                          ingress, "/api/tweet", tweet)
                      .statusCode();
                }));
      }
      int accepted = 0;
      for (Future<Integer> answer : answers) {
        accepted += answer.get() == 202 ? 1 : 0;
      }
      assertThat(accepted).as("single tweets answered 202").isEqualTo(count);
      return accepted;
    } finally {
      senders.shutdownNow();
    }
  }

  /**
   * Data source uid → user and password, as Grafana's provisioning logs in (passwords from its
   * pod's env).
   */
  private static Map<String, String[]> grafanaLogins(List<ObjectNode> all, Path podDir)
      throws IOException {
    ObjectNode grafana = find(all, "Deployment", "grafana");
    Map<String, String> env =
        new PodProcess(all, grafana, "containers", "grafana", Files.createDirectories(podDir))
            .env();
    String yaml =
        NetworkPolicyConnectionsTest.generated(all, "ConfigMap", "grafana-datasources")
            .path("data")
            .path("datasources.yaml")
            .asText();
    Map<String, String[]> out = new LinkedHashMap<>();
    for (JsonNode ds : Repo.YAML.readTree(yaml).path("datasources")) {
      if (!"redis-datasource".equals(ds.path("type").asText())) {
        continue;
      }
      String password = ds.path("secureJsonData").path("password").asText();
      String variable = password.replaceFirst("^\\$\\{?", "").replaceFirst("}$", "");
      assertThat(env).as("Grafana's env for " + ds.path("uid").asText()).containsKey(variable);
      out.put(
          ds.path("uid").asText(),
          new String[] {ds.path("jsonData").path("user").asText(), env.get(variable)});
    }
    return out;
  }

  /**
   * The TCP connections each process opened (from {@code ss}) whose remote port is not a target
   * recorded for it: a connection the manifests do not declare, which no NetworkPolicy was checked
   * for.
   */
  private static List<String> unexpectedConnections(
      Map<String, Pod> pods,
      Map<String, List<Connection>> connections,
      Map<String, Map<Integer, Integer>> localPorts,
      int kafkaPort)
      throws Exception {
    Process ss =
        new ProcessBuilder("ss", "-tnpH", "state", "established").redirectErrorStream(true).start();
    String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Pattern line = Pattern.compile("\\S+:(\\d+)\\s+\\S+:(\\d+)\\s+users:.*pid=(\\d+),");
    List<String> unexpected = new ArrayList<>();
    int seen = 0;
    for (Pod p : pods.values()) {
      Set<Integer> own = Set.copyOf(p.ports().ports().values());
      Set<Integer> allowed = new TreeSet<>();
      for (Connection c : connections.get(p.name())) {
        allowed.add(
            c.to().equals("kafka-broker") ? kafkaPort : localPorts.get(c.to()).get(c.port()));
      }
      for (String l : out.lines().toList()) {
        Matcher m = line.matcher(l);
        if (!m.find() || Long.parseLong(m.group(3)) != p.process().pid()) {
          continue;
        }
        int local = Integer.parseInt(m.group(1));
        int remote = Integer.parseInt(m.group(2));
        if (own.contains(local)) {
          continue; // accepted by the pod (probes, scrapes, calls)
        }
        seen++;
        if (!allowed.contains(remote)) {
          unexpected.add(p.name() + " -> port " + remote + " (" + l.trim() + ")");
        }
      }
    }
    assertThat(seen).as("outbound connections seen by ss: " + out).isGreaterThan(0);
    return unexpected;
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
