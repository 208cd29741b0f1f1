package io.weathertweets.deploy;

import static io.weathertweets.deploy.StrimziResourcesTest.find;
import static io.weathertweets.deploy.StrimziResourcesTest.name;
import static io.weathertweets.deploy.StrimziResourcesTest.ofKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each overlay rendered, bound to the typed model, and held to the project's deployment rules. */
class KubernetesManifestsTest {
  static final String NAMESPACE = "weather-tweets";

  /**
   * The Kafka client settings for SCRAM over TLS, exactly as docs/security.md lists them and
   * standalone's SecuredKafkaEndToEndTest proves them against a SASL_SSL broker: the protocol and
   * trust store bind to Boot's {@code spring.kafka.security.*}/{@code spring.kafka.ssl.*}, the SASL
   * settings to {@code spring.kafka.properties.*}.
   */
  static final Set<String> KAFKA_SECURITY_ENV =
      Set.of(
          "SPRING_KAFKA_SECURITY_PROTOCOL",
          "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM",
          "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
          "SPRING_KAFKA_SSL_TRUST_STORE_LOCATION",
          "SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD",
          "SPRING_KAFKA_SSL_TRUST_STORE_TYPE");

  /**
   * Spring Boot properties the manifests set through relaxed binding, each checked against the
   * service's own configuration by OperationalManifestsTest: the actuator port, the Streams state
   * directory, the gRPC server's connection age.
   */
  static final Set<String> SPRING_ENV =
      Set.of(
          "MANAGEMENT_SERVER_PORT",
          "SPRING_KAFKA_STREAMS_STATE_DIR",
          "SPRING_GRPC_SERVER_KEEPALIVE_CONNECTION_MAXAGE");

  /**
   * The exact variable names of the README's Configuration table, plus the Kafka client settings
   * for SCRAM/TLS.
   */
  static final Set<String> ALLOWED_ENV =
      union(
          union(
              Set.of(
                  "KAFKA_BOOTSTRAP_SERVERS",
                  "RABBITMQ_URI",
                  "REDIS_URL",
                  "VALKEY_URL",
                  "INGRESS_PORT",
                  "INGRESS_ROUTING",
                  "KAFKA_GATEWAY_TARGET",
                  "RABBIT_GATEWAY_TARGET",
                  "GATEWAY_SINK",
                  "GRPC_PORT",
                  "SERVER_PORT",
                  "WEATHER_STORE_DURABILITY"),
              KAFKA_SECURITY_ENV),
          SPRING_ENV);

  /** What each service reads and therefore must be given. */
  static final Map<String, Set<String>> REQUIRED_ENV =
      Map.of(
          // The ingress reads both stores for GET /api/compare and the live page (weather.store.*
          // in ingress.yml).
          "ingress",
              Set.of(
                  "INGRESS_PORT",
                  "INGRESS_ROUTING",
                  "KAFKA_GATEWAY_TARGET",
                  "RABBIT_GATEWAY_TARGET",
                  "REDIS_URL",
                  "VALKEY_URL",
                  "MANAGEMENT_SERVER_PORT"),
          "gateway-kafka",
              union(
                  Set.of("GATEWAY_SINK", "GRPC_PORT", "SERVER_PORT", "KAFKA_BOOTSTRAP_SERVERS"),
                  KAFKA_SECURITY_ENV),
          "gateway-rabbit", Set.of("GATEWAY_SINK", "GRPC_PORT", "SERVER_PORT", "RABBITMQ_URI"),
          "streams-app",
              union(
                  Set.of("KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL", "SPRING_KAFKA_STREAMS_STATE_DIR"),
                  KAFKA_SECURITY_ENV),
          "rabbit-bridge", Set.of("RABBITMQ_URI", "VALKEY_URL", "WEATHER_STORE_DURABILITY"));

  /** Variables that carry a credential: only ever from a Secret. */
  static final Set<String> SECRET_ENV =
      Set.of(
          "RABBITMQ_URI",
          "REDIS_URL",
          "VALKEY_URL",
          "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
          "SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD");

  /**
   * Keys of the {@code <kafka>-cluster-ca-cert} Secret the Strimzi Cluster Operator generates (not
   * in the render).
   */
  static final Set<String> CLUSTER_CA_KEYS = Set.of("ca.crt", "ca.p12", "ca.password");

