package io.weathertweets.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The executable jars a {@link ProcessSystem} starts. Of the jars found for a module, the newest
 * wins: the one Maven resolved (system property {@code harness.jar.<module>}, from the reactor or
 * the local repository) or any {@code <module>/target/<module>-*-exec.jar}, so a plain {@code
 * ./mvnw package} of a service is picked up without an install, and an older version's jar left in
 * {@code target/} is not.
 */
public record ServiceJars(Path ingress, Path gateway, Path streams, Path bridge, Path standalone) {

  /** The jars of every module the system runs; fails naming each one that is missing. */
  public static ServiceJars resolve(Path repoRoot) {
    List<String> missing = new ArrayList<>();
    ServiceJars jars =
        new ServiceJars(
            find(repoRoot, "ingress", missing),
            find(repoRoot, "grpc-gateway", missing),
            find(repoRoot, "streams-app", missing),
            find(repoRoot, "rabbit-bridge", missing),
            find(repoRoot, "standalone", missing));
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "Executable jars not found: "
              + missing
              + ". Build them first with `./mvnw install -DskipTests`");
    }
    return jars;
  }

  /** The newest executable jar of {@code module}, if there is one. */
  public static Optional<Path> newest(Path repoRoot, String module) {
    List<Path> candidates = new ArrayList<>();
    String resolved = System.getProperty("harness.jar." + module, "");
    if (!resolved.isBlank() && !resolved.startsWith("${")) {
      candidates.add(Path.of(resolved));
    }
    Path target = repoRoot.resolve(module).resolve("target");
    if (Files.isDirectory(target)) {
      try (Stream<Path> files = Files.list(target)) {
        files
            .filter(f -> f.getFileName().toString().matches(module + "-.*-exec\\.jar"))
            .forEach(candidates::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return candidates.stream()
        .filter(Files::isRegularFile)
        .max(Comparator.comparing(ServiceJars::modified))
        .map(p -> p.toAbsolutePath().normalize());
  }

  private static Path find(Path repoRoot, String module, List<String> missing) {
    Optional<Path> jar = newest(repoRoot, module);
    if (jar.isEmpty()) {
      missing.add(module + " (" + repoRoot.resolve(module).resolve("target") + ")");
    }
    return jar.orElse(null);
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
