package io.weathertweets.standalone;

/**
 * The executable jar's entry point, compiled for Java 17 (the oldest runtime Spring Boot's jar
 * launcher itself runs on) so that an older {@code java} first on the PATH gets a sentence naming
 * the JDK it needs instead of an {@code UnsupportedClassVersionError}. It references the launcher
 * by name only: nothing compiled for 21 is loaded before the check.
 */
public final class LauncherMain {
  static final int REQUIRED_FEATURE = 21;
  static final int EXIT_TOO_OLD = 65;

  private LauncherMain() {}

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
    try {
      Class.forName(
              "io.weathertweets.standalone.StandaloneLauncher",
              true,
              Thread.currentThread().getContextClassLoader())
          .getMethod("main", String[].class)
          .invoke(null, (Object) args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
