package io.weathertweets.deploy;

import static io.weathertweets.deploy.StrimziResourcesTest.find;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.weathertweets.embedded.FreePorts;
import io.weathertweets.harness.RabbitNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The open question of the headless gateway Services: with two gateway-rabbit replicas, does the
 * ingress as the dev overlay deploys it spread its calls over both, and does it keep answering when
 * one goes away (HPA scale-in)?
 *
 * <p>Two gateway-rabbit "pods" run from the rendered Deployment (the gateway's executable jar, the
 * pod spec's environment), each bound to its own loopback address on the same ports, as two pods
 * have their own IPs and the same container ports. The ingress runs from its rendered Deployment
 * with the target of weather-config; the headless Service's name resolves to both addresses through
 * a hosts file, as cluster DNS answers a headless Service with one A record per ready pod (gRPC's
 * DNS resolver asks {@code InetAddress.getAllByName}, which {@code jdk.net.hosts.file} answers). A
 * real RabbitMQ node loads the rendered definitions.
 *
 * <p>Every accepted tweet is counted by exactly one gateway (weather_tweets_published_total): both
 * must have a substantial share, and together exactly the number of 202 answers.
 */
class GatewayScaleOutRehearsalTest {
  /** Stand for the two pods' IPs: Linux routes all of 127/8 to the loopback interface. */
  private static final List<String> POD_IPS = List.of("127.0.0.2", "127.0.0.3");

  private static final int TWEETS = 400;
  private static final int SENDERS = 8;
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(1))
          .build();
  private static final Pattern PUBLISHED =
      Pattern.compile("(?m)^weather_tweets_published_total\\{[^}]*sink=\"rabbit\"[^}]*} (\\S+)$");

  private final List<Process> started = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  @TempDir Path dir;

  @AfterEach
  void stop() throws InterruptedException {
    PodProcess.stopAll(started);
  }

  @Test
  void ingressShouldSpreadCallsOverBothGatewayReplicasAndKeepAnsweringWhenOneGoes()
      throws Exception {
    Assumptions.assumeTrue(RabbitNode.installed(), "no local RabbitMQ installation");
    Path gatewayJar = Repo.serviceJar("grpc-gateway");
    Path ingressJar = Repo.serviceJar("ingress");
    long t0 = System.nanoTime();
    List<ObjectNode> all = KubernetesManifestsTest.render("dev");

    ObjectNode broker = find(all, "StatefulSet", "rabbitmq");
    Path definitions =
        new PodProcess(all, broker, "containers", "rabbitmq", dir.resolve("broker-pod"))
            .volume("server-secret")
            .resolve("definitions.json");
    try (RabbitNode rabbit =
        new RabbitNode(dir.resolve("rabbit"), dir.resolve("rabbit"), definitions)
            .start(Duration.ofSeconds(60))) {
      // Both replicas: the same pod spec and container ports (one local port per container port,
      // the same on both addresses), each bound to its own address.
      ObjectNode gatewayDeployment = find(all, "Deployment", "gateway-rabbit");
      JsonNode gatewayContainer = container(gatewayDeployment);
      PodProcess.LocalPorts gatewayPorts =
          PodProcess.LocalPorts.of(
              gatewayContainer, FreePorts.distinct(gatewayContainer.path("ports").size()));
      List<Process> gateways = new ArrayList<>();
      for (int i = 0; i < POD_IPS.size(); i++) {
        String ip = POD_IPS.get(i);
        PodProcess pod =
            new PodProcess(
                all,
                gatewayDeployment,
                "containers",
                "gateway-rabbit",
                dir.resolve("gateway-" + i));
        Map<String, String> env = gatewayPorts.env(pod.env());
        env.put(
            "RABBITMQ_URI",
            PodProcessesTest.local(env.get("RABBITMQ_URI"), rabbit.amqpPort()).toString());
        // In a pod each server binds the wildcard address of the pod's own network namespace; here
        // each replica binds its "pod IP" instead, so both can listen on the same ports: the gRPC
        // server, and the HTTP server that serves actuator (the gateway has no separate management
        // port).
        env.put("SPRING_GRPC_SERVER_ADDRESS", ip);
        env.put("SERVER_ADDRESS", ip);
        gateways.add(startJava(gatewayJar, pod, env, List.of(), "gateway-rabbit-" + i));
      }

      // The bridge's queue, bound as rabbit-bridge binds it (the gateway publishes mandatory: with
      // no queue bound, the broker returns every tweet and the gateway refuses it). Declared as the
      // bridge's own user.
      declareBridgeQueue(all, rabbit.amqpPort());

      for (int i = 0; i < POD_IPS.size(); i++) {
        awaitReady(
            gatewayContainer, POD_IPS.get(i), gatewayPorts, gateways.get(i), "gateway-rabbit-" + i);
      }
      System.out.printf("two gateway-rabbit replicas ready after %d ms%n", millisSince(t0));

      Ingress ingress = startIngress(all, ingressJar, gatewayPorts);
      System.out.printf("ingress ready after %d ms%n", millisSince(t0));

      // Spread: every replica publishes a share, and every 202 is one published tweet.
      int accepted = send(ingress.api, TWEETS);
      assertThat(accepted)
          .as("202 answers of " + TWEETS + " single tweets (log: " + ingress.log + ")")
          .isEqualTo(TWEETS);
      int prometheus =
          gatewayPorts
              .ports()
              .get(Integer.parseInt(annotation(gatewayDeployment, "prometheus.io/port")));
      String path = annotation(gatewayDeployment, "prometheus.io/path");
      List<Long> published = POD_IPS.stream().map(ip -> published(ip, prometheus, path)).toList();
      System.out.printf(
          "published per replica %s of %d accepted: %s%n", POD_IPS, accepted, published);
      assertThat(published.stream().mapToLong(Long::longValue).sum())
          .as(
              "tweets published by both replicas together: each 202 is one tweet acknowledged by one of them")
          .isEqualTo(accepted);
      for (int i = 0; i < POD_IPS.size(); i++) {
        assertThat(published.get(i))
            .as(
                "tweets published by the replica at "
                    + POD_IPS.get(i)
                    + " of "
                    + accepted
                    + " (per replica: "
                    + published
                    + ")")
            // An eighth, not a quarter: calls alternate between the replicas, but the ingress
            // coalesces concurrent requests, so calls carry different numbers of tweets (one run:
            // 306 and 94 of 400). Without the spread one replica would publish none.
            .isGreaterThanOrEqualTo(accepted / 8L);
      }

      // Scale-in: the kubelet stops one replica with SIGTERM. Cluster DNS would drop its address
      // once the pod ends; the hosts file keeps it, so the ingress keeps being offered an address
      // that no longer answers.
      Process leaving = gateways.get(1);
      long stopAt = System.nanoTime();
      leaving.destroy();
      AtomicInteger refused = new AtomicInteger();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                int status = post(ingress.api);
                if (status != 202) {
                  refused.incrementAndGet();
                }
                return status == 202;
              });
      System.out.printf(
          "after SIGTERM to %s: first 202 after %d ms (%d refused before)%n",
          POD_IPS.get(1), millisSince(stopAt), refused.get());
      assertThat(leaving.waitFor(30, TimeUnit.SECONDS)).as("the stopped replica exits").isTrue();
      long before = published(POD_IPS.get(0), prometheus, path);
      int afterStop = send(ingress.api, 100);
      long survivor = published(POD_IPS.get(0), prometheus, path) - before;
      System.out.printf(
          "after the replica exited: %d of 100 accepted, %d published by %s (%d ms since SIGTERM)%n",
          afterStop, survivor, POD_IPS.get(0), millisSince(stopAt));
      assertThat(afterStop)
          .as("202 answers with one replica gone (log: " + ingress.log + ")")
          .isEqualTo(100);
      assertThat(survivor).as("tweets the remaining replica published").isEqualTo(afterStop);
      System.out.printf("rehearsal done in %d ms%n", millisSince(t0));
    }
  }

  private record Ingress(int api, Path log) {}

  /**
   * The ingress from its rendered Deployment. Its pod's resolver is a hosts file: the headless
   * Service's name with one line per gateway pod IP (and localhost, as in a pod's /etc/hosts); the
   * Service's port is the pods' gRPC port, mapped to its local port like every container port here.
   */
  private Ingress startIngress(List<ObjectNode> all, Path jar, PodProcess.LocalPorts gatewayPorts)
      throws Exception {
    ObjectNode deployment = find(all, "Deployment", "ingress");
    JsonNode container = container(deployment);
    PodProcess pod =
        new PodProcess(all, deployment, "containers", "ingress", dir.resolve("ingress"));
    PodProcess.LocalPorts ports =
        PodProcess.LocalPorts.of(container, FreePorts.distinct(container.path("ports").size()));
    Map<String, String> env = ports.env(pod.env());
    URI target = URI.create(env.get("RABBIT_GATEWAY_TARGET"));
    String host = target.getPath().substring(1).split(":")[0];
    int servicePort = Integer.parseInt(target.getPath().split(":")[1]);
    ObjectNode service = find(all, "Service", host);
    assertThat(service.path("spec").path("clusterIP").asText())
        .as("the Service the ingress targets is headless: its DNS name lists every pod")
        .isEqualTo("None");
    int containerPort = targetPort(service, servicePort, gatewayPorts);
    env.put(
        "RABBIT_GATEWAY_TARGET", "dns:///" + host + ":" + gatewayPorts.ports().get(containerPort));
    // The one deviation from the pod spec: only the rabbit path, since no gateway-kafka runs here
    // (with fanout every tweet would wait for it and be refused).
    env.put("INGRESS_ROUTING", "rabbit");
    Path hosts = dir.resolve("ingress-hosts");
    StringBuilder lines = new StringBuilder("127.0.0.1 localhost\n");
    POD_IPS.forEach(ip -> lines.append(ip).append(' ').append(host).append('\n'));
    Files.writeString(hosts, lines);
    Process process = startJava(jar, pod, env, List.of("-Djdk.net.hosts.file=" + hosts), "ingress");
    Path log = dir.resolve("ingress.log");
    JsonNode startup = container.path("startupProbe");
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
              return GatewayLivenessRehearsalTest.probe(startup, ports.ports(), ports.named())
                  .passes();
            });
    // Readiness holds the gateway channel's state: ready once it has a connection to a gateway.
    GatewayLivenessRehearsalTest.Probe readiness =
        GatewayLivenessRehearsalTest.probe(
            container.path("readinessProbe"), ports.ports(), ports.named());
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(250))
        .until(readiness::passes);
    return new Ingress(ports.ports().get(ports.named().get("http")), log);
  }

  /** The container port a Service port sends to (targetPort by name or number). */
  private static int targetPort(ObjectNode service, int port, PodProcess.LocalPorts pods) {
    for (JsonNode p : service.path("spec").path("ports")) {
      if (p.path("port").asInt() == port) {
        JsonNode target = p.path("targetPort");
        return target.isInt() ? target.asInt() : pods.named().get(target.asText());
      }
    }
    throw new AssertionError(
        "no port " + port + " in Service " + StrimziResourcesTest.name(service));
  }

  private Process startJava(
      Path jar, PodProcess pod, Map<String, String> env, List<String> jvm, String name)
      throws IOException {
    Map<String, String> withHostname = new java.util.LinkedHashMap<>(env);
    withHostname.put("HOSTNAME", name);
    Process process =
        pod.startJar(
            jar, withHostname, jvm, dir.resolve(name + "-root"), dir.resolve(name + ".log"));
    started.add(process);
    return process;
  }

  private void awaitReady(
      JsonNode container, String ip, PodProcess.LocalPorts ports, Process process, String name) {
    GatewayLivenessRehearsalTest.Probe readiness =
        GatewayLivenessRehearsalTest.probe(
            container.path("readinessProbe"), ip, ports.ports(), ports.named());
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              assertThat(process.isAlive())
                  .as(Files.readString(dir.resolve(name + ".log")))
                  .isTrue();
              return readiness.passes();
            });
  }

  private static void declareBridgeQueue(List<ObjectNode> all, int amqpPort) {
    ObjectNode bridge = find(all, "Deployment", "rabbit-bridge");
    String uri = NetworkPolicyConnectionsTest.envValue(all, env(container(bridge), "RABBITMQ_URI"));
    ConnectionFactory factory = new ConnectionFactory();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              factory.setUri(PodProcessesTest.local(uri, amqpPort));
              if (factory.getVirtualHost().isEmpty()) {
                // amqp://…:5672/ names the default vhost "/" to Spring AMQP (the bridge); to the
                // plain client, vhost "".
                factory.setVirtualHost("/");
              }
              try (Connection connection = factory.newConnection();
                  Channel channel = connection.createChannel()) {
                channel.exchangeDeclare("weather.tweets", "topic", true);
                channel.queueDeclare(
                    "weather.tweets.bridge", true, false, false, Map.of("x-queue-type", "quorum"));
                channel.queueBind("weather.tweets.bridge", "weather.tweets", "#");
              }
            });
  }

  /**
   * POSTs {@code count} single tweets from {@link #SENDERS} clients at once; the number answered
   * 202.
   */
  private int send(int api, int count) throws Exception {
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        answers.add(senders.submit(() -> post(api)));
      }
      int accepted = 0;
      for (Future<Integer> answer : answers) {
        accepted += answer.get() == 202 ? 1 : 0;
      }
      return accepted;
    } finally {
      senders.shutdownNow();
    }
  }

  private int post(int api) throws Exception {
    int n = ids.incrementAndGet();
    String tweet =
        """
        {"id":"scale-out-%d","municipality":"%s","temperature":21,"humidity":50,"weather":"sunny","timestamp":%d}"""
            .formatted(
                n,
                Repo.MUNICIPALITIES.get(n % Repo.MUNICIPALITIES.size()),
                System.currentTimeMillis());
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + "/api/tweet"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(tweet))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /**
   * The replica's count of tweets its broker acknowledged, from its Prometheus endpoint (the scrape
   * annotations).
   */
  private static long published(String ip, int port, String path) {
    try {
      HttpResponse<String> scrape =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.statusCode()).isEqualTo(200);
      Matcher m = PUBLISHED.matcher(scrape.body());
      assertThat(m.find()).as("weather_tweets_published_total{sink=\"rabbit\"} at " + ip).isTrue();
      return (long) Double.parseDouble(m.group(1));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode container(ObjectNode deployment) {
    return deployment.path("spec").path("template").path("spec").path("containers").get(0);
  }

  private static JsonNode env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (name.equals(e.path("name").asText())) {
        return e;
      }
    }
    throw new AssertionError("no env " + name + " in container " + container.path("name").asText());
  }

  private static String annotation(ObjectNode deployment, String name) {
    return deployment
        .path("spec")
        .path("template")
        .path("metadata")
        .path("annotations")
        .path(name)
        .asText();
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
