package io.weathertweets.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The executable jars the suite starts. Maven hands over the resolved artifacts ({@code
 * faults.jar.*}, from the reactor or the local repository); a newer jar in the module's own {@code
 * target/} wins, so a plain {@code ./mvnw package} of a service is picked up without an install.
 */
record ServiceJars(Path ingress, Path gateway, Path streams, Path bridge, Path standalone) {

  static ServiceJars resolve(Path repoRoot) {
    List<String> missing = new ArrayList<>();
    ServiceJars jars =
        new ServiceJars(
            find(repoRoot, "ingress", "faults.jar.ingress", missing),
            find(repoRoot, "grpc-gateway", "faults.jar.gateway", missing),
            find(repoRoot, "streams-app", "faults.jar.streams", missing),
            find(repoRoot, "rabbit-bridge", "faults.jar.bridge", missing),
            find(repoRoot, "standalone", "faults.jar.standalone", missing));
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "Executable jars not found: "
              + missing
              + ". Build them first with"
              + " `./mvnw install -DskipTests` (or run the suite in the reactor: ./mvnw -Pfaults verify)");
    }
    return jars;
  }

  private static Path find(Path repoRoot, String module, String property, List<String> missing) {
    Path local =
        repoRoot
            .resolve(module)
            .resolve("target")
            .resolve(module + "-" + System.getProperty("faults.version") + "-exec.jar");
    String resolved = System.getProperty(property, "");
    Path fromMaven = resolved.isBlank() || resolved.startsWith("${") ? null : Path.of(resolved);
    boolean haveLocal = Files.isRegularFile(local);
    boolean haveMaven = fromMaven != null && Files.isRegularFile(fromMaven);
    if (haveLocal && (!haveMaven || newer(local, fromMaven))) {
      return local.toAbsolutePath().normalize();
    }
    if (haveMaven) {
      return fromMaven;
    }
    missing.add(module + " (" + local + ")");
    return null;
  }

  private static boolean newer(Path a, Path b) {
    try {
      return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b)) >= 0;
    } catch (java.io.IOException e) {
      return true;
    }
  }
}
