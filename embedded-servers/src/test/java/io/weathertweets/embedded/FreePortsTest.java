package io.weathertweets.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void aPortIsHandedOutOnceEvenAfterItsSocketClosed() {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int[] ports = FreePorts.distinct(3);
      IntStream.of(ports).forEach(port -> assertThat(seen.add(port)).as("port " + port).isTrue());
    }
    assertThat(seen).hasSize(600);
  }

  @Test
  void aBoundedPortStaysBelowItsBound() {
    for (int i = 0; i < 50; i++) {
      assertThat(FreePorts.below(45000)).isBetween(1, 44999);
    }
  }
}
