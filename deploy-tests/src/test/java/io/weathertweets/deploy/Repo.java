package io.weathertweets.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.harness.ServiceJars;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where the deployment files are, and how they are read. */
final class Repo {
  static final YAMLMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = new ObjectMapper();

  /** The project names, used by every check that knows the system's contract. */
  static final List<String> SERVICES =
      List.of("ingress", "gateway-kafka", "gateway-rabbit", "streams-app", "rabbit-bridge");

  static final List<String> MUNICIPALITIES = Municipality.ids();
  static final List<String> CONDITIONS = Condition.ids();

  private Repo() {}

  /**
   * The executable jar of a service module, found as the process harness finds it ({@link
   * ServiceJars#newest}: the one Maven resolved, or a newer one in the module's target).
   */
  static Path serviceJar(String module) {
    return ServiceJars.newest(root(), module)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no executable jar of "
                        + module
                        + ": build it first (./mvnw install -DskipTests)"));
  }

  static Path root() {
    return Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
  }

  static Path path(String relative) {
    return root().resolve(relative);
  }

  /** Every document of a (multi-document) YAML file; empty documents are skipped. */
  static List<ObjectNode> readDocuments(Path file) {
    List<ObjectNode> docs = new ArrayList<>();
    try (JsonParser parser = new YAMLFactory().createParser(file.toFile())) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        if (!doc.isObject()) {
          throw new IllegalArgumentException(
              file + ": a document is not a mapping but " + doc.getNodeType());
        }
        docs.add((ObjectNode) doc);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
    return docs;
  }

  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  static List<Path> files(String relativeDir, String... suffixes) {
    try (Stream<Path> s = Files.walk(path(relativeDir))) {
      return s.filter(Files::isRegularFile)
          .filter(
              p -> {
                for (String suffix : suffixes) {
                  if (p.getFileName().toString().endsWith(suffix)) {
                    return true;
                  }
                }
                return false;
              })
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Tracked plus untracked-but-not-ignored files under {@code dirs}: what `git add` would take,
   * what CI clones.
   */
  static List<String> committable(List<String> dirs) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "git",
                "-C",
                root().toString(),
                "ls-files",
                "--cached",
                "--others",
                "--exclude-standard",
                "--"));
    command.addAll(dirs);
    try {
      Process p =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " failed: the deployment files are read from"
                + " a git working tree");
      }
      // A deleted but still tracked file is listed too; it is not there to read.
      return out.lines()
          .filter(l -> !l.isBlank())
          .filter(l -> Files.isRegularFile(path(l)))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
