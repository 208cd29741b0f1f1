package io.weathertweets.deploy;

import static io.weathertweets.deploy.StrimziResourcesTest.find;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.weathertweets.embedded.FreePorts;
import io.weathertweets.harness.RabbitNode;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gateway-rabbit as the dev overlay deploys it: the gateway's executable jar (what its image runs)
 * with the pod spec's environment (Secrets from the committed examples), its ports mapped to free
 * local ones, against a real local RabbitMQ node loaded with the rendered definitions. The
 * kubelet's probes are replayed from the pod spec: the pod starts and becomes ready; through a
 * broker outage one probe period longer than the kubelet takes to restart a pod (the liveness
 * probe's period × failure threshold) its liveness probe never fails, while readiness reports the
 * outage; after it, the pod is ready again.
 */
class GatewayLivenessRehearsalTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  @TempDir Path dir;

  @Test
  void livenessShouldStayGreenThroughABrokerOutage() throws Exception {
    Assumptions.assumeTrue(RabbitNode.installed(), "no local RabbitMQ installation");
    Path jar = Repo.serviceJar("grpc-gateway");
    List<ObjectNode> all = KubernetesManifestsTest.render("dev");
    ObjectNode deployment = find(all, "Deployment", "gateway-rabbit");
    PodProcess pod =
        new PodProcess(all, deployment, "containers", "gateway-rabbit", dir.resolve("pod"));
    JsonNode container =
        deployment.path("spec").path("template").path("spec").path("containers").get(0);

    // The broker loads the rendered definitions (the Secret the rabbitmq pods mount).
    ObjectNode broker = find(all, "StatefulSet", "rabbitmq");
    Path definitions =
        new PodProcess(all, broker, "containers", "rabbitmq", dir.resolve("broker-pod"))
            .volume("server-secret")
            .resolve("definitions.json");
    try (RabbitNode rabbit =
        new RabbitNode(dir.resolve("rabbit"), dir.resolve("rabbit"), definitions)
            .start(Duration.ofSeconds(60))) {
      // Container ports → free local ports; env values naming a container port follow (GRPC_PORT,
      // SERVER_PORT).
      PodProcess.LocalPorts local =
          PodProcess.LocalPorts.of(container, FreePorts.distinct(container.path("ports").size()));
      Map<Integer, Integer> ports = local.ports();
      Map<String, Integer> named = local.named();
      Map<String, String> env = local.env(pod.env());
      // The Service's host:port, as the pod's DNS would resolve it.
      env.put(
          "RABBITMQ_URI",
          PodProcessesTest.local(env.get("RABBITMQ_URI"), rabbit.amqpPort()).toString());
      Process gateway =
          pod.startJar(jar, env, List.of(), dir.resolve("root"), dir.resolve("gateway.log"));
      try {
        Probe liveness = probe(container.path("livenessProbe"), ports, named);
        Probe readiness = probe(container.path("readinessProbe"), ports, named);
        Probe startup = probe(container.path("startupProbe"), ports, named);
        JsonNode sp = container.path("startupProbe");
        long started = System.nanoTime();
        await()
            .atMost(
                Duration.ofSeconds(
                    (long) sp.path("periodSeconds").asInt() * sp.path("failureThreshold").asInt()))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  assertThat(gateway.isAlive())
                      .as(Files.readString(dir.resolve("gateway.log")))
                      .isTrue();
                  return startup.passes();
                });
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(readiness::passes);
        System.out.printf(
            "gateway-rabbit started and ready in %d ms%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

        JsonNode lp = container.path("livenessProbe");
        // Kubernetes' defaults where the pod spec leaves them out: every 10 s, 3 failures.
        Duration outage =
            Duration.ofSeconds(
                lp.path("periodSeconds").asLong(10) * (lp.path("failureThreshold").asLong(3) + 1));
        rabbit.ctl("stop_app");
        long outageStart = System.nanoTime();
        List<String> livenessFailures = new ArrayList<>();
        boolean sawUnready = false;
        while (System.nanoTime() - outageStart < outage.toNanos()) {
          if (!liveness.passes()) {
            livenessFailures.add((System.nanoTime() - outageStart) / 1_000_000 + " ms");
          }
          sawUnready |= !readiness.passes();
          Thread.sleep(1_000);
        }
        rabbit.ctl("start_app");
        assertThat(livenessFailures)
            .as("liveness probe failures during the broker outage")
            .isEmpty();
        assertThat(sawUnready).as("readiness reports the broker outage").isTrue();
        assertThat(gateway.isAlive()).isTrue();
        long back = System.nanoTime();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(readiness::passes);
        System.out.printf(
            "gateway-rabbit ready again %d ms after the broker returned%n",
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));
      } finally {
        gateway.destroy();
        if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
          gateway.destroyForcibly();
        }
      }
    }
  }

  /** One kubelet probe (httpGet or grpc) of the pod spec, against the mapped local port. */
  interface Probe {
    boolean passes();
  }

  static Probe probe(JsonNode spec, Map<Integer, Integer> ports, Map<String, Integer> named) {
    return probe(spec, "127.0.0.1", ports, named);
  }

  /**
   * The same probe against a pod bound to its own local address ({@code host}), as the kubelet
   * probes the pod IP.
   */
  static Probe probe(
      JsonNode spec, String host, Map<Integer, Integer> ports, Map<String, Integer> named) {
    if (spec.has("httpGet")) {
      JsonNode http = spec.path("httpGet");
      int port =
          ports.get(
              http.path("port").isInt()
                  ? http.path("port").asInt()
                  : named.get(http.path("port").asText()));
      URI uri = URI.create("http://" + host + ":" + port + http.path("path").asText());
      return () -> {
        try {
          // The kubelet counts 200-399 as success.
          int status =
              HTTP.send(
                      HttpRequest.newBuilder(uri)
                          .timeout(Duration.ofSeconds(spec.path("timeoutSeconds").asInt(1)))
                          .GET()
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
          return status >= 200 && status < 400;
        } catch (Exception e) {
          return false;
        }
      };
    }
    if (spec.has("grpc")) {
      int port = ports.get(spec.path("grpc").path("port").asInt());
      String service = spec.path("grpc").path("service").asText("");
      return () -> {
        ManagedChannel channel =
            ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
        try {
          return HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(spec.path("timeoutSeconds").asInt(1), TimeUnit.SECONDS)
                  .check(HealthCheckRequest.newBuilder().setService(service).build())
                  .getStatus()
              == ServingStatus.SERVING;
        } catch (Exception e) {
          return false;
        } finally {
          channel.shutdownNow();
        }
      };
    }
    throw new AssertionError("probe kind not replayed: " + spec);
  }
}
