package io.weathertweets.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;

/**
 * Renders a kustomization with the real kustomize, exactly what {@code kubectl apply -k} would send
 * to a cluster: {@code kubectl kustomize DIR}, or {@code kustomize build DIR} where only the
 * standalone binary is installed. Kustomize v5 or later is needed ({@code
 * labels[].includeTemplates}); kubectl 1.27+ embeds it.
 *
 * <p>It renders a copy of {@code strimzi/}, {@code k8s/} and {@code grafana/} holding only what git
 * would commit, with every {@code X.example} also written as {@code X}: the secret files the
 * generators read are never in git, so this is what a fresh clone renders after the README's "copy
 * each .example" step, and a generator that reads a file without a committed example fails here.
 * Real secret files a developer keeps in the working tree never reach the rendered output.
 *
 * <p>Generated ConfigMaps and Secrets get kustomize's content-hash suffix (references to them are
 * rewritten to match); {@link #isGenerated} finds them by generator name.
 */
final class Kustomize {
  private static final List<String> DIRS = List.of("strimzi", "k8s", "grafana");
  private static final long TIMEOUT_SECONDS = 60;
  private static final Map<String, List<ObjectNode>> RENDERED = new ConcurrentHashMap<>();
  private static Path input;

  private Kustomize() {}

  /**
   * The resources of the kustomization at {@code relativeDir} (e.g. {@code k8s/overlays/dev}), in
   * kustomize's output order. Each call returns fresh copies, so a test may change them.
   */
  static List<ObjectNode> build(String relativeDir) {
    List<ObjectNode> rendered = RENDERED.computeIfAbsent(relativeDir, Kustomize::run);
    return rendered.stream().map(ObjectNode::deepCopy).toList();
  }

  /**
   * True when {@code name} is what kustomize made of the generator {@code generatorName} (name +
   * hash).
   */
  static boolean isGenerated(String name, String generatorName) {
    return name.matches(Pattern.quote(generatorName) + "-[a-z0-9]{10}");
  }

  private static List<ObjectNode> run(String relativeDir) {
    Path dir = input().resolve(relativeDir);
    List<String> command = new ArrayList<>(command());
    command.add(dir.toString());
    try {
      Path err = Files.createTempFile("kustomize", ".err");
      try {
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(
              String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(
              String.join(" ", command)
                  + " failed (exit "
                  + p.exitValue()
                  + "):\n"
                  + Files.readString(err));
        }
        return parse(out, relativeDir);
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * kubectl's embedded kustomize, else the standalone binary. When there is neither, the test is
   * skipped with a one-line reason (the build passes on a machine with only a JDK); CI provides
   * kubectl and fails on any skip.
   */
  static List<String> command() {
    if (onPath("kubectl")) {
      return List.of("kubectl", "kustomize");
    }
    if (onPath("kustomize")) {
      return List.of("kustomize", "build");
    }
    throw new TestAbortedException(
        "needs kubectl (1.27+) or kustomize (v5+) on the PATH to render the manifests as"
            + " `kubectl apply -k` does: https://kubernetes.io/docs/tasks/tools/");
  }

  private static boolean onPath(String executable) {
    String path = System.getenv("PATH");
    return path != null
        && Stream.of(path.split(File.pathSeparator))
            .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, executable)));
  }

  private static List<ObjectNode> parse(byte[] yaml, String what) throws IOException {
    List<ObjectNode> docs = new ArrayList<>();
    try (JsonParser parser = new YAMLFactory().createParser(yaml)) {
      var it = Repo.YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc instanceof ObjectNode o) {
          docs.add(o);
        } else if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          throw new IllegalStateException(
              what + ": kustomize printed a document that is not a mapping: " + doc);
        }
      }
    }
    if (docs.isEmpty()) {
      throw new IllegalStateException(what + ": kustomize rendered nothing");
    }
    return docs;
  }

  /**
   * The committable deployment files, each .example also under its real name; made once per test
   * JVM.
   */
  private static synchronized Path input() {
    if (input != null) {
      return input;
    }
    try {
      Path target =
          Path.of(System.getProperty("kustomize.input", "target/kustomize-input")).toAbsolutePath();
      if (Files.exists(target)) {
        try (Stream<Path> old = Files.walk(target)) {
          for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      for (String relative : Repo.committable(DIRS)) {
        Path from = Repo.path(relative);
        Path to = target.resolve(relative);
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        if (relative.endsWith(".example")) {
          Files.copy(
              from, to.resolveSibling(to.getFileName().toString().replaceFirst("\\.example$", "")));
        }
      }
      input = target;
      return input;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
