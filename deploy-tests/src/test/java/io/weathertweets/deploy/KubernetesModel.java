package io.weathertweets.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds manifests to the fabric8 Kubernetes model. fabric8 keeps unknown fields in an {@code
 * additionalProperties} map instead of failing, so {@link #unknownFields} walks the bound object
 * and reports every non-empty one: a misspelt field is an error here, not silently pruned by the
 * server.
 */
final class KubernetesModel {
  /** apiVersion + kind this project uses → model class. */
  static final Map<String, Class<?>> TYPES =
      Map.ofEntries(
          Map.entry("v1/Namespace", Namespace.class),
          Map.entry("v1/ConfigMap", ConfigMap.class),
          Map.entry("v1/Secret", Secret.class),
          Map.entry("v1/Service", Service.class),
          Map.entry("v1/ServiceAccount", ServiceAccount.class),
          Map.entry("apps/v1/Deployment", Deployment.class),
          Map.entry("apps/v1/StatefulSet", StatefulSet.class),
          Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
          Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
          Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
          Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
          Map.entry("rbac.authorization.k8s.io/v1/Role", Role.class),
          Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class));

  private KubernetesModel() {}

  static <T> T toTyped(JsonNode node, Class<T> type) {
    try {
      return Repo.JSON.treeToValue(node, type);
    } catch (Exception e) {
      throw new AssertionError(
          "does not bind to " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  static Object toTyped(JsonNode resource) {
    String key = resource.path("apiVersion").asText() + "/" + resource.path("kind").asText();
    Class<?> type = TYPES.get(key);
    if (type == null) {
      throw new AssertionError(
          key
              + " "
              + resource.path("metadata").path("name").asText()
              + " is not a kind this project expects (typo in apiVersion/kind?)");
    }
    return toTyped(resource, type);
  }

  static List<String> unknownFields(Object typed, String path) {
    List<String> out = new ArrayList<>();
    walk(typed, path, out, new IdentityHashMap<>());
    return out;
  }

  private static void walk(
      Object o, String path, List<String> out, IdentityHashMap<Object, Boolean> seen) {
    if (o == null || seen.put(o, true) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object item : c) {
        walk(item, path + "[" + i++ + "]", out, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path + "." + k, out, seen));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : o.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      try {
        Object value = getter.invoke(o);
        if ("getAdditionalProperties".equals(getter.getName())) {
          if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
            out.add(path + ": unknown field(s) " + extra.keySet());
          }
        } else {
          String name =
              Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
          walk(value, path + "." + name, out, seen);
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + getter, e);
      }
    }
  }
}
