package io.weathertweets.deploy;

import static io.weathertweets.deploy.StrimziResourcesTest.find;
import static io.weathertweets.deploy.StrimziResourcesTest.name;
import static io.weathertweets.deploy.StrimziResourcesTest.ofKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a cluster needs of the rendered overlays beyond their being well-formed: each check reads
 * what {@code kubectl apply -k} would apply (and, where a service's behaviour depends on its own
 * configuration, the service's yml under src/main/resources) and fails on a manifest that would not
 * work or would be unsafe.
 */
class OperationalManifestsTest {
  /** Deployments the HPA scales: the course's 1–3 replicas at 30 % CPU. */
  static final List<String> SCALED =
      List.of("ingress", "gateway-kafka", "gateway-rabbit", "streams-app", "rabbit-bridge");

  static final String READER = "weather-reader";
  static final String WRITER = "weather-writer";

  static Stream<Arguments> overlays() {
    return Stream.of(Arguments.of("dev"), Arguments.of("gke"));
  }

  static JsonNode container(List<ObjectNode> all, String kind, String workload) {
    return pod(all, kind, workload).path("containers").get(0);
  }

  static JsonNode pod(List<ObjectNode> all, String kind, String workload) {
    return find(all, kind, workload).path("spec").path("template").path("spec");
  }

  static Map<String, String> env(List<ObjectNode> all, JsonNode container) {
    Map<String, String> env = new LinkedHashMap<>();
    container
        .path("env")
        .forEach(
            e -> env.put(e.path("name").asText(), NetworkPolicyConnectionsTest.envValue(all, e)));
    return env;
  }

  // --- 1. Grafana
  // -------------------------------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("overlays")
  void grafanaShouldInstallAPinnedPluginVersion(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    Map<String, String> env = env(all, container(all, "Deployment", "grafana"));
    List<String> plugins = new ArrayList<>();
    for (String variable :
        List.of("GF_INSTALL_PLUGINS", "GF_PLUGINS_PREINSTALL", "GF_PLUGINS_PREINSTALL_SYNC")) {
      if (env.containsKey(variable)) {
        plugins.addAll(List.of(env.get(variable).split(",")));
      }
    }
    assertThat(plugins)
        .as("plugins Grafana installs at start")
        .isNotEmpty()
        .allSatisfy(
            p ->
                assertThat(p.strip())
                    .as("pinned as id@version")
                    .matches("[a-z0-9-]+@\\d+\\.\\d+\\.\\d+(@.*)?"))
        .anySatisfy(p -> assertThat(p).startsWith("redis-datasource@"));
    String readme = Repo.read(Repo.path("k8s/README.md"));
    String pinned =
        plugins.stream()
            .filter(p -> p.startsWith("redis-datasource@"))
            .findFirst()
            .orElseThrow()
            .split("@")[1];
    assertThat(readme)
        .as("k8s/README.md explains the offline install of the pinned plugin")
        .contains("redis-datasource@" + pinned)
        .contains("GF_PLUGINS_PREINSTALL_DISABLED")
        .containsIgnoringCase("offline");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void grafanaDataSourcesShouldLogInAsTheReadOnlyUsers(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    JsonNode datasources =
        Repo.YAML.valueToTree(
            readYaml(
                NetworkPolicyConnectionsTest.generated(all, "ConfigMap", "grafana-datasources")
                    .path("data")
                    .path("datasources.yaml")
                    .asText()));
    Map<String, String> env = env(all, container(all, "Deployment", "grafana"));
    int redisSources = 0;
    for (JsonNode ds : datasources.path("datasources")) {
      if (!"redis-datasource".equals(ds.path("type").asText())) {
        continue;
      }
      redisSources++;
      String id = ds.path("name").asText();
      assertThat(ds.path("jsonData").path("acl").asBoolean(false))
          .as(id + " uses an ACL user")
          .isTrue();
      assertThat(ds.path("jsonData").path("user").asText()).as(id).isEqualTo(READER);
      String password = ds.path("secureJsonData").path("password").asText();
      assertThat(password).as(id + ": password from the environment").matches("\\$\\{?[A-Z_]+}?");
      String variable = password.replaceAll("[${}]", "");
      String store = ds.path("url").asText().contains("valkey") ? "VALKEY" : "REDIS";
      JsonNode ref =
          findEnv(container(all, "Deployment", "grafana"), variable)
              .path("valueFrom")
              .path("secretKeyRef");
      assertThat(ref.path("key").asText())
          .as(id + " password")
          .isEqualTo(store + "_READER_PASSWORD");
      assertThat(env).containsKey(variable);
    }
    assertThat(redisSources).isEqualTo(2);
  }

  // --- 2. The ingress reads both stores
  // ---------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("overlays")
  void ingressShouldReadBothStoresAsTheReadOnlyUser(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    Map<String, String> env = env(all, container(all, "Deployment", "ingress"));
    // ingress.yml: weather.store.redis-url: ${REDIS_URL:...}, valkey-url: ${VALKEY_URL:...}
    String yml = Repo.read(Repo.path("ingress/src/main/resources/ingress.yml"));
    assertThat(yml).contains("${REDIS_URL:").contains("${VALKEY_URL:");
    for (String[] store : new String[][] {{"REDIS_URL", "redis"}, {"VALKEY_URL", "valkey"}}) {
      assertThat(env).as("ingress " + store[0]).containsKey(store[0]);
      URI uri = URI.create(env.get(store[0]));
      assertThat(uri.getHost()).isEqualTo(store[1]);
      assertThat(uri.getUserInfo()).as(store[0] + " user").startsWith(READER + ":");
    }
    Map<String, String> streams = env(all, container(all, "Deployment", "streams-app"));
    assertThat(URI.create(streams.get("REDIS_URL")).getUserInfo()).startsWith(WRITER + ":");
    Map<String, String> bridge = env(all, container(all, "Deployment", "rabbit-bridge"));
    assertThat(URI.create(bridge.get("VALKEY_URL")).getUserInfo()).startsWith(WRITER + ":");
  }

  /**
   * The bridge acknowledges a batch only once Valkey has fsynced it: local-aof, set explicitly so
   * that a Valkey without {@code appendfsync always} stops the start instead of {@code auto}
   * falling back to {@code none}.
   */
  @ParameterizedTest
  @MethodSource("overlays")
  void bridgeShouldRequireAnFsyncedAofFromAValkeyThatFsyncsEveryWrite(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    assertThat(Repo.read(Repo.path("rabbit-bridge/src/main/resources/bridge.yml")))
        .contains("durability: ${WEATHER_STORE_DURABILITY:");
    assertThat(env(all, container(all, "Deployment", "rabbit-bridge")))
        .containsEntry("WEATHER_STORE_DURABILITY", "local-aof");
    String conf = find(all, "ConfigMap", "valkey-config").path("data").path("valkey.conf").asText();
    assertThat(conf)
        .containsPattern("(?m)^appendonly yes$")
        .containsPattern("(?m)^appendfsync always$");
  }

  // --- 3. Kafka Streams state on its volume
  // -----------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("overlays")
  void streamsStateShouldLandInsideItsVolume(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    JsonNode c = container(all, "Deployment", "streams-app");
    Map<String, String> env = env(all, c);
    String stateDir;
    if (env.containsKey("SPRING_KAFKA_STREAMS_STATE_DIR")) {
      stateDir = env.get("SPRING_KAFKA_STREAMS_STATE_DIR");
    } else {
      Map<?, ?> yml =
          (Map<?, ?>) readYaml(Repo.read(Repo.path("streams-app/src/main/resources/streams.yml")));
      String configured =
          (String)
              ((Map<?, ?>)
                      ((Map<?, ?>) ((Map<?, ?>) yml.get("spring")).get("kafka")).get("streams"))
                  .get("state-dir");
      Matcher tmp =
          Pattern.compile("-Djava\\.io\\.tmpdir=(\\S+)")
              .matcher(env.getOrDefault("JAVA_TOOL_OPTIONS", ""));
      Map<String, String> values = new LinkedHashMap<>(env);
      values.put("java.io.tmpdir", tmp.find() ? tmp.group(1) : "/tmp");
      stateDir = resolve(configured, values);
    }
    String volume = null;
    String longest = "";
    for (JsonNode m : c.path("volumeMounts")) {
      String path = m.path("mountPath").asText();
      if ((stateDir.equals(path) || stateDir.startsWith(path + "/"))
          && path.length() > longest.length()) {
        longest = path;
        volume = m.path("name").asText();
      }
    }
    assertThat(volume)
        .as("state dir " + stateDir + " is on the volume streams-state")
        .isEqualTo("streams-state");
  }

  /** ${NAME:default} placeholders, nested defaults included. */
  static String resolve(String value, Map<String, String> values) {
    int start = value.indexOf("${");
    if (start < 0) {
      return value;
    }
    int depth = 0;
    int end = -1;
    for (int i = start; i < value.length(); i++) {
      if (value.startsWith("${", i)) {
        depth++;
        i++;
      } else if (value.charAt(i) == '}' && --depth == 0) {
        end = i;
        break;
      }
    }
    String inner = value.substring(start + 2, end);
    int colon = inner.indexOf(':');
    String key = colon < 0 ? inner : inner.substring(0, colon);
    String replacement =
        values.containsKey(key)
            ? values.get(key)
            : colon < 0 ? "" : resolve(inner.substring(colon + 1), values);
    return resolve(value.substring(0, start) + replacement + value.substring(end + 1), values);
  }

  // --- 5. Gateway liveness independent of the broker
  // --------------------------------------------------------

  @ParameterizedTest
  @MethodSource("overlays")
  void gatewayLivenessShouldNotFollowTheBroker(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    Map<?, ?> yml =
        (Map<?, ?>) readYaml(Repo.read(Repo.path("grpc-gateway/src/main/resources/gateway.yml")));
    Object groups =
        ((Map<?, ?>)
                ((Map<?, ?>) ((Map<?, ?>) yml.get("management")).get("endpoint")).get("health"))
            .get("group");
    Object livenessGroup = groups instanceof Map<?, ?> g ? g.get("liveness") : null;
    for (String gateway : List.of("gateway-kafka", "gateway-rabbit")) {
      JsonNode c = container(all, "Deployment", gateway);
      Map<String, String> env = env(all, c);
      String livenessInclude =
          env.getOrDefault(
              "MANAGEMENT_ENDPOINT_HEALTH_GROUP_LIVENESS_INCLUDE",
              livenessGroup == null ? "livenessState" : String.valueOf(livenessGroup));
      assertThat(livenessInclude).as(gateway + " liveness group").doesNotContain("broker");
      for (String probe : List.of("startupProbe", "livenessProbe")) {
        JsonNode p = c.path(probe);
        assertThat(p.has("grpc"))
            .as(gateway + " " + probe + ": the gRPC health status includes the broker")
            .isFalse();
        assertThat(p.path("httpGet").path("path").asText())
            .as(gateway + " " + probe)
            .isEqualTo("/actuator/health/liveness");
      }
    }
  }

  /**
   * No workload's liveness follows a broker or a store: the probe is the liveness group, and that
   * group holds only the liveness state, so an outage of Kafka, RabbitMQ, Redis or Valkey turns
   * readiness and health DOWN (with the reason) but restarts nothing. The gateways were the
   * exception this guards against.
   */
  @ParameterizedTest
  @MethodSource("overlays")
  void noWorkloadsLivenessShouldFollowABrokerOrAStore(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    Map<String, String> configOf =
        Map.of(
            "ingress",
            "ingress/src/main/resources/ingress.yml",
            "gateway-kafka",
            "grpc-gateway/src/main/resources/gateway.yml",
            "gateway-rabbit",
            "grpc-gateway/src/main/resources/gateway.yml",
            "streams-app",
            "streams-app/src/main/resources/streams.yml",
            "rabbit-bridge",
            "rabbit-bridge/src/main/resources/bridge.yml");
    configOf.forEach(
        (workload, config) -> {
          Map<?, ?> yml = (Map<?, ?>) readYaml(Repo.read(Repo.path(config)));
          Object group =
              path(yml, "management", "endpoint", "health", "group", "liveness", "include");
          JsonNode c = container(all, "Deployment", workload);
          String include =
              env(all, c)
                  .getOrDefault(
                      "MANAGEMENT_ENDPOINT_HEALTH_GROUP_LIVENESS_INCLUDE",
                      group == null ? "livenessState" : String.valueOf(group));
          assertThat(include).as(workload + " liveness group").isEqualTo("livenessState");
          assertThat(c.path("livenessProbe").path("httpGet").path("path").asText())
              .as(workload + " liveness probe")
              .isEqualTo("/actuator/health/liveness");
        });
  }

  /**
   * The ingress pings each gateway connection (HTTP/2 keepalive) so that a gateway whose node was
   * lost is noticed in seconds; a gRPC server that permits pings less often answers them with
   * GOAWAY "too_many_pings" and drops the connection. So every gateway permits what the ingress
   * sends, with and without calls in flight. {@code SilentGatewayTest} (ingress) shows the pings at
   * work.
   */
  @Test
  void theGatewaysShouldPermitTheIngresssKeepalivePings() {
    Map<?, ?> ingress =
        (Map<?, ?>) readYaml(Repo.read(Repo.path("ingress/src/main/resources/ingress.yml")));
    Map<?, ?> gateway =
        (Map<?, ?>) readYaml(Repo.read(Repo.path("grpc-gateway/src/main/resources/gateway.yml")));
    java.time.Duration permitTime =
        GrafanaAlertRulesTest.duration(
            String.valueOf(
                path(gateway, "spring", "grpc", "server", "keepalive", "permit", "time")));
    Object permitWithoutCalls =
        path(gateway, "spring", "grpc", "server", "keepalive", "permit", "without-calls");
    assertThat(permitTime).as("gateway keepalive.permit.time").isNotNull();
    for (String channel : List.of("kafka-gateway", "rabbit-gateway")) {
      Map<?, ?> keepalive =
          (Map<?, ?>) path(ingress, "spring", "grpc", "client", "channel", channel, "keepalive");
      assertThat(keepalive).as(channel + " keepalive").isNotNull();
      java.time.Duration time =
          GrafanaAlertRulesTest.duration(String.valueOf(keepalive.get("time")));
      assertThat(time).as(channel + " keepalive.time").isNotNull();
      assertThat(permitTime)
          .as("the gateway's permitted ping interval against the ingress's to " + channel)
          .isLessThanOrEqualTo(time);
      if (Boolean.TRUE.equals(keepalive.get("without-calls"))) {
        assertThat(permitWithoutCalls)
            .as("the gateway permits pings without calls, as the ingress sends them to " + channel)
            .isEqualTo(Boolean.TRUE);
      }
    }
  }

  private static Object path(Map<?, ?> yml, String... keys) {
    Object node = yml;
    for (String key : keys) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(key);
    }
    return node;
  }

  // --- 7. Autoscaling, traffic to every gateway replica
  // -----------------------------------------------------

  @ParameterizedTest
  @MethodSource("overlays")
  void gatewaysAndConsumersShouldScaleFromOneToThreeAtThirtyPercent(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    Set<String> targets = new TreeSet<>();
    for (ObjectNode hpa : ofKind(all, "HorizontalPodAutoscaler")) {
      JsonNode spec = hpa.path("spec");
      String target = spec.path("scaleTargetRef").path("name").asText();
      targets.add(target);
      assertThat(spec.path("minReplicas").asInt()).as(target).isEqualTo(1);
      assertThat(spec.path("maxReplicas").asInt()).as(target).isEqualTo(3);
      assertThat(spec.path("metrics"))
          .as(target)
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.path("resource").path("name").asText()).isEqualTo("cpu");
                assertThat(m.path("resource").path("target").path("averageUtilization").asInt())
                    .isEqualTo(30);
              });
    }
    assertThat(targets).containsExactlyInAnyOrderElementsOf(SCALED);
    assertThat(Repo.read(Repo.path("k8s/README.md")))
        .as("README: streams-app is bounded by the partitions")
        .containsPattern("(?is)streams-app.{0,300}partitions");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void theIngressShouldBalanceCallsOverEveryGatewayReplica(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    Map<String, String> env = env(all, container(all, "Deployment", "ingress"));
    String yml = Repo.read(Repo.path("ingress/src/main/resources/ingress.yml"));
    // Spring gRPC's default policy is round_robin; the ingress must not set another one.
    assertThat(yml).doesNotContain("load-balancing-policy");
    for (String[] g :
        new String[][] {
          {"KAFKA_GATEWAY_TARGET", "gateway-kafka"}, {"RABBIT_GATEWAY_TARGET", "gateway-rabbit"}
        }) {
      String target = env.get(g[0]);
      assertThat(target)
          .as(g[0] + ": DNS resolver, so the channel sees every pod address")
          .startsWith("dns:///");
      String host = target.substring("dns:///".length()).split(":")[0];
      ObjectNode svc = find(all, "Service", host);
      assertThat(svc.path("spec").path("clusterIP").asText())
          .as(host + " is headless")
          .isEqualTo("None");
      assertThat(
              KubernetesManifestsTest.matches(
                  svc.path("spec").path("selector"),
                  find(all, "Deployment", g[1])
                      .path("spec")
                      .path("template")
                      .path("metadata")
                      .path("labels")))
          .isTrue();
      // Clients re-resolve only when a connection ends: a bounded connection age brings new
      // replicas in.
      assertThat(env(all, container(all, "Deployment", g[1])))
          .as(g[1])
          .containsKey("SPRING_GRPC_SERVER_KEEPALIVE_CONNECTION_MAXAGE");
    }
  }

  // --- 8. CPU for the HPA
  // -----------------------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("overlays")
  void scaledDeploymentsShouldRequestEnoughCpuForTheHpaAndSeeTwoCpus(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    for (String d : SCALED) {
      JsonNode resources = container(all, "Deployment", d).path("resources");
      double request = cpu(resources.path("requests").path("cpu").asText());
      double limit = cpu(resources.path("limits").path("cpu").asText());
      assertThat(request)
          .as(d + " cpu request: 30 % of it must be more than JIT and GC at idle")
          .isGreaterThanOrEqualTo(0.5);
      assertThat(limit)
          .as(d + " cpu limit: the JVM sizes its GC and pools from it")
          .isGreaterThanOrEqualTo(2);
    }
  }

  static double cpu(String quantity) {
    return quantity.endsWith("m")
        ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000
        : Double.parseDouble(quantity);
  }

  // --- 9. Actuator on its own port, not routed
  // --------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("overlays")
  void actuatorShouldBeOnAManagementPortTheWebIngressDoesNotRoute(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    Set<Integer> routed = new TreeSet<>();
    for (JsonNode rule : find(all, "Ingress", "weather-tweets").path("spec").path("rules")) {
      for (JsonNode p : rule.path("http").path("paths")) {
        JsonNode backend = p.path("backend").path("service");
        ObjectNode svc = find(all, "Service", backend.path("name").asText());
        JsonNode c = container(all, "Deployment", backend.path("name").asText());
        for (JsonNode sp : svc.path("spec").path("ports")) {
          if (sp.path("name").asText().equals(backend.path("port").path("name").asText())) {
            for (JsonNode cp : c.path("ports")) {
              if (cp.path("name").asText().equals(sp.path("targetPort").asText())) {
                routed.add(cp.path("containerPort").asInt());
              }
            }
          }
        }
      }
    }
    assertThat(routed).isNotEmpty();
    for (String service : Repo.SERVICES) {
      ObjectNode d = find(all, "Deployment", service);
      int management = NetworkPolicyConnectionsTest.managementPort(d);
      JsonNode c = container(all, "Deployment", service);
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        JsonNode http = c.path(probe).path("httpGet");
        if (http.isObject()) {
          assertThat(port(c, http.path("port"))).as(service + " " + probe).isEqualTo(management);
        }
      }
      assertThat(
              d.path("spec")
                  .path("template")
                  .path("metadata")
                  .path("annotations")
                  .path("prometheus.io/port")
                  .asText())
          .as(service + " scrape port")
          .isEqualTo(String.valueOf(management));
      if ("ingress".equals(service)) {
        assertThat(env(all, c).get("MANAGEMENT_SERVER_PORT")).isEqualTo(String.valueOf(management));
        assertThat(routed).as("ingress management port is routed").doesNotContain(management);
        ObjectNode svc = find(all, "Service", "ingress");
        assertThat(svc.path("spec").path("ports"))
            .as("the Service the web Ingress uses exposes no actuator")
            .noneMatch(sp -> port(c, sp.path("targetPort")) == management);
      }
    }
  }

  static int port(JsonNode container, JsonNode ref) {
    if (ref.isInt()) {
      return ref.asInt();
    }
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(ref.asText())) {
        return p.path("containerPort").asInt();
      }
    }
    return -1;
  }

  // --- 11. TLS, Pod Security
  // ------------------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("overlays")
  void webIngressShouldServeEveryHostOverTls(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    ObjectNode ingress = find(all, "Ingress", "weather-tweets");
    Set<String> hosts = new TreeSet<>();
    ingress.path("spec").path("rules").forEach(r -> hosts.add(r.path("host").asText()));
    Set<String> tlsHosts = new TreeSet<>();
    for (JsonNode tls : ingress.path("spec").path("tls")) {
      assertThat(tls.path("secretName").asText()).isNotBlank();
      tls.path("hosts").forEach(h -> tlsHosts.add(h.asText()));
    }
    assertThat(tlsHosts).as("hosts served with TLS").containsAll(hosts);
    assertThat(
            ingress
                .path("metadata")
                .path("annotations")
                .path("nginx.ingress.kubernetes.io/force-ssl-redirect")
                .asText())
        .isEqualTo("true");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void namespaceShouldEnforcePodSecurityStandards(String overlay) {
    JsonNode labels =
        find(
                KubernetesManifestsTest.render(overlay),
                "Namespace",
                KubernetesManifestsTest.NAMESPACE)
            .path("metadata")
            .path("labels");
    assertThat(labels.path("pod-security.kubernetes.io/enforce").asText())
        .isIn("baseline", "restricted");
    assertThat(labels.path("pod-security.kubernetes.io/warn").asText()).isEqualTo("restricted");
    assertThat(labels.path("pod-security.kubernetes.io/audit").asText()).isEqualTo("restricted");
  }

  // --- 6. Strimzi operator version
  // ----------------------------------------------------------------------------

  @Test
  void readmeShouldPinTheStrimziOperatorTheResourcesAreValidatedAgainst() {
    String readme = Repo.read(Repo.path("k8s/README.md"));
    Matcher version =
        Pattern.compile("<strimzi\\.version>([^<]+)</strimzi\\.version>")
            .matcher(Repo.read(Repo.path("pom.xml")));
    assertThat(version.find()).isTrue();
    assertThat(readme)
        .doesNotContain("install/latest")
        .contains("0.49")
        .contains(
            "https://github.com/strimzi/strimzi-kafka-operator/releases/download/"
                + version.group(1)
                + "/strimzi-cluster-operator-"
                + version.group(1)
                + ".yaml");
  }

  // --- Smaller
  // ------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("overlays")
  void storesShouldRefuseWritesBeforeTheContainerLimit(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    for (String store : List.of("redis", "valkey")) {
      String conf =
          find(all, "ConfigMap", store + "-config").path("data").path(store + ".conf").asText();
      Matcher max = Pattern.compile("(?m)^maxmemory (\\d+)mb$").matcher(conf);
      assertThat(max.find()).as(store + " maxmemory").isTrue();
      assertThat(conf).containsPattern("(?m)^maxmemory-policy noeviction$");
      String limit =
          container(all, "StatefulSet", store)
              .path("resources")
              .path("limits")
              .path("memory")
              .asText();
      assertThat(limit).endsWith("Mi");
      int limitMi = Integer.parseInt(limit.replace("Mi", ""));
      // Room for the AOF rewrite's copy-on-write and the replication buffers.
      assertThat(Integer.parseInt(max.group(1))).as(store).isLessThanOrEqualTo(limitMi * 3 / 4);
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void disruptionBudgetsShouldOnlyCoverWorkloadsThatCanLoseAPod(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    Map<String, Integer> maxReplicas = new LinkedHashMap<>();
    for (ObjectNode w : all) {
      if (Set.of("Deployment", "StatefulSet").contains(w.path("kind").asText())) {
        maxReplicas.put(name(w), w.path("spec").path("replicas").asInt(1));
      }
    }
    ofKind(all, "HorizontalPodAutoscaler")
        .forEach(
            h ->
                maxReplicas.merge(
                    h.path("spec").path("scaleTargetRef").path("name").asText(),
                    h.path("spec").path("maxReplicas").asInt(),
                    Math::max));
    for (ObjectNode pdb : ofKind(all, "PodDisruptionBudget")) {
      List<String> covered =
          maxReplicas.keySet().stream()
              .filter(
                  w ->
                      KubernetesManifestsTest.matches(
                          pdb.path("spec").path("selector").path("matchLabels"),
                          find(all, findKind(all, w), w)
                              .path("spec")
                              .path("template")
                              .path("metadata")
                              .path("labels")))
              .toList();
      assertThat(covered)
          .as("PDB " + name(pdb))
          .isNotEmpty()
          .allSatisfy(
              w ->
                  assertThat(maxReplicas.get(w))
                      .as("PDB " + name(pdb) + " on a single-pod " + w)
                      .isGreaterThan(1));
    }
  }

  private static String findKind(List<ObjectNode> all, String workload) {
    return all.stream()
        .filter(
            r ->
                Set.of("Deployment", "StatefulSet").contains(r.path("kind").asText())
                    && workload.equals(name(r)))
        .findFirst()
        .orElseThrow()
        .path("kind")
        .asText();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void ownImagesShouldBePulledFromAnAuthenticatedRegistryWithoutStaleTags(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    for (String service : Repo.SERVICES) {
      JsonNode pod = pod(all, "Deployment", service);
      JsonNode c = pod.path("containers").get(0);
      String image = c.path("image").asText();
      boolean mutable = image.endsWith("-SNAPSHOT") || image.endsWith(":latest");
      if (mutable) {
        assertThat(c.path("imagePullPolicy").asText())
            .as(service + ": " + image + " is a moving tag")
            .isEqualTo("Always");
      } else {
        assertThat(image)
            .as(service + ": release tag or digest")
            .matches(".*(:[\\w.-]+|@sha256:[0-9a-f]{64})");
      }
      ObjectNode sa = find(all, "ServiceAccount", pod.path("serviceAccountName").asText());
      assertThat(sa.path("imagePullSecrets")).as(service + " service account").isNotEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void dnsShouldBeAllowedToNodeLocalDnsCache(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    NetworkPolicies policies = new NetworkPolicies(KubernetesManifestsTest.NAMESPACE, all);
    for (var pod : NetworkPolicyConnectionsTest.pods(all).entrySet()) {
      if (pod.getValue().namespace().equals(KubernetesManifestsTest.NAMESPACE)) {
        assertThat(
                policies.egressAllowed(
                    pod.getValue(), NetworkPolicyConnectionsTest.NODE_LOCAL_DNS, 53, "UDP"))
            .as(pod.getKey())
            .isTrue();
      }
    }
  }

  static Object readYaml(String text) {
    try {
      return Repo.YAML.readValue(text, Object.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode findEnv(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (name.equals(e.path("name").asText())) {
        return e;
      }
    }
    throw new AssertionError("no env " + name);
  }
}
