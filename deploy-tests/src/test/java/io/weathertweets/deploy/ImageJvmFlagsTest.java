package io.weathertweets.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weathertweets.harness.ImageJvmFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images' JVM flags, as the deployment rehearsals and the benchmark read them from the root
 * pom's Jib configuration.
 */
class ImageJvmFlagsTest {

  @Test
  void theImagesExitOnOutOfMemoryAndChooseTheirCollector() {
    // A pod that ran out of heap must end (the kubelet restarts it) rather than limp on; and the
    // collector is chosen, not left to the JVM's guess from the pod's size.
    assertThat(ImageJvmFlags.of(Repo.root()))
        .contains("-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC")
        .anySatisfy(flag -> assertThat(flag).startsWith("-XX:MaxRAMPercentage="));
    assertThat(ImageJvmFlags.withoutHeap(Repo.root()))
        .contains("-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC")
        .noneSatisfy(flag -> assertThat(flag).startsWith("-XX:MaxRAMPercentage"));
  }

  @Test
  void aPomWithoutJibFlagsIsAnErrorNamingThePom(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("pom.xml"),
        "<project><build><plugins><plugin><artifactId>jib-maven-plugin</artifactId>"
            + "<configuration><container/></configuration></plugin></plugins></build></project>");
    assertThatThrownBy(() -> ImageJvmFlags.of(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.resolve("pom.xml").toString())
        .hasMessageContaining("jvmFlags");
  }
}
