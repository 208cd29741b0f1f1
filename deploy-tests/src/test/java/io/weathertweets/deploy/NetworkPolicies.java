package io.weathertweets.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * Evaluates rendered NetworkPolicies the way a policy-enforcing CNI does: a connection is allowed
 * when the source's egress and the destination's ingress both allow it. A pod no policy of its
 * direction selects is unrestricted in that direction; a selected pod is allowed only what a rule
 * of a selecting policy allows (peers by podSelector within the policy's namespace,
 * namespaceSelector, both, or ipBlock; ports by number and protocol; an absent peer or port list
 * means any).
 *
 * <p>Pods outside the rendered namespace (the NGINX controller, kube-dns) and addresses outside the
 * cluster (the internet, the API server, NodeLocal DNS) are {@link Peer}s too; only the rendered
 * policies apply, so their own namespaces are assumed unrestricted. Strimzi writes the ingress
 * policies of the Kafka pods itself (from the listeners), so ingress into a Strimzi pod is not
 * judged here, only the egress to it.
 */
final class NetworkPolicies {
  /** A pod (namespace + labels) or an address outside the cluster (ip). */
  record Peer(String namespace, Map<String, String> labels, String ip) {
    static Peer pod(String namespace, Map<String, String> labels) {
      return new Peer(namespace, labels, null);
    }

    static Peer external(String ip) {
      return new Peer(null, Map.of(), ip);
    }

    boolean isPod() {
      return ip == null;
    }
  }

  private final String namespace;
  private final List<ObjectNode> policies;

  NetworkPolicies(String namespace, List<ObjectNode> rendered) {
    this.namespace = namespace;
    this.policies =
        rendered.stream().filter(r -> "NetworkPolicy".equals(r.path("kind").asText())).toList();
  }

  boolean allowed(Peer from, Peer to, int port, String protocol) {
    return egressAllowed(from, to, port, protocol) && ingressAllowed(from, to, port, protocol);
  }

  boolean egressAllowed(Peer from, Peer to, int port, String protocol) {
    return allowedBy(from, to, port, protocol, "Egress", "egress", "to");
  }

  boolean ingressAllowed(Peer from, Peer to, int port, String protocol) {
    if (to.isPod() && to.labels().containsKey("strimzi.io/cluster")) {
      return true;
    }
    return allowedBy(to, from, port, protocol, "Ingress", "ingress", "from");
  }

  private boolean allowedBy(
      Peer subject,
      Peer other,
      int port,
      String protocol,
      String type,
      String rulesField,
      String peersField) {
    if (!subject.isPod() || !namespace.equals(subject.namespace())) {
      return true;
    }
    boolean selected = false;
    for (ObjectNode p : policies) {
      JsonNode spec = p.path("spec");
      if (!selects(spec.path("podSelector"), subject.labels()) || !hasType(spec, type)) {
        continue;
      }
      selected = true;
      for (JsonNode rule : spec.path(rulesField)) {
        if (peerMatches(rule.path(peersField), other)
            && portMatches(rule.path("ports"), port, protocol)) {
          return true;
        }
      }
    }
    return !selected;
  }

  private static boolean hasType(JsonNode spec, String type) {
    JsonNode types = spec.path("policyTypes");
    if (types.isMissingNode() || types.isEmpty()) {
      // The API server's default: Ingress always, Egress when there are egress rules.
      return "Ingress".equals(type) || spec.has("egress");
    }
    for (JsonNode t : types) {
      if (type.equals(t.asText())) {
        return true;
      }
    }
    return false;
  }

  private boolean peerMatches(JsonNode peers, Peer other) {
    if (peers.isMissingNode() || peers.isNull() || peers.isEmpty()) {
      return true;
    }
    for (JsonNode peer : peers) {
      if (peer.has("ipBlock")) {
        if (!other.isPod() && inBlock(other.ip(), peer.path("ipBlock"))) {
          return true;
        }
        continue;
      }
      if (!other.isPod()) {
        continue;
      }
      boolean namespaceOk =
          peer.has("namespaceSelector")
              ? selects(
                  peer.path("namespaceSelector"),
                  Map.of("kubernetes.io/metadata.name", other.namespace()))
              : namespace.equals(other.namespace());
      boolean podOk = !peer.has("podSelector") || selects(peer.path("podSelector"), other.labels());
      if (namespaceOk && podOk) {
        return true;
      }
    }
    return false;
  }

  private static boolean portMatches(JsonNode ports, int port, String protocol) {
    if (ports.isMissingNode() || ports.isNull() || ports.isEmpty()) {
      return true;
    }
    for (JsonNode p : ports) {
      String proto = p.path("protocol").asText("TCP");
      if (!proto.equals(protocol)) {
        continue;
      }
      if (!p.has("port")) {
        return true;
      }
      if (!p.path("port").isInt()) {
        throw new IllegalStateException(
            "named port " + p.path("port") + ": use numbers in policies");
      }
      int from = p.path("port").asInt();
      int to = p.path("endPort").asInt(from);
      if (port >= from && port <= to) {
        return true;
      }
    }
    return false;
  }

  /**
   * matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist); an empty selector selects
   * all.
   */
  static boolean selects(JsonNode selector, Map<String, String> labels) {
    if (selector.isMissingNode() || selector.isNull()) {
      return false;
    }
    for (var it = selector.path("matchLabels").properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (JsonNode expr : selector.path("matchExpressions")) {
      String key = expr.path("key").asText();
      List<String> values =
          Repo.JSON.convertValue(
              expr.path("values"),
              Repo.JSON.getTypeFactory().constructCollectionType(List.class, String.class));
      boolean ok =
          switch (expr.path("operator").asText()) {
            case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
            case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
            case "Exists" -> labels.containsKey(key);
            case "DoesNotExist" -> !labels.containsKey(key);
            default -> throw new IllegalStateException("operator " + expr.path("operator"));
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean inBlock(String ip, JsonNode block) {
    if (!inCidr(ip, block.path("cidr").asText())) {
      return false;
    }
    for (JsonNode except : block.path("except")) {
      if (inCidr(ip, except.asText())) {
        return false;
      }
    }
    return true;
  }

  static boolean inCidr(String ip, String cidr) {
    try {
      String[] parts = cidr.split("/");
      byte[] address = InetAddress.getByName(ip).getAddress();
      byte[] network = InetAddress.getByName(parts[0]).getAddress();
      if (address.length != network.length) {
        return false;
      }
      int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : address.length * 8;
      int shift = address.length * 8 - bits;
      BigInteger a = new BigInteger(1, address).shiftRight(shift);
      BigInteger n = new BigInteger(1, network).shiftRight(shift);
      return a.equals(n);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(cidr, e);
    }
  }
}
