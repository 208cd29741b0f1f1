package io.weathertweets.deploy;

import static io.weathertweets.deploy.StrimziResourcesTest.find;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weathertweets.embedded.FreePorts;
import io.weathertweets.harness.RabbitNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;

/**
 * Containers of the rendered overlay run as local processes ({@link PodProcess}): exactly their
 * command, args, environment (Secrets from the committed examples) and mounts, as the pod's user.
 * What they do must work the way it would in the pod, including on a restart.
 */
class PodProcessesTest {
  private final List<Process> started = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void stop() {
    started.forEach(Process::destroyForcibly);
  }

  /**
   * The Erlang cookie copy must work on every start, not only on an empty volume (kind, minikube
   * keep it).
   */
  @Test
  void rabbitmqCookieInitContainerShouldSucceedOnEveryStart() throws Exception {
    Assumptions.assumeTrue(
        PodProcess.canSwitchUser() || !"root".equals(System.getProperty("user.name")),
        "needs to run as the pod's user: root may write a read-only file");
    List<ObjectNode> all = KubernetesManifestsTest.render("dev");
    ObjectNode sts = find(all, "StatefulSet", "rabbitmq");
    PodProcess init = new PodProcess(all, sts, "initContainers", "erlang-cookie", dir);
    for (int start = 1; start <= 2; start++) {
      Process p = init.start("rabbitmq-0", dir.resolve("init-" + start + ".log"));
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue())
          .as("start " + start + ": " + Files.readString(dir.resolve("init-" + start + ".log")))
          .isZero();
      Path cookie = init.volume("data").resolve(".erlang.cookie");
      assertThat(Files.getPosixFilePermissions(cookie))
          .isEqualTo(PosixFilePermissions.fromString("r--------"));
      assertThat(Files.readString(cookie))
          .isEqualTo(Files.readString(init.volume("server-secret").resolve("erlang.cookie")));
    }
  }

  /**
   * Each store pod's start script, run twice (primary -0 and replica -1, the replica pointed at the
   * primary by its headless DNS name mapped to the primary's local port): the application users get
   * exactly their rights, the replica replicates as the replication user, and nobody gets in
   * without a password.
   */
  @ParameterizedTest
  @ValueSource(strings = {"redis", "valkey"})
  void storeUsersShouldHaveLeastPrivilege(String store) throws Exception {
    Assumptions.assumeTrue(
        new File("/usr/bin/" + store + "-server").canExecute(), store + "-server not installed");
    List<ObjectNode> all = KubernetesManifestsTest.render("gke");
    ObjectNode sts = find(all, "StatefulSet", store);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    int[] ports = FreePorts.distinct(2);
    PodProcess primary = start(all, sts, store, 0, ports, dir.resolve("0"));
    PodProcess replica = start(all, sts, store, 1, ports, dir.resolve("1"));

    Map<String, String> secrets = secretValues(all);
    URI writer = URI.create(secrets.get(store.toUpperCase() + "_WRITER_URL"));
    URI reader = URI.create(secrets.get(store.toUpperCase() + "_READER_URL"));
    assertThat(writer.getUserInfo()).startsWith(OperationalManifestsTest.WRITER + ":");
    assertThat(reader.getUserInfo()).startsWith(OperationalManifestsTest.READER + ":");

    try (Jedis w = login(ports[0], writer)) {
      w.hset("weather:municipality:mixco", "tweets", "1");
      w.xadd("weather:series:mixco", XAddParams.xAddParams(), Map.of("temperature_avg", "20"));
      assertThat(
              w.eval(
                  "return redis.call('HINCRBY', KEYS[1], 'tweets', 1)",
                  List.of("weather:municipality:mixco"),
                  List.of()))
          .isEqualTo(2L);
      w.expire("weather:municipality:mixco", 3600);
      assertThat(w.ping()).isEqualTo("PONG");
      assertDenied(() -> w.hset("other:key", "a", "1"));
      assertDenied(w::flushAll);
      assertDenied(() -> w.configGet("requirepass"));
      assertDenied(() -> w.keys("*"));
    }
    try (Jedis r = login(ports[0], reader)) {
      assertThat(r.hgetAll("weather:municipality:mixco")).containsEntry("tweets", "2");
      assertThat(r.xrange("weather:series:mixco", (StreamEntryID) null, (StreamEntryID) null))
          .hasSize(1);
      assertThat(r.ping()).isEqualTo("PONG");
      assertDenied(() -> r.hset("weather:municipality:mixco", "tweets", "0"));
      assertDenied(() -> r.del("weather:municipality:mixco"));
      assertDenied(r::flushAll);
      assertDenied(() -> r.eval("return 1"));
      assertDenied(() -> r.hgetAll("other:key"));
    }
    try (Jedis anonymous = new Jedis("127.0.0.1", ports[0])) {
      assertDenied(() -> anonymous.get("weather:meta"));
    }
    // The replica follows the primary, logged in as the replication user only.
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              try (Jedis r = login(ports[1], reader)) {
                assertThat(r.hgetAll("weather:municipality:mixco")).containsEntry("tweets", "2");
              }
            });
    try (Jedis r = login(ports[1], writer)) {
      assertThatThrownBy(() -> r.hset("weather:municipality:mixco", "tweets", "0"))
          .hasMessageContaining("READONLY");
    }
    assertThat(Files.readString(dir.resolve("0").resolve(store + ".log"))).doesNotContain("NOPERM");
    assertThat(primary).isNotNull();
    assertThat(replica).isNotNull();
  }

  /**
   * The definitions every RabbitMQ node loads at boot (the rendered Secret, mounted where
   * rabbitmq.conf's load_definitions points), loaded by a real local RabbitMQ node: the gateway's
   * user can declare and publish to its exchange only, the bridge's user can declare, bind and
   * consume its topology only, and there is no guest.
   */
  @Test
  void rabbitmqUsersShouldHaveLeastPrivilege() throws Exception {
    Assumptions.assumeTrue(RabbitNode.installed(), "no local RabbitMQ installation");
    List<ObjectNode> all = KubernetesManifestsTest.render("gke");
    ObjectNode sts = find(all, "StatefulSet", "rabbitmq");
    PodProcess node = new PodProcess(all, sts, "containers", "rabbitmq", dir.resolve("pod"));
    String conf = Files.readString(node.volume("config").resolve("rabbitmq.conf"));
    java.util.regex.Matcher load =
        java.util.regex.Pattern.compile("(?m)^load_definitions = (\\S+)$").matcher(conf);
    assertThat(load.find()).as("rabbitmq.conf loads definitions").isTrue();
    String mounted = null;
    for (var m :
        sts.path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .get(0)
            .path("volumeMounts")) {
      if (m.path("mountPath").asText().equals(load.group(1))) {
        mounted = m.path("name").asText() + "/" + m.path("subPath").asText();
      }
    }
    assertThat(mounted).isEqualTo("server-secret/definitions.json");
    Path definitions = node.volume("server-secret").resolve("definitions.json");

    RabbitNode rabbit =
        new RabbitNode(dir.resolve("rabbit"), dir.resolve("rabbit"), definitions)
            .start(Duration.ofSeconds(60));
    int[] ports = {rabbit.amqpPort()};
    try {
      Map<String, String> client = secretValues(all);
      URI publisher = local(env(all, "gateway-rabbit").get("RABBITMQ_URI"), ports[0]);
      URI consumer = local(env(all, "rabbit-bridge").get("RABBITMQ_URI"), ports[0]);
      assertThat(publisher.getUserInfo()).isNotEqualTo(consumer.getUserInfo());
      assertThat(client).containsKeys("RABBITMQ_PUBLISHER_URI", "RABBITMQ_CONSUMER_URI");
      Map<?, ?> names =
          (Map<?, ?>)
              ((Map<?, ?>)
                      ((Map<?, ?>)
                              OperationalManifestsTest.readYaml(
                                  Repo.read(
                                      Repo.path("rabbit-bridge/src/main/resources/bridge.yml"))))
                          .get("weather"))
                  .get("rabbit");
      String exchange = (String) names.get("exchange");
      String queue = (String) names.get("queue");
      String dlx = (String) names.get("dead-letter-exchange");
      String dlq = (String) names.get("dead-letter-queue");
      com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () -> {
                assertThat(rabbit.process().isAlive()).as(rabbit.process().tail(30)).isTrue();
                use(factory, publisher);
                factory.newConnection().close();
                return true;
              });
      use(factory, consumer);
      try (var c = factory.newConnection()) {
        // The bridge's topology, as RabbitConfiguration declares it (quorum queues with a
        // dead-letter exchange).
        var ch = c.createChannel();
        ch.exchangeDeclare(exchange, "topic", true, false, null);
        ch.exchangeDeclare(dlx, "fanout", true, false, null);
        ch.queueDeclare(
            queue,
            true,
            false,
            false,
            Map.of("x-queue-type", "quorum", "x-dead-letter-exchange", dlx));
        ch.queueDeclare(dlq, true, false, false, Map.of("x-queue-type", "quorum"));
        ch.queueBind(queue, exchange, "#");
        ch.queueBind(dlq, dlx, "");
        ch.queueDeclarePassive(queue);
        ch.basicConsume(queue, false, (tag, m) -> {}, tag -> {});
        assertRefused(c, x -> x.queueDeclare("other", true, false, false, null));
        assertRefused(
            c,
            x -> {
              x.confirmSelect();
              x.basicPublish(exchange, "mixco", null, new byte[] {1});
              x.waitForConfirmsOrDie(5_000);
            });
      }
      use(factory, publisher);
      try (var c = factory.newConnection()) {
        var ch = c.createChannel();
        ch.exchangeDeclare(exchange, "topic", true, false, null);
        ch.confirmSelect();
        ch.basicPublish(exchange, "mixco", null, new byte[] {1});
        ch.waitForConfirmsOrDie(5_000);
        assertRefused(
            c,
            x ->
                x.queueDeclare(
                    queue,
                    true,
                    false,
                    false,
                    Map.of("x-queue-type", "quorum", "x-dead-letter-exchange", dlx)));
        assertRefused(c, x -> x.basicConsume(queue, true, (tag, m) -> {}, tag -> {}));
        assertRefused(c, x -> x.queueBind(queue, exchange, "#"));
      }
      factory.setUri("amqp://guest:guest@127.0.0.1:" + ports[0] + "/");
      assertThatThrownBy(() -> factory.newConnection().close()).as("no guest user").isNotNull();
    } finally {
      rabbit.close();
    }
  }

  /**
   * As Spring Boot reads spring.rabbitmq.addresses: amqp://user:pass@host:port/ is the vhost "/".
   */
  static void use(com.rabbitmq.client.ConnectionFactory factory, URI uri) throws Exception {
    factory.setUri(uri);
    if (factory.getVirtualHost().isEmpty()) {
      factory.setVirtualHost("/");
    }
  }

  private interface ChannelCall {
    void run(com.rabbitmq.client.Channel channel) throws Exception;
  }

  private static void assertRefused(com.rabbitmq.client.Connection connection, ChannelCall call)
      throws IOException {
    com.rabbitmq.client.Channel channel = connection.createChannel();
    assertThatThrownBy(() -> call.run(channel))
        .satisfies(
            e -> {
              Throwable t = e;
              StringBuilder messages = new StringBuilder();
              while (t != null) {
                messages.append(t).append('\n');
                t = t.getCause();
              }
              assertThat(messages.toString()).contains("ACCESS_REFUSED");
            });
  }

  private static Map<String, String> env(List<ObjectNode> all, String deployment) {
    return OperationalManifestsTest.env(
        all, OperationalManifestsTest.container(all, "Deployment", deployment));
  }

  /** The URI with the Service's host:port mapped to the local broker. */
  static URI local(String uri, int port) {
    return URI.create(uri.replace("@rabbitmq:5672", "@127.0.0.1:" + port));
  }

  private PodProcess start(
      List<ObjectNode> all, ObjectNode sts, String store, int ordinal, int[] ports, Path root)
      throws IOException {
    return startStore(all, sts, store, ordinal, ports, root, started, p -> {});
  }

  interface Prepare {
    void accept(PodProcess pod) throws IOException;
  }

  /**
   * Store pod {@code <store>-<ordinal>} (its start script, config and mounts) on {@code
   * ports[ordinal]}; the primary's headless DNS name maps to {@code ports[0]}. {@code prepare} runs
   * before the start (files on volumes).
   */
  static PodProcess startStore(
      List<ObjectNode> all,
      ObjectNode sts,
      String store,
      int ordinal,
      int[] ports,
      Path root,
      List<Process> started,
      Prepare prepare)
      throws IOException {
    Files.createDirectories(root);
    PodProcess p =
        new PodProcess(all, sts, "containers", store, root)
            // The headless Service's name for the primary, as the replica's DNS would resolve it.
            .rewrite(store + "-0." + store + "-headless 6379", "127.0.0.1 " + ports[0]);
    prepare.accept(p);
    Path conf = p.volume("config").resolve(store + ".conf");
    // Only the listening address differs from the pod: a free local port instead of 6379 on the pod
    // IP.
    Files.writeString(
        conf, Files.readString(conf) + "\nport " + ports[ordinal] + "\nbind 127.0.0.1\n");
    Process process = p.start(store + "-" + ordinal, root.resolve(store + ".log"));
    started.add(process);
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(process.isAlive())
                  .as(Files.readString(root.resolve(store + ".log")))
                  .isTrue();
              try (Jedis j = new Jedis("127.0.0.1", ports[ordinal])) {
                j.auth(p.env().get("REDISCLI_AUTH"));
                assertThat(j.ping()).isEqualTo("PONG");
              }
            });
    return p;
  }

  /**
   * A replica promoted by hand (README: REPLICAOF NO ONE + /data/promoted) restarts as a primary.
   */
  @ParameterizedTest
  @ValueSource(strings = {"redis", "valkey"})
  void promotedReplicaShouldRestartAsAPrimary(String store) throws Exception {
    Assumptions.assumeTrue(
        new File("/usr/bin/" + store + "-server").canExecute(), store + "-server not installed");
    List<ObjectNode> all = KubernetesManifestsTest.render("gke");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    // -0 is gone for good: its port has nothing listening.
    int[] ports = FreePorts.distinct(2);
    PodProcess replica =
        startStore(
            all,
            find(all, "StatefulSet", store),
            store,
            1,
            ports,
            dir.resolve("1"),
            started,
            p -> Files.writeString(p.volume("data").resolve("promoted"), ""));
    try (Jedis j = new Jedis("127.0.0.1", ports[1])) {
      j.auth(replica.env().get("REDISCLI_AUTH"));
      assertThat(j.info("replication")).contains("role:master");
    }
  }

  static Jedis login(int port, URI url) {
    Jedis j = new Jedis("127.0.0.1", port);
    String[] user = url.getUserInfo().split(":", 2);
    j.auth(user[0], user[1]);
    return j;
  }

  private static void assertDenied(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOf(JedisDataException.class)
        .hasMessageMatching("(?s).*(NOPERM|NOAUTH|WRONGPASS).*");
  }

  private static Map<String, String> secretValues(List<ObjectNode> all) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (ObjectNode s : StrimziResourcesTest.ofKind(all, "Secret")) {
      s.path("data")
          .properties()
          .forEach(
              e ->
                  out.put(
                      e.getKey(),
                      new String(
                          java.util.Base64.getMimeDecoder().decode(e.getValue().asText()),
                          java.nio.charset.StandardCharsets.UTF_8)));
    }
    return out;
  }
}