  /**
   * Where each service serves actuator (probes, Prometheus): never a port the web Ingress routes.
   */
  static final Map<String, Integer> HTTP_PORTS =
      Map.of(
          "ingress",
          8081,
          "gateway-kafka",
          8081,
          "gateway-rabbit",
          8081,
          "streams-app",
          8083,
          "rabbit-bridge",
          8084);

  static final Set<String> IMAGES =
      Set.of(
          "weather-tweets/ingress",
          "weather-tweets/grpc-gateway",
          "weather-tweets/streams-app",
          "weather-tweets/rabbit-bridge");

  static List<ObjectNode> render(String overlay) {
    return Kustomize.build("k8s/overlays/" + overlay);
  }

  static Stream<Arguments> overlays() {
    return Stream.of(Arguments.of("dev"), Arguments.of("gke"));
  }

  private static List<ObjectNode> kubernetes(List<ObjectNode> all) {
    return all.stream()
        .filter(r -> !r.path("apiVersion").asText().startsWith("kafka.strimzi.io/"))
        .toList();
  }

  private static List<ObjectNode> workloads(List<ObjectNode> all) {
    return all.stream()
        .filter(r -> Set.of("Deployment", "StatefulSet").contains(r.path("kind").asText()))
        .toList();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyResourceShouldBindToTheTypedModelWithoutUnknownFields(String overlay) {
    List<ObjectNode> all = render(overlay);
    List<String> errors = new ArrayList<>();
    for (ObjectNode r : kubernetes(all)) {
      errors.addAll(
          KubernetesModel.unknownFields(
              KubernetesModel.toTyped(r), r.path("kind").asText() + "/" + name(r)));
    }
    for (ObjectNode r : ofStrimzi(all)) {
      errors.addAll(StrimziResourcesTest.validate(r));
    }
    assertThat(errors).isEmpty();
    assertThat(kubernetes(all)).hasSizeGreaterThan(50);
  }

  @Test
  void unknownFieldCheckShouldCatchAMisspeltField() {
    ObjectNode deployment = find(render("dev"), "Deployment", "ingress").deepCopy();
    ((ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").get(0))
        .putObject("resource")
        .putObject("limits")
        .put("cpu", "1");
    assertThat(KubernetesModel.unknownFields(KubernetesModel.toTyped(deployment), "d"))
        .anySatisfy(e -> assertThat(e).contains("unknown field(s) [resource]"));
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyContainerShouldBeBoundedProbedAndLockedDown(String overlay) {
    List<String> errors = new ArrayList<>();
    for (ObjectNode w : workloads(render(overlay))) {
      JsonNode pod = w.path("spec").path("template").path("spec");
      boolean podNonRoot = pod.path("securityContext").path("runAsNonRoot").asBoolean(false);
      for (String list : List.of("containers", "initContainers")) {
        for (JsonNode c : pod.path(list)) {
          String id = name(w) + "/" + c.path("name").asText();
          for (String kind : List.of("requests", "limits")) {
            for (String res : List.of("cpu", "memory")) {
              if (c.path("resources").path(kind).path(res).isMissingNode()) {
                errors.add(id + ": no " + kind + "." + res);
              }
            }
          }
          if ("containers".equals(list)) {
            for (String probe : List.of("livenessProbe", "readinessProbe")) {
              if (!c.has(probe)) {
                errors.add(id + ": no " + probe);
              }
            }
          }
          JsonNode sc = c.path("securityContext");
          if (!sc.path("runAsNonRoot").asBoolean(podNonRoot)) {
            errors.add(id + ": runAsNonRoot not set");
          }
          if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
            errors.add(id + ": readOnlyRootFilesystem not set");
          }
          if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
            errors.add(id + ": allowPrivilegeEscalation not false");
          }
          Set<String> dropped = new HashSet<>();
          sc.path("capabilities").path("drop").forEach(d -> dropped.add(d.asText()));
          if (!dropped.contains("ALL") || sc.path("capabilities").has("add")) {
            errors.add(id + ": capabilities must drop ALL and add none");
          }
          Set<String> volumes = new HashSet<>();
          pod.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
          w.path("spec")
              .path("volumeClaimTemplates")
              .forEach(v -> volumes.add(v.path("metadata").path("name").asText()));
          for (JsonNode m : c.path("volumeMounts")) {
            if (!volumes.contains(m.path("name").asText())) {
              errors.add(id + ": mounts unknown volume " + m.path("name").asText());
            }
          }
          String image = c.path("image").asText();
          if (image.endsWith(":latest") || !image.contains(":")) {
            errors.add(id + ": image " + image + " is not pinned to a tag");
          }
        }
      }
    }
    assertThat(errors).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void servicesShouldUseActuatorProbesAndGatewaysGrpcReadiness(String overlay) {
    List<ObjectNode> all = render(overlay);
    for (String service : Repo.SERVICES) {
      JsonNode c =
          find(all, "Deployment", service)
              .path("spec")
              .path("template")
              .path("spec")
              .path("containers")
              .get(0);
      if (service.startsWith("gateway-")) {
        // Liveness on actuator's liveness group: the gRPC health status includes the broker.
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText())
            .isEqualTo("/actuator/health/liveness");
        assertThat(port(c, c.path("livenessProbe").path("httpGet").path("port")))
            .as(service)
            .isEqualTo(HTTP_PORTS.get(service));
        assertThat(c.path("readinessProbe").path("grpc").path("port").asInt())
            .as(service)
            .isEqualTo(9090);
      } else {
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText())
            .isEqualTo("/actuator/health/liveness");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText())
            .isEqualTo("/actuator/health/readiness");
        assertThat(port(c, c.path("readinessProbe").path("httpGet").path("port")))
            .as(service)
            .isEqualTo(HTTP_PORTS.get(service));
      }
      JsonNode annotations =
          find(all, "Deployment", service)
              .path("spec")
              .path("template")
              .path("metadata")
              .path("annotations");
      assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/actuator/prometheus");
      assertThat(annotations.path("prometheus.io/port").asText())
          .isEqualTo(String.valueOf(HTTP_PORTS.get(service)));
      Set<String> mounts = new TreeSet<>();
      c.path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
      assertThat(mounts).as(service + " writable dirs").contains("/tmp");
      if ("streams-app".equals(service)) {
        assertThat(mounts).contains("/var/lib/weather-streams");
      }
      String image = c.path("image").asText();
      assertThat(IMAGES)
          .as(service + " image " + image + " is set by the overlay's images:")
          .anyMatch(i -> image.contains("/" + i + ":") && !image.startsWith(i));
    }
  }

