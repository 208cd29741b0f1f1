package io.weathertweets.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code --version} through the command line, as a user types it. */
class LoadGenVersionTest {
  /**
   * The pom's version, handed over by surefire (loadgen/pom.xml), so neither side is written by
   * hand.
   */
  private static final String PROJECT_VERSION = System.getProperty("loadgen.expected-version");

  @Test
  void shouldPrintTheProjectVersionAndTheJavaRuntime() {
    assertThat(PROJECT_VERSION).as("set by surefire").isNotBlank().doesNotContain("${");

    for (String option : new String[] {"--version", "-V"}) {
      CliRun run = CliRun.of(option);

      assertThat(run.exitCode()).as(option).isZero();
      assertThat(run.out().lines().toList())
          .as(option)
          .containsExactly(
              "loadgen " + PROJECT_VERSION,
              "Java "
                  + System.getProperty("java.version")
                  + " ("
                  + System.getProperty("java.vendor")
                  + "), "
                  + System.getProperty("os.name")
                  + " "
                  + System.getProperty("os.arch"));
      assertThat(run.err()).isEmpty();
    }
  }

  @Test
  void shouldListVersionInTheHelp() {
    CliRun run = CliRun.of("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("-V, --version").contains("Print version information and exit.");
  }
}
