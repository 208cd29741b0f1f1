package io.weathertweets.deploy;

import static io.weathertweets.deploy.StrimziResourcesTest.find;
import static io.weathertweets.deploy.StrimziResourcesTest.name;
import static io.weathertweets.deploy.StrimziResourcesTest.ofKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weathertweets.deploy.NetworkPolicies.Peer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every connection a workload of the rendered overlays opens is allowed by the rendered
 * NetworkPolicies, evaluated as a CNI would ({@link NetworkPolicies}), and connections nothing
 * needs are not. The connections are read from the manifests: each service's URLs and targets (env
 * values, ConfigMap and Secret references resolved), through the Service they name to the pods and
 * container port behind it; Prometheus' scrape annotations; DNS.
 */
class NetworkPolicyConnectionsTest {
  private static final String NS = KubernetesManifestsTest.NAMESPACE;

  /**
   * host:port in URLs and gRPC targets (redis://user:pw@redis:6379,
   * dns:///gateway-kafka-headless:9090, a:1).
   */
  static final Pattern HOST_PORT =
      Pattern.compile("(?:^|@|//|/)([a-z0-9][a-z0-9.-]*):(\\d+)(?=$|[/?,\\s])");

  static final Peer NGINX =
      Peer.pod("ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"));
  static final Peer KUBE_DNS = Peer.pod("kube-system", Map.of("k8s-app", "kube-dns"));

  /** GKE's NodeLocal DNSCache (and the usual node-local-dns address elsewhere). */
  static final Peer NODE_LOCAL_DNS = Peer.external("169.254.20.10");

  static final Peer INTERNET = Peer.external("34.120.177.193");
  static final Peer API_SERVER = Peer.external("10.0.0.1");

  static Stream<Arguments> overlays() {
    return Stream.of(Arguments.of("dev"), Arguments.of("gke"));
  }

  record Connection(String from, Peer source, String to, Peer target, int port, String protocol) {
    @Override
    public String toString() {
      return from + " -> " + to + ":" + port + "/" + protocol;
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyConnectionTheWorkloadsOpenShouldBeAllowed(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    NetworkPolicies policies = new NetworkPolicies(NS, all);
    List<Connection> needed = neededConnections(all);
    assertThat(needed)
        .extracting(Connection::toString)
        .contains(
            "ingress -> redis:6379/TCP",
            "ingress -> valkey:6379/TCP",
            "ingress -> gateway-kafka:9090/TCP",
            "ingress -> gateway-rabbit:9090/TCP",
            "streams-app -> redis:6379/TCP",
            "rabbit-bridge -> valkey:6379/TCP",
            "gateway-kafka -> kafka-broker:9093/TCP",
            "gateway-rabbit -> rabbitmq:5672/TCP",
            "grafana -> redis:6379/TCP",
            "grafana -> valkey:6379/TCP",
            "grafana -> prometheus:9090/TCP",
            "grafana -> grafana.com:443/TCP",
            "nginx -> ingress:8080/TCP",
            "nginx -> grafana:3000/TCP",
            "ingress -> node-local-dns:53/UDP",
            "ingress -> kube-dns:53/UDP");
    List<String> denied = new ArrayList<>();
    for (Connection c : needed) {
      if (!policies.allowed(c.source(), c.target(), c.port(), c.protocol())) {
        denied.add(c.toString());
      }
    }
    assertThat(denied).as("connections the policies block").isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void nothingElseShouldBeAllowed(String overlay) {
    List<ObjectNode> all = KubernetesManifestsTest.render(overlay);
    NetworkPolicies policies = new NetworkPolicies(NS, all);
    Map<String, Peer> pods = pods(all);
    List<String> allowed = new ArrayList<>();
    // Stores and brokers never call out of the cluster; only Grafana (plugin) and Prometheus (API
    // server) may.
    for (String name :
        List.of(
            "redis",
            "valkey",
            "rabbitmq",
            "ingress",
            "gateway-kafka",
            "gateway-rabbit",
            "streams-app",
            "rabbit-bridge",
            "kafka-broker",
            "kafka-controller")) {
      for (int port : List.of(80, 443, 6443)) {
        if (policies.egressAllowed(pods.get(name), INTERNET, port, "TCP")) {
          allowed.add(name + " -> internet:" + port);
        }
      }
    }
    for (int port : List.of(80, 8080)) {
      if (policies.egressAllowed(pods.get("prometheus"), INTERNET, port, "TCP")) {
        allowed.add("prometheus -> internet:" + port);
      }
    }
    // The NGINX controller reaches the public ports only: not the actuator, not the stores.
    int managementPort = managementPort(find(all, "Deployment", "ingress"));
    for (var target :
        Map.of(
                "ingress",
                managementPort,
                "redis",
                6379,
                "valkey",
                6379,
                "prometheus",
                9090,
                "rabbitmq",
                15672)
            .entrySet()) {
      if (policies.allowed(NGINX, pods.get(target.getKey()), target.getValue(), "TCP")) {
        allowed.add("nginx -> " + target.getKey() + ":" + target.getValue());
      }
    }
    // Writers reach only their own store; Grafana reads stores, it is not a replica.
    for (String[] c :
        new String[][] {
          {"streams-app", "valkey"},
          {"rabbit-bridge", "redis"},
          {"gateway-kafka", "redis"},
          {"gateway-rabbit", "valkey"},
          {"grafana", "rabbitmq"}
        }) {
      int port = "rabbitmq".equals(c[1]) ? 5672 : 6379;
      if (policies.allowed(pods.get(c[0]), pods.get(c[1]), port, "TCP")) {
        allowed.add(c[0] + " -> " + c[1] + ":" + port);
      }
    }
    assertThat(allowed).as("connections nothing needs").isEmpty();
  }

  /**
   * The pods of the rendered workloads by name, plus the Strimzi-managed ones and the NGINX
   * controller.
   */
  static Map<String, Peer> pods(List<ObjectNode> all) {
    Map<String, Peer> pods = new LinkedHashMap<>();
    for (ObjectNode w : all) {
      if (Set.of("Deployment", "StatefulSet").contains(w.path("kind").asText())) {
        pods.put(
            name(w),
            Peer.pod(NS, labels(w.path("spec").path("template").path("metadata").path("labels"))));
      }
    }
    String cluster = name(find(all, "Kafka", "weather-kafka"));
    pods.put(
        "kafka-broker",
        Peer.pod(
            NS,
            Map.of(
                "strimzi.io/cluster",
                cluster,
                "strimzi.io/kind",
                "Kafka",
                "strimzi.io/name",
                cluster + "-kafka",
                "strimzi.io/broker-role",
                "true")));
    pods.put(
        "kafka-controller",
        Peer.pod(
            NS,
            Map.of(
                "strimzi.io/cluster",
                cluster,
                "strimzi.io/kind",
                "Kafka",
                "strimzi.io/name",
                cluster + "-kafka",
                "strimzi.io/controller-role",
                "true")));
    pods.put(
        "kafka-entity-operator",
        Peer.pod(
            NS,
            Map.of(
                "strimzi.io/cluster",
                cluster,
                "strimzi.io/kind",
                "Kafka",
                "strimzi.io/name",
                cluster + "-entity-operator")));
    pods.put("nginx", NGINX);
    return pods;
  }

  static Map<String, String> labels(JsonNode labels) {
    Map<String, String> out = new LinkedHashMap<>();
    labels.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  static List<Connection> neededConnections(List<ObjectNode> all) {
    Map<String, Peer> pods = pods(all);
    List<Connection> out = new ArrayList<>();
    for (String service : Repo.SERVICES) {
      ObjectNode d = find(all, "Deployment", service);
      for (String value : envValues(all, d)) {
        Matcher m = HOST_PORT.matcher(value);
        while (m.find()) {
          out.add(toService(all, pods, service, m.group(1), Integer.parseInt(m.group(2))));
        }
      }
    }
    // Grafana's data sources.
    String datasources =
        generated(all, "ConfigMap", "grafana-datasources")
            .path("data")
            .path("datasources.yaml")
            .asText();
    Matcher m = HOST_PORT.matcher(datasources);
    while (m.find()) {
      out.add(toService(all, pods, "grafana", m.group(1), Integer.parseInt(m.group(2))));
    }
    // Grafana installs its plugin from grafana.com unless it is baked into the image.
    if (envValues(all, find(all, "Deployment", "grafana")).stream()
        .anyMatch(v -> v.contains("redis-datasource"))) {
      out.add(new Connection("grafana", pods.get("grafana"), "grafana.com", INTERNET, 443, "TCP"));
    }
    // Replication between the store pods, clustering between the RabbitMQ nodes.
    out.add(new Connection("redis", pods.get("redis"), "redis", pods.get("redis"), 6379, "TCP"));
    out.add(
        new Connection("valkey", pods.get("valkey"), "valkey", pods.get("valkey"), 6379, "TCP"));
    for (int port : List.of(4369, 25672)) {
      out.add(
          new Connection(
              "rabbitmq", pods.get("rabbitmq"), "rabbitmq", pods.get("rabbitmq"), port, "TCP"));
    }
    // The web Ingress' backends, from the NGINX controller.
    for (JsonNode rule : find(all, "Ingress", "weather-tweets").path("spec").path("rules")) {
      for (JsonNode p : rule.path("http").path("paths")) {
        JsonNode backend = p.path("backend").path("service");
        ObjectNode svc = find(all, "Service", backend.path("name").asText());
        for (JsonNode sp : svc.path("spec").path("ports")) {
          if (sp.path("name").asText().equals(backend.path("port").path("name").asText())) {
            out.add(toService(all, pods, "nginx", name(svc), sp.path("port").asInt()));
          }
        }
      }
    }
    // Prometheus scrapes every annotated pod on the annotated port, and discovers pods through the
    // API server.
    for (ObjectNode w : all) {
      JsonNode annotations = w.path("spec").path("template").path("metadata").path("annotations");
      if ("true".equals(annotations.path("prometheus.io/scrape").asText())) {
        out.add(
            new Connection(
                "prometheus",
                pods.get("prometheus"),
                name(w),
                pods.get(name(w)),
                annotations.path("prometheus.io/port").asInt(),
                "TCP"));
      }
    }
    out.add(
        new Connection("prometheus", pods.get("prometheus"), "api-server", API_SERVER, 443, "TCP"));
    // Kafka: brokers and controllers among themselves; the entity operator to the brokers and the
    // API server.
    for (String a : List.of("kafka-broker", "kafka-controller")) {
      for (String b : List.of("kafka-broker", "kafka-controller")) {
        for (int port : List.of(9090, 9091)) {
          out.add(new Connection(a, pods.get(a), b, pods.get(b), port, "TCP"));
        }
      }
    }
    out.add(
        new Connection(
            "kafka-entity-operator",
            pods.get("kafka-entity-operator"),
            "kafka-broker",
            pods.get("kafka-broker"),
            9091,
            "TCP"));
    out.add(
        new Connection(
            "kafka-entity-operator",
            pods.get("kafka-entity-operator"),
            "api-server",
            API_SERVER,
            443,
            "TCP"));
    // Every pod resolves names: cluster DNS, or NodeLocal DNSCache where the node runs it.
    for (var pod : pods.entrySet()) {
      if (!NS.equals(pod.getValue().namespace())) {
        continue;
      }
      for (String protocol : List.of("UDP", "TCP")) {
        out.add(new Connection(pod.getKey(), pod.getValue(), "kube-dns", KUBE_DNS, 53, protocol));
        out.add(
            new Connection(
                pod.getKey(), pod.getValue(), "node-local-dns", NODE_LOCAL_DNS, 53, protocol));
      }
    }
    return out;
  }

  /**
   * host:port of a Service name (or a pod's DNS name under a headless Service) → its pods and
   * container port.
   */
  static Connection toService(
      List<ObjectNode> all, Map<String, Peer> pods, String from, String host, int port) {
    String serviceName = host.contains(".") ? host.substring(host.indexOf('.') + 1) : host;
    if (serviceName.startsWith("weather-kafka-kafka-")) {
      return new Connection(
          from, pods.get(from), "kafka-broker", pods.get("kafka-broker"), port, "TCP");
    }
    ObjectNode svc = find(all, "Service", serviceName);
    JsonNode selector = svc.path("spec").path("selector");
    for (ObjectNode w : all) {
      if (!Set.of("Deployment", "StatefulSet").contains(w.path("kind").asText())
          || !KubernetesManifestsTest.matches(
              selector, w.path("spec").path("template").path("metadata").path("labels"))) {
        continue;
      }
      for (JsonNode sp : svc.path("spec").path("ports")) {
        if (sp.path("port").asInt() != port) {
          continue;
        }
        JsonNode target = sp.path("targetPort");
        int containerPort = target.isMissingNode() ? port : target.isInt() ? target.asInt() : -1;
        for (JsonNode c : w.path("spec").path("template").path("spec").path("containers")) {
          for (JsonNode cp : c.path("ports")) {
            if (cp.path("name").asText().equals(target.asText())) {
              containerPort = cp.path("containerPort").asInt();
            }
          }
        }
        return new Connection(
            from,
            pods.get(from),
            name(w),
            pods.get(name(w)),
            containerPort,
            sp.path("protocol").asText("TCP"));
      }
      throw new AssertionError(from + ": Service " + serviceName + " has no port " + port);
    }
    throw new AssertionError(from + ": Service " + serviceName + " selects no workload");
  }

  /**
   * The values of every env var of the pod's first container, references resolved from the render.
   */
  static List<String> envValues(List<ObjectNode> all, ObjectNode workload) {
    List<String> values = new ArrayList<>();
    JsonNode c = workload.path("spec").path("template").path("spec").path("containers").get(0);
    for (JsonNode e : c.path("env")) {
      values.add(envValue(all, e));
    }
    return values;
  }

  static String envValue(List<ObjectNode> all, JsonNode e) {
    if (e.has("value")) {
      return e.path("value").asText();
    }
    JsonNode cm = e.path("valueFrom").path("configMapKeyRef");
    if (cm.isObject()) {
      return find(all, "ConfigMap", cm.path("name").asText())
          .path("data")
          .path(cm.path("key").asText())
          .asText();
    }
    JsonNode sk = e.path("valueFrom").path("secretKeyRef");
    if (sk.isObject()) {
      for (ObjectNode s : ofKind(all, "Secret")) {
        if (name(s).equals(sk.path("name").asText())) {
          return new String(
              Base64.getMimeDecoder().decode(s.path("data").path(sk.path("key").asText()).asText()),
              StandardCharsets.UTF_8);
        }
      }
      // A Strimzi-generated Secret (KafkaUser, cluster CA): no host in it.
      return "";
    }
    return "";
  }

  /** A ConfigMap or Secret of a kustomize generator (name + content hash). */
  static ObjectNode generated(List<ObjectNode> all, String kind, String generator) {
    return ofKind(all, kind).stream()
        .filter(r -> Kustomize.isGenerated(name(r), generator))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no generated " + kind + " " + generator));
  }

  static int managementPort(ObjectNode deployment) {
    JsonNode c = deployment.path("spec").path("template").path("spec").path("containers").get(0);
    JsonNode port = c.path("livenessProbe").path("httpGet").path("port");
    if (port.isInt()) {
      return port.asInt();
    }
    Set<String> names = new TreeSet<>();
    for (JsonNode cp : c.path("ports")) {
      names.add(cp.path("name").asText());
      if (cp.path("name").asText().equals(port.asText())) {
        return cp.path("containerPort").asInt();
      }
    }
    throw new AssertionError(name(deployment) + ": liveness port " + port + " not among " + names);
  }
}