  private static int port(JsonNode container, JsonNode ref) {
    if (ref.isInt()) {
      return ref.asInt();
    }
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(ref.asText())) {
        return p.path("containerPort").asInt();
      }
    }
    throw new AssertionError("no port named " + ref.asText());
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyEnvVarShouldBeAKnownNameSetFromTheRightSource(String overlay) {
    List<ObjectNode> all = render(overlay);
    Set<String> kafkaUsers = new HashSet<>();
    ofKind(all, "KafkaUser").forEach(u -> kafkaUsers.add(name(u)));
    String clusterCa = name(find(all, "Kafka", "weather-kafka")) + "-cluster-ca-cert";
    List<String> errors = new ArrayList<>();
    for (String service : Repo.SERVICES) {
      JsonNode c =
          find(all, "Deployment", service)
              .path("spec")
              .path("template")
              .path("spec")
              .path("containers")
              .get(0);
      Set<String> names = new TreeSet<>();
      for (JsonNode e : c.path("env")) {
        String n = e.path("name").asText();
        names.add(n);
        if (!ALLOWED_ENV.contains(n)) {
          errors.add(service + ": " + n + " is not one of the contract's variable names");
        }
        if (SECRET_ENV.contains(n) && !e.path("valueFrom").has("secretKeyRef")) {
          errors.add(service + ": " + n + " carries a credential and must come from a Secret");
        }
        JsonNode cm = e.path("valueFrom").path("configMapKeyRef");
        if (cm.isObject()) {
          ObjectNode map = find(all, "ConfigMap", cm.path("name").asText());
          if (!map.path("data").has(cm.path("key").asText())) {
            errors.add(service + ": " + n + " refers to missing key " + cm.path("key").asText());
          }
        }
        JsonNode sk = e.path("valueFrom").path("secretKeyRef");
        if (sk.isObject()) {
          String secret = sk.path("name").asText();
          if (kafkaUsers.contains(secret)) {
            // Generated by the User Operator with these keys.
            if (!Set.of("password", "sasl.jaas.config").contains(sk.path("key").asText())) {
              errors.add(service + ": KafkaUser secret has no key " + sk.path("key").asText());
            }
          } else if (clusterCa.equals(secret)) {
            if (!CLUSTER_CA_KEYS.contains(sk.path("key").asText())) {
              errors.add(service + ": cluster CA secret has no key " + sk.path("key").asText());
            }
          } else if (!find(all, "Secret", secret).path("data").has(sk.path("key").asText())) {
            errors.add(service + ": Secret " + secret + " has no key " + sk.path("key").asText());
          }
        }
      }
      if (!names.containsAll(REQUIRED_ENV.get(service))) {
        Set<String> missing = new TreeSet<>(REQUIRED_ENV.get(service));
        missing.removeAll(names);
        errors.add(service + ": missing " + missing);
      }
    }
    assertThat(errors).isEmpty();
    assertThat(kafkaUsers).contains("weather-gateway", "weather-streams");
  }

  /**
   * The trust store variables must name a file the pod really has: the cluster CA's PKCS12 archive,
   * mounted from the Secret the Cluster Operator keeps current, opened with that Secret's password.
   */
  @ParameterizedTest
  @MethodSource("overlays")
  void kafkaClientsShouldTrustTheMountedClusterCa(String overlay) {
    List<ObjectNode> all = render(overlay);
    String clusterCa = name(find(all, "Kafka", "weather-kafka")) + "-cluster-ca-cert";
    for (String service : List.of("gateway-kafka", "streams-app")) {
      JsonNode pod = find(all, "Deployment", service).path("spec").path("template").path("spec");
      JsonNode c = pod.path("containers").get(0);
      Map<String, JsonNode> env = new HashMap<>();
      c.path("env").forEach(e -> env.put(e.path("name").asText(), e));
      assertThat(env).as(service).containsKeys(KAFKA_SECURITY_ENV.toArray(String[]::new));
      assertThat(env.get("SPRING_KAFKA_SSL_TRUST_STORE_TYPE").path("value").asText())
          .as(service)
          .isEqualTo("PKCS12");
      JsonNode password =
          env.get("SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD").path("valueFrom").path("secretKeyRef");
      assertThat(password.path("name").asText() + "/" + password.path("key").asText())
          .as(service)
          .isEqualTo(clusterCa + "/ca.password");
      String location = env.get("SPRING_KAFKA_SSL_TRUST_STORE_LOCATION").path("value").asText();
      assertThat(location)
          .as(service + ": a Spring resource; without file: a path is looked up on the classpath")
          .startsWith("file:/");
      String file = location.substring("file:".length());
      List<String> sources = new ArrayList<>();
      for (JsonNode m : c.path("volumeMounts")) {
        String dir = m.path("mountPath").asText();
        if (!file.startsWith(dir + "/")) {
          continue;
        }
        String inVolume = file.substring(dir.length() + 1);
        for (JsonNode v : pod.path("volumes")) {
          JsonNode secret = v.path("secret");
          if (!v.path("name").asText().equals(m.path("name").asText()) || !secret.isObject()) {
            continue;
          }
          if (!secret.has("items")) {
            sources.add(secret.path("secretName").asText() + "/" + inVolume);
          }
          for (JsonNode item : secret.path("items")) {
            if (item.path("path").asText().equals(inVolume)) {
              sources.add(secret.path("secretName").asText() + "/" + item.path("key").asText());
            }
          }
        }
      }
      assertThat(sources)
          .as(service + ": " + file + " mounted from the cluster CA's PKCS12 archive")
          .containsExactly(clusterCa + "/ca.p12");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void configurationShouldPointAtResourcesThatExist(String overlay) {
    List<ObjectNode> all = render(overlay);
    JsonNode config = find(all, "ConfigMap", "weather-config").path("data");
    ObjectNode kafka = find(all, "Kafka", "weather-kafka");
    JsonNode listener = kafka.path("spec").path("kafka").path("listeners").get(0);
    assertThat(config.path("KAFKA_BOOTSTRAP_SERVERS").asText())
        .isEqualTo("weather-kafka-kafka-bootstrap:" + listener.path("port").asInt());
    for (String target : List.of("KAFKA_GATEWAY_TARGET", "RABBIT_GATEWAY_TARGET")) {
      String[] hostPort = config.path(target).asText().replaceFirst("^dns:///", "").split(":");
      ObjectNode svc = find(all, "Service", hostPort[0]);
      assertThat(svc.path("spec").path("ports"))
          .as(target)
          .anyMatch(p -> p.path("port").asInt() == Integer.parseInt(hostPort[1]));
    }
    for (String service : List.of("gateway-kafka", "gateway-rabbit")) {
      JsonNode env =
          find(all, "Deployment", service)
              .path("spec")
              .path("template")
              .path("spec")
              .path("containers")
              .get(0)
              .path("env");
      assertThat(env)
          .anyMatch(
              e ->
                  "GATEWAY_SINK".equals(e.path("name").asText())
                      && service.endsWith(e.path("value").asText()));
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyServiceShouldSelectAWorkloadAndExistingPorts(String overlay) {
    List<ObjectNode> all = render(overlay);
    List<String> errors = new ArrayList<>();
    for (ObjectNode svc : ofKind(all, "Service")) {
      JsonNode selector = svc.path("spec").path("selector");
      List<ObjectNode> selected =
          workloads(all).stream()
              .filter(
                  w ->
                      matches(
                          selector,
                          w.path("spec").path("template").path("metadata").path("labels")))
              .toList();
      if (selected.isEmpty()) {
        errors.add("Service " + name(svc) + " selects no Deployment/StatefulSet");
        continue;
      }
      for (JsonNode p : svc.path("spec").path("ports")) {
        JsonNode target = p.path("targetPort");
        boolean found =
            selected.stream()
                .anyMatch(
                    w -> {
                      for (JsonNode c :
                          w.path("spec").path("template").path("spec").path("containers")) {
                        for (JsonNode cp : c.path("ports")) {
                          if (target.isTextual()
                              ? cp.path("name").asText().equals(target.asText())
                              : cp.path("containerPort").asInt()
                                  == target.asInt(p.path("port").asInt())) {
                            return true;
                          }
                        }
                      }
                      return false;
                    });
        if (!found) {
          errors.add(
              "Service "
                  + name(svc)
                  + " port "
                  + p.path("name").asText()
                  + " has no container port");
        }
      }
    }
    for (ObjectNode w : workloads(all)) {
      if (!matches(
          w.path("spec").path("selector").path("matchLabels"),
          w.path("spec").path("template").path("metadata").path("labels"))) {
        errors.add(name(w) + ": selector does not match its own pod template");
      }
    }
    assertThat(errors).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyResourceShouldBeLabelledAndNamespaced(String overlay) {
    for (ObjectNode r : render(overlay)) {
      assertThat(r.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText())
          .as(r.path("kind").asText() + "/" + name(r))
          .isEqualTo("weather-tweets");
      if (!"Namespace".equals(r.path("kind").asText())) {
        assertThat(r.path("metadata").path("namespace").asText()).as(name(r)).isEqualTo(NAMESPACE);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void autoscalingShouldTargetTheIngressGatewaysAndConsumers(String overlay) {
    List<ObjectNode> all = render(overlay);
    ObjectNode ingress = find(all, "HorizontalPodAutoscaler", "ingress");
    assertThat(ingress.path("spec").path("minReplicas").asInt()).isEqualTo(1);
    assertThat(ingress.path("spec").path("maxReplicas").asInt()).isEqualTo(3);
    assertThat(
            ingress
                .path("spec")
                .path("metrics")
                .get(0)
                .path("resource")
                .path("target")
                .path("averageUtilization")
                .asInt())
        .isEqualTo(30);
    for (ObjectNode hpa : ofKind(all, "HorizontalPodAutoscaler")) {
      find(
          all,
          hpa.path("spec").path("scaleTargetRef").path("kind").asText(),
          hpa.path("spec").path("scaleTargetRef").path("name").asText());
    }
    assertThat(ofKind(all, "HorizontalPodAutoscaler"))
        .extracting(StrimziResourcesTest::name)
        .contains("ingress", "gateway-kafka", "gateway-rabbit", "streams-app", "rabbit-bridge");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyWorkloadThatCanRunTwoPodsShouldHaveADisruptionBudgetAndEveryOneANetworkPolicy(
      String overlay) {
    List<ObjectNode> all = render(overlay);
    List<ObjectNode> policies = ofKind(all, "NetworkPolicy");
    ObjectNode deny = find(all, "NetworkPolicy", "default-deny");
    assertThat(deny.path("spec").path("podSelector").size()).as("selects every pod").isZero();
    assertThat(deny.path("spec").path("policyTypes"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(deny.path("spec").has("ingress") || deny.path("spec").has("egress")).isFalse();
    List<String> errors = new ArrayList<>();
    Set<String> scaled = new HashSet<>();
    ofKind(all, "HorizontalPodAutoscaler")
        .forEach(h -> scaled.add(h.path("spec").path("scaleTargetRef").path("name").asText()));
    for (ObjectNode w : workloads(all)) {
      JsonNode labels = w.path("spec").path("template").path("metadata").path("labels");
      boolean severalPods =
          w.path("spec").path("replicas").asInt(1) > 1 || scaled.contains(name(w));
      if (severalPods
          && ofKind(all, "PodDisruptionBudget").stream()
              .noneMatch(
                  p -> matches(p.path("spec").path("selector").path("matchLabels"), labels))) {
        errors.add(name(w) + ": no PodDisruptionBudget");
      }
      if (policies.stream()
          .noneMatch(
              p ->
                  p.path("spec").path("podSelector").path("matchLabels").size() > 0
                      && matches(p.path("spec").path("podSelector").path("matchLabels"), labels))) {
        errors.add(name(w) + ": no NetworkPolicy of its own (only the default deny applies)");
      }
    }
    assertThat(errors).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void ingressShouldRouteApiAndLivePageToExistingServices(String overlay) {
    List<ObjectNode> all = render(overlay);
    ObjectNode ingress = find(all, "Ingress", "weather-tweets");
    assertThat(ingress.path("spec").path("ingressClassName").asText()).isEqualTo("nginx");
    Set<String> paths = new TreeSet<>();
    for (JsonNode rule : ingress.path("spec").path("rules")) {
      for (JsonNode p : rule.path("http").path("paths")) {
        paths.add(p.path("path").asText());
        JsonNode backend = p.path("backend").path("service");
        ObjectNode svc = find(all, "Service", backend.path("name").asText());
        assertThat(svc.path("spec").path("ports"))
            .anyMatch(
                sp -> sp.path("name").asText().equals(backend.path("port").path("name").asText()));
      }
    }
    assertThat(paths).contains("/api", "/");
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "valkey"})
  void storesShouldRunAPrimaryAndAReplicaWithAof(String store) {
    List<ObjectNode> all = render("gke");
    ObjectNode sts = find(all, "StatefulSet", store);
    assertThat(sts.path("spec").path("replicas").asInt()).isGreaterThanOrEqualTo(2);
    String script =
        sts.path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .get(0)
            .path("args")
            .get(0)
            .asText();
    assertThat(script).contains("--replicaof " + store + "-0." + store + "-headless 6379");
    String conf =
        find(all, "ConfigMap", store + "-config").path("data").path(store + ".conf").asText();
    assertThat(conf)
        .contains("appendonly yes")
        .contains("include /run/" + store + "/auth.conf")
        .doesNotContainPattern("(?m)^\\s*(requirepass|masterauth)");
    assertThat(
            find(all, "Service", store)
                .path("spec")
                .path("selector")
                .path("statefulset.kubernetes.io/pod-name")
                .asText())
        .as("writers reach only the primary")
        .isEqualTo(store + "-0");
    assertThat(
            sts.path("spec")
                .path("volumeClaimTemplates")
                .get(0)
                .path("spec")
                .path("storageClassName")
                .asText())
        .isEqualTo("premium-rwo");
  }

  @Test
  void overlaysShouldPickTheMatchingKafkaVariant() {
    assertThat(ofKind(render("dev"), "KafkaNodePool"))
        .extracting(StrimziResourcesTest::name)
        .containsExactly("dual-role");
    assertThat(ofKind(render("gke"), "KafkaNodePool"))
        .extracting(StrimziResourcesTest::name)
        .containsExactlyInAnyOrder("controllers", "brokers");
    assertThat(find(render("dev"), "StatefulSet", "rabbitmq").path("spec").path("replicas").asInt())
        .isEqualTo(1);
    assertThat(find(render("gke"), "StatefulSet", "rabbitmq").path("spec").path("replicas").asInt())
        .isEqualTo(3);
  }

  private static List<ObjectNode> ofStrimzi(List<ObjectNode> all) {
    return all.stream()
        .filter(r -> r.path("apiVersion").asText().startsWith("kafka.strimzi.io/"))
        .toList();
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  static boolean matches(JsonNode selector, JsonNode labels) {
    if (selector == null || selector.isMissingNode() || selector.isEmpty()) {
      return false;
    }
    for (var it = selector.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().startsWith("statefulset.kubernetes.io/")) {
        // Set on each pod by the StatefulSet controller (used to address the primary only).
        continue;
      }
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }
}
