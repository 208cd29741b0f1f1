package io.weathertweets.entry;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * The {@code Start-Class} of the executable jars, compiled for Java 17 (the oldest runtime Spring
 * Boot's jar launcher itself runs on) so that an older {@code java} first on the PATH gets a
 * sentence naming the JDK it needs instead of an {@code UnsupportedClassVersionError}. It then runs
 * the class named by the jar's {@value #START_CLASS} resource, by name: nothing compiled for 21 is
 * loaded before the check.
 */
public final class EntryPoint {
  public static final int REQUIRED_FEATURE = 21;
  public static final int EXIT_TOO_OLD = 65;

  /** One line in each executable jar's resources: the main class to run after the check. */
  public static final String START_CLASS = "META-INF/weather-tweets/start-class";

  private EntryPoint() {}

  public static void main(String[] args) throws Throwable {
    int feature = Runtime.version().feature();
    if (feature < REQUIRED_FEATURE) {
      System.err.println(
          "Weather Tweets needs Java "
              + REQUIRED_FEATURE
              + " or newer; this is Java "
              + feature
              + " ("
              + System.getProperty("java.home")
              + "). Run the jar with a newer JDK, e.g. "
              + "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar …, or put one first on the PATH: "
              + "export PATH=$JAVA_HOME/bin:$PATH.");
      System.exit(EXIT_TOO_OLD);
    }
    // Virtual threads that load classes from the executable jar pin their carrier while they wait
    // for its lock; with every carrier so pinned, the holder of the lock cannot run. More carriers
    // than cores keep one free (they are created only when needed). Set before any virtual thread
    // exists; an explicit value wins.
    if (System.getProperty("jdk.virtualThreadScheduler.parallelism") == null) {
      System.setProperty(
          "jdk.virtualThreadScheduler.parallelism",
          Integer.toString(Math.max(16, Runtime.getRuntime().availableProcessors())));
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try {
      Class.forName(startClass(loader), true, loader)
          .getMethod("main", String[].class)
          .invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static String startClass(ClassLoader loader) throws IOException {
    List<URL> found = Collections.list(loader.getResources(START_CLASS));
    if (found.size() != 1) {
      // Two would mean two applications' jars on one classpath: running either could be wrong.
      throw new IllegalStateException(
          "Expected one " + START_CLASS + " naming this jar's main class, found " + found);
    }
    try (InputStream in = found.get(0).openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }
}
