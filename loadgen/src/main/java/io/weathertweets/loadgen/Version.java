package io.weathertweets.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code loadgen --version} prints: the project version the build wrote into {@code
 * version.properties} (resource filtering, so it is never written by hand), and the Java runtime,
 * which matters as much when a run behaves differently on two machines.
 */
final class Version implements IVersionProvider {
  static final String RESOURCE = "version.properties";

  /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
  static String project() {
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE + " is missing from the classpath: the jar was not built by Maven");
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "");
      if (version.isBlank() || version.contains("@")) {
        throw new IllegalStateException(
            RESOURCE + " was not filtered by the build: version=" + version);
      }
      return version.trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "loadgen " + project(),
      "Java "
          + System.getProperty("java.version")
          + " ("
          + System.getProperty("java.vendor")
          + "), "
          + System.getProperty("os.name")
          + " "
          + System.getProperty("os.arch")
    };
  }
}
