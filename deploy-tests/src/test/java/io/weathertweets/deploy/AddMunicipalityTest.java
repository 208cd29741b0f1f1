package io.weathertweets.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.CatalogueFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding a municipality is one edit: in a copy of the repository, one constant is added to {@code
 * Municipality}, {@link CatalogueFiles#REGENERATE} is run, and then the catalogue checks, the Kafka
 * Streams topology and the bridge's Lua script are built and tested with the new municipality (each
 * of those tests writes every municipality of the enum). Nothing else of the copy is edited by
 * hand.
 */
class AddMunicipalityTest {
  private static final String NEW = "villanueva";
  private static final String ENUM =
      "aggregates/src/main/java/io/weathertweets/aggregates/Municipality.java";

  /** Files that spell out the municipalities and must now name the new one. */
  private static final List<String> REWRITTEN =
      List.of(
          "proto/src/main/proto/weathertweets/v1/tweets.proto",
          "proto/src/main/proto/weathertweet/weathertweet.proto",
          "ingress/src/main/resources/openapi/ingress.yaml",
          "bench/wrk/tweet.lua",
          "locust/locustfile.py",
          "grafana/dashboards/weather.json",
          "grafana/dashboards/comparison.json");

  /** The tests run on the copy; each must have run with nothing failed or skipped. */
  private static final List<String> TESTS =
      List.of(
          "aggregates:CatalogueTest",
          "aggregates:CatalogueFilesTest",
          "aggregates:ComparisonDashboardTest",
          "streams-app:WeatherTopologyTest",
          "streams-app:BinarySerdeTest",
          "rabbit-bridge:BatchScriptTest");

  @Test
  void shouldTakeOneEditAndTheRegenerateCommand(@TempDir Path copy) throws Exception {
    List<String> files = copyRepository(copy);

    Path enumFile = copy.resolve(ENUM);
    String source = Files.readString(enumFile);
    Matcher last =
        Pattern.compile("(public enum Municipality \\{[^;]*?\\n  [A-Z_]+);").matcher(source);
    assertThat(last.find()).as("the last constant of %s", ENUM).isTrue();
    Files.writeString(
        enumFile,
        source.substring(0, last.end(1))
            + ",\n  "
            + NEW.toUpperCase(Locale.ROOT)
            + source.substring(last.end(1)));

    run(copy, CatalogueFiles.REGENERATE, "regenerate");

    List<String> changed = new ArrayList<>();
    for (String file : files) {
      if (Files.mismatch(Repo.root().resolve(file), copy.resolve(file)) != -1) {
        changed.add(file);
      }
    }
    assertThat(changed).contains(ENUM).containsAll(REWRITTEN);
    for (String file : changed) {
      assertThat(Files.readString(copy.resolve(file)).toLowerCase(Locale.ROOT))
          .as("%s, changed by the regenerate command", file)
          .contains(NEW);
    }

    String tests =
        String.join(",", TESTS.stream().map(t -> t.substring(t.indexOf(':') + 1)).toList());
    run(
        copy,
        "./mvnw -q -B -ntp -pl streams-app,rabbit-bridge -am test -Dtest="
            + tests
            + " -Dsurefire.failIfNoSpecifiedTests=false",
        "test");
    for (String test : TESTS) {
      String module = test.substring(0, test.indexOf(':'));
      String name = test.substring(test.indexOf(':') + 1);
      try (Stream<Path> reports = Files.list(copy.resolve(module + "/target/surefire-reports"))) {
        Path report =
            reports
                .filter(p -> p.getFileName().toString().matches("TEST-.*\\." + name + "\\.xml"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " did not run in " + module));
        String xml = Files.readString(report);
        assertThat(xml)
            .as("%s's report", name)
            .containsPattern("<testsuite [^>]*tests=\"[1-9]")
            .containsPattern("<testsuite [^>]*failures=\"0\"")
            .containsPattern("<testsuite [^>]*errors=\"0\"")
            .containsPattern("<testsuite [^>]*skipped=\"0\"");
      }
    }
  }

  /** The repository's files as git knows them (tracked or new, not ignored), copied; their list. */
  private static List<String> copyRepository(Path copy) throws Exception {
    Process git =
        new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
            .directory(Repo.root().toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String listing = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(git.waitFor()).as("git ls-files in %s", Repo.root()).isZero();
    List<String> files = new ArrayList<>();
    for (String file : listing.split("\0")) {
      Path from = Repo.root().resolve(file);
      if (file.isEmpty() || !Files.isRegularFile(from)) {
        continue; // deleted in the working tree
      }
      Path to = copy.resolve(file);
      Files.createDirectories(to.getParent());
      Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      files.add(file);
    }
    return files;
  }

  /** Runs {@code command} in {@code dir} with this JVM's JDK; fails with its output's end. */
  private static void run(Path dir, String command, String what) throws Exception {
    Path log = dir.resolve(what + ".log");
    ProcessBuilder pb =
        new ProcessBuilder("bash", "-c", command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly); // Maven's JVMs, not only bash
      p.destroyForcibly();
      p.waitFor();
    }
    int exit = p.isAlive() ? -1 : p.exitValue();
    if (exit != 0) {
      List<String> lines = Files.readAllLines(log);
      throw new AssertionError(
          "`"
              + command
              + "` exited "
              + exit
              + " in the copy; its output ends:\n"
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
    }
  }
}
