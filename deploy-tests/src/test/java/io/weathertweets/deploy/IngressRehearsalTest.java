package io.weathertweets.deploy;

import static io.weathertweets.deploy.StrimziResourcesTest.find;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weathertweets.embedded.FreePorts;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The ingress as the dev overlay deploys it: its executable jar with the pod spec's environment
 * (Secrets from the committed examples), ports mapped to free local ones, the Service names it uses
 * (redis:6379, valkey:6379) mapped to the store pods' start scripts run locally ({@link
 * PodProcessesTest#startStore}). It must start by its own probes, read both stores as the read-only
 * user (GET /api/compare answers, not 503), serve actuator only on its management port, and give
 * each client behind NGINX a rate-limit bucket of its own that a forged X-Forwarded-For entry
 * cannot change.
 */
class IngressRehearsalTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final List<Process> started = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void stop() throws InterruptedException {
    PodProcess.stopAll(started);
  }

  @Test
  void ingressShouldReadBothStoresAndKeepActuatorOffItsPublicPort() throws Exception {
    for (String store : List.of("redis", "valkey")) {
      Assumptions.assumeTrue(
          new File("/usr/bin/" + store + "-server").canExecute(), store + "-server not installed");
    }
    Path jar = Repo.serviceJar("ingress");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<ObjectNode> all = KubernetesManifestsTest.render("dev");
    Map<String, Integer> storePorts = new LinkedHashMap<>();
    for (String store : List.of("redis", "valkey")) {
      int[] ports = FreePorts.distinct(2);
      storePorts.put(store, ports[0]);
      PodProcess primary =
          PodProcessesTest.startStore(
              all,
              find(all, "StatefulSet", store),
              store,
              0,
              ports,
              dir.resolve(store),
              started,
              p -> {});
      // Something to compare: the writer's figures for one municipality (the same on both paths).
      URI writer = URI.create(secret(all, store.toUpperCase() + "_WRITER_URL"));
      assertThat(primary.env()).containsKey("WRITER_PASSWORD");
      try (Jedis j = PodProcessesTest.login(ports[0], writer)) {
        j.hset("weather:municipality:mixco", Map.of("tweets", "1", "temperature_avg", "20"));
      }
    }

    ObjectNode deployment = find(all, "Deployment", "ingress");
    JsonNode container =
        deployment.path("spec").path("template").path("spec").path("containers").get(0);
    PodProcess pod = new PodProcess(all, deployment, "containers", "ingress", dir.resolve("pod"));
    int[] free = FreePorts.distinct(container.path("ports").size() + 2);
    PodProcess.LocalPorts local = PodProcess.LocalPorts.of(container, free);
    Map<Integer, Integer> ports = local.ports();
    Map<String, Integer> named = local.named();
    Map<String, String> env = local.env(pod.env());
    int i = ports.size();
    // The Services' names and ports, as the pod's DNS and kube-proxy would resolve them; no gateway
    // is running.
    int noKafkaGateway = free[i];
    int noRabbitGateway = free[i + 1];
    env.replaceAll(
        (k, v) ->
            v.replace("@redis:6379", "@127.0.0.1:" + storePorts.get("redis"))
                .replace("@valkey:6379", "@127.0.0.1:" + storePorts.get("valkey"))
                .replace("dns:///gateway-kafka-headless:9090", "dns:///127.0.0.1:" + noKafkaGateway)
                .replace(
                    "dns:///gateway-rabbit-headless:9090", "dns:///127.0.0.1:" + noRabbitGateway));
    assertThat(env.get("REDIS_URL")).contains("127.0.0.1");
    assertThat(env.get("VALKEY_URL")).contains("127.0.0.1");
    // What the kubelet puts into every container: Spring Boot detects Kubernetes from it (and
    // resolves forwarded headers there).
    env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    env.put("KUBERNETES_SERVICE_PORT", "443");
    // A bucket of 3 requests refilled by 1 an hour, so the figures below do not depend on speed.
    env.put("INGRESS_RATE_LIMIT", "1");
    env.put("INGRESS_RATE_LIMIT_BURST", "3");
    env.put("WEATHER_INGRESS_RATELIMIT_PERIOD", "1h");
    Process ingress =
        pod.startJar(jar, env, List.of(), dir.resolve("root"), dir.resolve("ingress.log"));
    started.add(ingress);

    JsonNode sp = container.path("startupProbe");
    GatewayLivenessRehearsalTest.Probe startup =
        GatewayLivenessRehearsalTest.probe(sp, ports, named);
    long t0 = System.nanoTime();
    await()
        .atMost(
            Duration.ofSeconds(
                (long) sp.path("periodSeconds").asInt() * sp.path("failureThreshold").asInt()))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              assertThat(ingress.isAlive())
                  .as(Files.readString(dir.resolve("ingress.log")))
                  .isTrue();
              return startup.passes();
            });
    System.out.printf(
        "ingress started (startup probe) in %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

    int api = ports.get(named.get("http"));
    int management = ports.get(named.get("management"));
    HttpResponse<String> compare = get(api, "/api/compare");
    assertThat(compare.statusCode())
        .as("GET /api/compare reads both stores as weather-reader: " + compare.body())
        .isEqualTo(200);
    assertThat(Repo.JSON.readTree(compare.body()).path("verdict").asText()).isEqualTo("equal");
    assertThat(get(api, "/actuator/health").statusCode())
        .as("actuator on the public port")
        .isEqualTo(404);
    assertThat(get(api, "/actuator/prometheus").statusCode())
        .as("actuator on the public port")
        .isEqualTo(404);
    assertThat(get(management, "/actuator/prometheus").statusCode()).isEqualTo(200);
    assertThat(
            get(
                    management,
                    deployment
                        .path("spec")
                        .path("template")
                        .path("metadata")
                        .path("annotations")
                        .path("prometheus.io/path")
                        .asText())
                .statusCode())
        .as("the scrape annotation's path")
        .isEqualTo(200);

    // Every request reaches the pod from NGINX (the NetworkPolicy admits nothing else on the http
    // port), here from 127.0.0.1 like it, with X-Forwarded-For set to the address NGINX saw: each
    // client must still have a bucket of its own, and an entry a client put before NGINX's must not
    // choose another. No gateway runs, so a request the limit lets through is answered 503.
    for (int n = 0; n < 3; n++) {
      assertThat(tweet(api, "203.0.113.7").statusCode())
          .as("request %d within the burst", n)
          .isNotEqualTo(429);
    }
    assertThat(tweet(api, "203.0.113.7").statusCode()).as("past the client's burst").isEqualTo(429);
    assertThat(tweet(api, "198.51.100.99, 203.0.113.7").statusCode())
        .as("the same client, naming another address before the one NGINX saw")
        .isEqualTo(429);
    assertThat(tweet(api, "198.51.100.23").statusCode())
        .as("another client behind the same NGINX keeps its own bucket")
        .isNotEqualTo(429);
  }

  private static HttpResponse<String> tweet(int port, String forwardedFor) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/tweet"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", forwardedFor)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"municipality\":\"mixco\",\"temperature\":25,\"humidity\":70,\"weather\":\"sunny\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String secret(List<ObjectNode> all, String key) {
    for (ObjectNode s : StrimziResourcesTest.ofKind(all, "Secret")) {
      if (s.path("data").has(key)) {
        return new String(
            java.util.Base64.getMimeDecoder().decode(s.path("data").path(key).asText()),
            java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError("no Secret key " + key);
  }
}
