package io.weathertweets.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weathertweets.harness.ImageJvmFlags;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One container of a rendered pod spec run as a local process: its command and args, its
 * environment (ConfigMap and Secret references resolved from the render), its volume mounts mapped
 * to directories under a temp dir (ConfigMap and Secret volumes filled with their data), as the
 * pod's user where this JVM may switch users. Paths in the command, args and mounted files are
 * rewritten from the mount paths to those directories; {@link #rewrite} adds further rewrites (a
 * peer's DNS name to a local address, say).
 */
final class PodProcess {
  private final List<ObjectNode> all;
  private final JsonNode pod;
  private final JsonNode container;
  private final Path root;
  private final Map<String, String> rewrites = new LinkedHashMap<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private final Map<String, Path> mounts = new LinkedHashMap<>();

  /**
   * Stops the pods' processes as the kubelet would, newest first: SIGTERM to each, then SIGKILL to
   * any that has not ended within the 20 s after its SIGTERM.
   */
  static void stopAll(List<Process> started) throws InterruptedException {
    for (Process p : started.reversed()) {
      p.destroy();
    }
    for (Process p : started) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /**
   * A container's ports mapped to free local ports, as a pod's own network namespace would give
   * them.
   *
   * @param ports containerPort → local port
   * @param named port name → containerPort
   */
  record LocalPorts(Map<Integer, Integer> ports, Map<String, Integer> named) {
    /** Maps the container's ports, in order, to the first of {@code free}. */
    static LocalPorts of(JsonNode container, int[] free) {
      Map<Integer, Integer> ports = new LinkedHashMap<>();
      Map<String, Integer> named = new LinkedHashMap<>();
      int i = 0;
      for (JsonNode p : container.path("ports")) {
        ports.put(p.path("containerPort").asInt(), free[i++]);
        named.put(p.path("name").asText(), p.path("containerPort").asInt());
      }
      return new LocalPorts(ports, named);
    }

    /**
     * The pod's environment with each value naming a container port (GRPC_PORT, SERVER_PORT) made
     * local.
     */
    Map<String, String> env(Map<String, String> podEnv) {
      Map<String, String> env = new LinkedHashMap<>(podEnv);
      env.replaceAll(
          (k, v) ->
              v.matches("\\d+") && ports.containsKey(Integer.parseInt(v))
                  ? String.valueOf(ports.get(Integer.parseInt(v)))
                  : v);
      return env;
    }
  }

  PodProcess(
      List<ObjectNode> all,
      ObjectNode workload,
      String containerList,
      String containerName,
      Path root) {
    this.all = all;
    this.pod = workload.path("spec").path("template").path("spec");
    JsonNode found = null;
    for (JsonNode c : pod.path(containerList)) {
      if (containerName.equals(c.path("name").asText())) {
        found = c;
      }
    }
    if (found == null) {
      throw new AssertionError(
          "no container " + containerName + " in " + StrimziResourcesTest.name(workload));
    }
    this.container = found;
    this.root = root;
    container
        .path("env")
        .forEach(
            e -> env.put(e.path("name").asText(), NetworkPolicyConnectionsTest.envValue(all, e)));
    // $(VAR) references in env values, as the kubelet expands them.
    env.replaceAll(
        (k, v) -> {
          String out = v;
          for (var e : env.entrySet()) {
            out = out.replace("$(" + e.getKey() + ")", e.getValue());
          }
          return out;
        });
  }

  /**
   * The directory a volume (by name) is mapped to; created (and filled) on first use, shared by
   * every container.
   */
  Path volume(String name) {
    return mounts.computeIfAbsent(
        name,
        n -> {
          try {
            Path dir = Files.createDirectories(root.resolve("volumes").resolve(n));
            open(dir);
            for (JsonNode v : pod.path("volumes")) {
              if (!n.equals(v.path("name").asText())) {
                continue;
              }
              if (v.has("configMap")) {
                fill(
                    dir,
                    find("ConfigMap", v.path("configMap").path("name").asText()).path("data"),
                    false,
                    v.path("configMap").path("items"));
              } else if (v.has("secret")) {
                fill(
                    dir,
                    find("Secret", v.path("secret").path("secretName").asText()).path("data"),
                    true,
                    v.path("secret").path("items"));
              }
            }
            return dir;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  PodProcess rewrite(String from, String to) {
    rewrites.put(from, to);
    return this;
  }

  Map<String, String> env() {
    return env;
  }

  /**
   * Each mount path of the container → the local directory (or file, for a subPath) it is mapped
   * to.
   */
  Map<String, String> mountPaths() {
    Map<String, String> paths = new LinkedHashMap<>();
    List<JsonNode> ordered = new ArrayList<>();
    container.path("volumeMounts").forEach(ordered::add);
    ordered.sort(
        Comparator.comparingInt((JsonNode m) -> m.path("mountPath").asText().length()).reversed());
    for (JsonNode m : ordered) {
      Path dir = volume(m.path("name").asText());
      Path target = m.has("subPath") ? dir.resolve(m.path("subPath").asText()) : dir;
      paths.put(m.path("mountPath").asText(), target.toString());
    }
    return paths;
  }

  /**
   * The environment with mount paths in its values mapped (a trust store under a Secret volume, a
   * state dir).
   */
  Map<String, String> mountedEnv() {
    Map<String, String> replacements = merged(mountPaths());
    Map<String, String> out = new LinkedHashMap<>(env);
    out.replaceAll((k, v) -> apply(v, replacements));
    return out;
  }

  /**
   * Starts a Java service's executable jar, what its image's entry point runs (the containers of
   * our services have no command or args of their own), with the image's JVM flags and the
   * container's memory limit as the JVM would see it, {@code /tmp} on the volume mounted there, the
   * working directory and HOME {@code workDir} (the read-only root filesystem: nothing may appear
   * in it), {@code env} (with the image's PATH) as the process's whole environment; {@code
   * jvmOptions} after the image's flags.
   */
  Process startJar(
      Path jar, Map<String, String> env, List<String> jvmOptions, Path workDir, Path log)
      throws IOException {
    if (container.has("command") || container.has("args")) {
      throw new AssertionError(
          "container " + container.path("name").asText() + " sets command/args: run them");
    }
    Files.createDirectories(workDir);
    String memory = container.path("resources").path("limits").path("memory").asText();
    String tmp = mountPaths().getOrDefault("/tmp", root.resolve("tmp").toString());
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The container's memory limit, as the JVM sees it in the pod.
                "-XX:MaxRAM=" + memory.replace("Mi", "m").replace("Gi", "g"),
                "-Djava.io.tmpdir=" + tmp));
    command.addAll(ImageJvmFlags.of(Repo.root()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .directory(workDir.toFile());
    // Nothing of this machine's environment: a container has its image's PATH and the pod's
    // variables.
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    pb.environment().put("HOME", workDir.toString());
    pb.environment().putAll(env);
    return pb.start();
  }

  /**
   * Starts the container's command + args with the mounts mapped; {@code HOSTNAME} as the pod would
   * have it.
   */
  Process start(String hostname, Path log) throws IOException {
    Map<String, String> paths = mountPaths();
    // Files in mounted config volumes mention mount paths too (include /run/redis/auth.conf).
    for (Path dir : mounts.values()) {
      try (var files = Files.walk(dir)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String text = Files.readString(f);
          String rewritten = apply(text, merged(paths));
          if (!rewritten.equals(text)) {
            Files.writeString(f, rewritten);
          }
        }
      }
    }
    List<String> command = new ArrayList<>();
    if (canSwitchUser()) {
      long uid =
          container
              .path("securityContext")
              .path("runAsUser")
              .asLong(pod.path("securityContext").path("runAsUser").asLong(0));
      long gid =
          container
              .path("securityContext")
              .path("runAsGroup")
              .asLong(pod.path("securityContext").path("runAsGroup").asLong(uid));
      command.addAll(
          List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
    }
    Map<String, String> replacements = merged(paths);
    container.path("command").forEach(c -> command.add(apply(c.asText(), replacements)));
    container.path("args").forEach(c -> command.add(apply(c.asText(), replacements)));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment().put("HOSTNAME", hostname);
    pb.environment().put("HOME", root.toString());
    return pb.start();
  }

  private Map<String, String> merged(Map<String, String> paths) {
    Map<String, String> all = new LinkedHashMap<>(paths);
    all.putAll(rewrites);
    return all;
  }

  static boolean canSwitchUser() {
    return "root".equals(System.getProperty("user.name"))
        && new File("/usr/bin/setpriv").canExecute();
  }

  /**
   * All replacements in one pass (a replaced path must not be replaced again), whole path segments
   * only.
   */
  private static String apply(String text, Map<String, String> replacements) {
    if (replacements.isEmpty()) {
      return text;
    }
    List<String> keys = new ArrayList<>(replacements.keySet());
    keys.sort(Comparator.comparingInt(String::length).reversed());
    StringBuilder alternatives = new StringBuilder();
    for (String k : keys) {
      alternatives
          .append(alternatives.isEmpty() ? "" : "|")
          .append(java.util.regex.Pattern.quote(k));
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(" + alternatives + ")(?=$|[/\\s\"';:])").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          out, java.util.regex.Matcher.quoteReplacement(replacements.get(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  private ObjectNode find(String kind, String name) {
    return StrimziResourcesTest.find(all, kind, name);
  }

  private static void fill(Path dir, JsonNode data, boolean base64, JsonNode items)
      throws IOException {
    for (var it = data.properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      String path = e.getKey();
      if (!items.isMissingNode() && !items.isEmpty()) {
        path = null;
        for (JsonNode item : items) {
          if (item.path("key").asText().equals(e.getKey())) {
            path = item.path("path").asText();
          }
        }
        if (path == null) {
          continue;
        }
      }
      byte[] bytes =
          base64
              ? java.util.Base64.getMimeDecoder().decode(e.getValue().asText())
              : e.getValue().asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Path file = dir.resolve(path);
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
      // Secret and ConfigMap volumes are root-owned and world-readable (defaultMode 0644).
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  private void open(Path dir) throws IOException {
    // Writable by the pod's user, as fsGroup makes a volume writable in a cluster; the way there
    // traversable.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    for (Path p = dir.getParent(); p != null && p.startsWith(root); p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }
}
