package io.weathertweets.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every deployment file parses, and none of what git would commit holds a credential. */
class DeploymentFilesTest {
  private static final List<String> DIRS = List.of("strimzi", "k8s", "grafana");

  /** user:password@ inside a URL. */
  private static final Pattern URL_CREDENTIAL = Pattern.compile("://([^:/@\\s]*):([^@\\s]+)@");

  /**
   * A secret-looking key with a literal value (YAML key: value or env KEY=value or conf key =
   * value).
   */
  private static final Pattern SECRET_ASSIGNMENT =
      Pattern.compile(
          "(?im)^\\s*-?\\s*\"?([\\w.-]*(password|passwd|pass|secret|token|cookie))\"?\\s*[:=]\\s*(\\S.*)$");

  @Test
  void everyYamlAndJsonFileShouldParse() {
    int count = 0;
    for (String dir : DIRS) {
      for (Path file : Repo.files(dir, ".yaml", ".yml")) {
        assertThat(Repo.readDocuments(file)).as(file.toString()).isNotEmpty();
        count++;
      }
      for (Path file : Repo.files(dir, ".json")) {
        assertThat(Repo.readJson(file).isObject()).as(file.toString()).isTrue();
        count++;
      }
    }
    assertThat(count).isGreaterThan(40);
  }

  @Test
  void committableFilesShouldHoldNoCredential() throws IOException, InterruptedException {
    List<String> errors = new ArrayList<>();
    List<String> files = Repo.committable(DIRS);
    assertThat(files).isNotEmpty();
    for (String relative : files) {
      Path file = Repo.path(relative);
      String text = Repo.read(file);
      Matcher url = URL_CREDENTIAL.matcher(text);
      while (url.find()) {
        if (!isPlaceholder(url.group(2))) {
          errors.add(relative + ": URL with a password: " + url.group());
        }
      }
      Matcher assignment = SECRET_ASSIGNMENT.matcher(text);
      while (assignment.find()) {
        String value = assignment.group(3).strip().replaceAll("^\"|\"$", "");
        boolean reference =
            value.isEmpty()
                || value.startsWith("$")
                || value.startsWith("{")
                || value.startsWith("#")
                || value.startsWith("&")
                || value.startsWith("|")
                || isPlaceholder(value)
                || value.matches("[\\w.-]+\\.(yaml|json|env|conf|cookie)")
                || value.matches("(name|key|secretName):.*")
                || value.matches("[A-Z_]+")
                || value.matches("true|false")
                || value.startsWith("secrets/");
        if (!reference && !relative.endsWith(".json")) {
          errors.add(relative + ": literal value for " + assignment.group(1) + ": " + value);
        }
      }
      if (file.getFileName().toString().endsWith(".yaml")) {
        for (ObjectNode doc : Repo.readDocuments(file)) {
          if ("Secret".equals(doc.path("kind").asText())
              && (doc.has("data") || doc.has("stringData"))) {
            errors.add(relative + ": Secret with data; generate it (secretGenerator) instead");
          }
        }
      }
      if (relative.endsWith(".example")) {
        for (String line : text.split("\n")) {
          if (!line.isBlank()
              && !line.startsWith("#")
              && !line.contains("change-me")
              && line.toLowerCase().matches(".*(pass|cookie).*")) {
            errors.add(relative + ": example value that is not a change-me placeholder: " + line);
          }
        }
      }
    }
    assertThat(errors).isEmpty();
    assertThat(files).anyMatch(f -> f.endsWith("stores.env.example"));
  }

  @Test
  void realSecretFilesShouldBeIgnoredByGit() throws IOException, InterruptedException {
    for (String f :
        List.of(
            "k8s/base/secrets/stores.env",
            "k8s/base/secrets/rabbitmq-client.env",
            "k8s/base/secrets/rabbitmq-definitions.json",
            "k8s/base/secrets/rabbitmq-erlang.cookie",
            "k8s/base/secrets/grafana.env")) {
      assertThat(git("check-ignore", "-q", f).exitValue()).as(f + " is ignored").isZero();
    }
    assertThat(git("check-ignore", "-q", "k8s/base/secrets/stores.env.example").exitValue())
        .isNotZero();
  }

  @Test
  void generatorsShouldOnlyReadFilesThatHaveACommittedExample() {
    // Kustomize renders the committable files with each .example under its real name: a generator
    // that reads any other file fails to render at all.
    List<ObjectNode> all = Kustomize.build("k8s/overlays/gke");
    ObjectNode stores =
        all.stream()
            .filter(
                r ->
                    "Secret".equals(r.path("kind").asText())
                        && Kustomize.isGenerated(
                            r.path("metadata").path("name").asText(), "store-credentials"))
            .findFirst()
            .orElseThrow();
    List<String> exampleKeys =
        Repo.read(Repo.path("k8s/base/secrets/stores.env.example"))
            .lines()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .map(l -> l.substring(0, l.indexOf('=')))
            .toList();
    assertThat(stores.path("data").properties())
        .extracting(java.util.Map.Entry::getKey)
        .containsExactlyInAnyOrderElementsOf(exampleKeys);
    assertThat(all)
        .filteredOn(r -> "Secret".equals(r.path("kind").asText()))
        .extracting(
            r -> r.path("metadata").path("name").asText().replaceFirst("-[a-z0-9]{10}$", ""))
        .containsExactlyInAnyOrder(
            "store-credentials", "rabbitmq-client", "rabbitmq-server", "grafana-admin");
  }

  private record Git(int exitValue, String output) {}

  private static Git git(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git", "-C", Repo.root().toString()));
    command.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Git(p.waitFor(), out);
  }

  private static boolean isPlaceholder(String value) {
    return value.contains("change-me") || value.startsWith("$");
  }
}
