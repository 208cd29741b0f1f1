package io.weathertweets.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.weathertweets.entry.EntryPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's {@code java -jar loadgen/target/loadgen-…-exec.jar}, on a new and an old Java. */
class ExecutableJarIT {
  private static final Path JAR = Path.of(System.getProperty("weather.exec-jar"));

  record Run(int exitCode, String output) {}

  static Run run(Path output, String java, String... args) throws Exception {
    String[] command = new String[3 + args.length];
    command[0] = java;
    command[1] = "-jar";
    command[2] = JAR.toString();
    System.arraycopy(args, 0, command, 3, args.length);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    boolean ended = process.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly();
    }
    assertThat(ended).as("ended within 60 s: " + Files.readString(output)).isTrue();
    return new Run(process.exitValue(), Files.readString(output));
  }

  @Test
  void runsLoadGenOnTheJavaOfTheBuild(@TempDir Path dir) throws Exception {
    assertThat(JAR).exists();
    Run run =
        run(
            dir.resolve("out"),
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-V");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output().lines())
        .contains("loadgen " + System.getProperty("loadgen.expected-version"));
  }

  @Test
  void namesTheJavaItNeedsOnAnOlderRuntime(@TempDir Path dir) throws Exception {
    Path old = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
    assumeThat(Files.isExecutable(old)).as("a Java 17 runtime at " + old).isTrue();
    Run run = run(dir.resolve("out"), old.toString(), "-n", "10");
    assertThat(run.exitCode()).as(run.output()).isEqualTo(EntryPoint.EXIT_TOO_OLD);
    assertThat(run.output())
        .contains("Weather Tweets needs Java 21 or newer; this is Java 17")
        .doesNotContain("UnsupportedClassVersionError")
        .doesNotContain("Exception");
  }
}
