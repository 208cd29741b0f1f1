package io.weathertweets.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subset of {@code kustomize build} these manifests use: resources (files and directories),
 * namespace, labels, images, strategic-merge patches (including {@code $patch: delete}) and
 * config map / secret generators. There is no kustomize binary or Java port to run here, so this
 * renderer fails on every kustomization field it does not implement rather than ignoring it.
 *
 * <p>Differences from kustomize, on purpose: generated names get no hash suffix (so references need no
 * rewriting; kustomize rewrites them consistently), and a generator file that is missing is read from
 * its committed {@code .example} twin, because the real ones are never in git.
 */
final class Kustomize {
  private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "namespace", "labels", "resources",
      "images", "patches", "configMapGenerator", "secretGenerator");
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
      "CustomResourceDefinition", "StorageClass", "PersistentVolume");

  /** Generator inputs that were read from their .example twin (the real file is not in git). */
  final List<Path> examplesUsed = new ArrayList<>();

  List<ObjectNode> build(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no kustomization.yaml in " + dir);
    }
    ObjectNode k = Repo.readDocuments(file).getFirst();
    for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!SUPPORTED.contains(field)) {
        throw new IllegalArgumentException(file + ": field '" + field + "' is not supported by this renderer");
      }
    }
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode r : k.path("resources")) {
      Path p = dir.resolve(r.asText()).normalize();
      if (Files.isDirectory(p)) {
        out.addAll(build(p));
      } else if (Files.isRegularFile(p)) {
        out.addAll(Repo.readDocuments(p));
      } else {
        throw new IllegalArgumentException(file + ": resource " + r.asText() + " does not exist");
      }
    }
    generate(dir, k.path("configMapGenerator"), "ConfigMap", false, out);
    generate(dir, k.path("secretGenerator"), "Secret", true, out);
    for (JsonNode patch : k.path("patches")) {
      if (patch.has("target") || patch.has("patch") || !patch.has("path")) {
        throw new IllegalArgumentException(file + ": only 'patches: - path:' (strategic merge) is supported");
      }
      Path p = dir.resolve(patch.path("path").asText());
      for (ObjectNode doc : Repo.readDocuments(p)) {
        applyPatch(out, doc, p);
      }
    }
    if (k.has("namespace")) {
      String ns = k.path("namespace").asText();
      for (ObjectNode o : out) {
        if (!CLUSTER_SCOPED.contains(o.path("kind").asText())) {
          ((ObjectNode) o.path("metadata")).put("namespace", ns);
        }
        if (o.path("kind").asText().endsWith("RoleBinding")) {
          for (JsonNode s : o.path("subjects")) {
            if ("ServiceAccount".equals(s.path("kind").asText())) {
              ((ObjectNode) s).put("namespace", ns);
            }
          }
        }
      }
    }
    for (JsonNode label : k.path("labels")) {
      for (ObjectNode o : out) {
        ObjectNode meta = (ObjectNode) o.path("metadata");
        ObjectNode labels = meta.has("labels") ? (ObjectNode) meta.get("labels") : meta.putObject("labels");
        labels.setAll((ObjectNode) label.path("pairs"));
        if (label.path("includeTemplates").asBoolean(false) && o.path("spec").path("template").isObject()) {
          ObjectNode tmeta = (ObjectNode) o.path("spec").path("template").path("metadata");
          ObjectNode tl = tmeta.has("labels") ? (ObjectNode) tmeta.get("labels") : tmeta.putObject("labels");
          tl.setAll((ObjectNode) label.path("pairs"));
        }
        if (label.path("includeSelectors").asBoolean(false)) {
          throw new IllegalArgumentException(file + ": includeSelectors would change immutable selectors");
        }
      }
    }
    for (JsonNode image : k.path("images")) {
      String name = image.path("name").asText();
      String replacement = image.path("newName").asText(name) + ":" + image.path("newTag").asText("latest");
      for (ObjectNode o : out) {
        for (ObjectNode c : containers(o)) {
          String current = c.path("image").asText();
          String bare = current.replaceAll("[:@].*$", "");
          if (bare.equals(name)) {
            c.put("image", replacement);
          }
        }
      }
    }
    return out;
  }

  static List<ObjectNode> containers(ObjectNode resource) {
    List<ObjectNode> cs = new ArrayList<>();
    JsonNode spec = resource.path("spec").path("template").path("spec");
    for (String f : List.of("containers", "initContainers")) {
      for (JsonNode c : spec.path(f)) {
        cs.add((ObjectNode) c);
      }
    }
    return cs;
  }

  private void generate(Path dir, JsonNode generators, String kind, boolean base64, List<ObjectNode> out) {
    for (JsonNode g : generators) {
      Map<String, String> data = new LinkedHashMap<>();
      for (JsonNode f : g.path("files")) {
        String spec = f.asText();
        int eq = spec.indexOf('=');
        String key = eq < 0 ? Path.of(spec).getFileName().toString() : spec.substring(0, eq);
        data.put(key, Repo.read(input(dir, eq < 0 ? spec : spec.substring(eq + 1))));
      }
      for (JsonNode e : g.path("envs")) {
        for (String line : Repo.read(input(dir, e.asText())).split("\n")) {
          String l = line.strip();
          if (l.isEmpty() || l.startsWith("#")) {
            continue;
          }
          int eq = l.indexOf('=');
          if (eq < 1) {
            throw new IllegalArgumentException(e.asText() + ": not KEY=VALUE: " + l);
          }
          data.put(l.substring(0, eq), l.substring(eq + 1));
        }
      }
      for (JsonNode lit : g.path("literals")) {
        String l = lit.asText();
        data.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
      }
      ObjectNode o = Repo.YAML.createObjectNode();
      o.put("apiVersion", "v1").put("kind", kind);
      o.putObject("metadata").put("name", g.path("name").asText());
      ObjectNode d = o.putObject("data");
      data.forEach((key, value) -> d.put(key,
          base64 ? Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) : value));
      if (base64) {
        o.put("type", "Opaque");
      }
      out.add(o);
    }
  }

  private Path input(Path dir, String relative) {
    Path p = dir.resolve(relative).normalize();
    if (!p.startsWith(dir)) {
      // kustomize's default load restrictor: generator inputs must live under the kustomization.
      throw new IllegalArgumentException(relative + " is outside " + dir);
    }
    if (Files.isRegularFile(p)) {
      return p;
    }
    Path example = p.resolveSibling(p.getFileName() + ".example");
    if (Files.isRegularFile(example)) {
      examplesUsed.add(example);
      return example;
    }
    throw new IllegalArgumentException(p + " does not exist (nor " + example.getFileName() + ")");
  }

  private static void applyPatch(List<ObjectNode> resources, ObjectNode patch, Path from) {
    String kind = patch.path("kind").asText();
    String name = patch.path("metadata").path("name").asText();
    ObjectNode target = null;
    for (ObjectNode r : resources) {
      if (r.path("kind").asText().equals(kind) && r.path("metadata").path("name").asText().equals(name)
          && group(r).equals(group(patch))) {
        target = r;
      }
    }
    if (target == null) {
      throw new IllegalArgumentException(from + ": no " + kind + "/" + name + " to patch");
    }
    if ("delete".equals(patch.path("$patch").asText())) {
      resources.remove(target);
      return;
    }
    merge(target, patch);
  }

  private static String group(JsonNode r) {
    String v = r.path("apiVersion").asText();
    return v.contains("/") ? v.substring(0, v.indexOf('/')) : "";
  }

  /** Maps merge recursively; lists of named maps (containers, env, volumes, ports) merge by name. */
  static void merge(ObjectNode target, ObjectNode patch) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode current = target.get(e.getKey());
      JsonNode value = e.getValue();
      if (current instanceof ObjectNode co && value instanceof ObjectNode vo) {
        merge(co, vo);
      } else if (current instanceof ArrayNode ca && value instanceof ArrayNode va && named(ca) && named(va)) {
        for (JsonNode item : va) {
          ObjectNode match = null;
          for (JsonNode c : ca) {
            if (c.path("name").equals(item.path("name"))) {
              match = (ObjectNode) c;
            }
          }
          if (match == null) {
            ca.add(item.deepCopy());
          } else {
            merge(match, (ObjectNode) item);
          }
        }
      } else {
        target.set(e.getKey(), value.deepCopy());
      }
    }
  }

  private static boolean named(ArrayNode a) {
    if (a.isEmpty()) {
      return false;
    }
    for (JsonNode n : a) {
      if (!n.isObject() || !n.path("name").isTextual()) {
        return false;
      }
    }
    return true;
  }
}
