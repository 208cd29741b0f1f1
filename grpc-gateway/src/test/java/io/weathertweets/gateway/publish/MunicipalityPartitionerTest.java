package io.weathertweets.gateway.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.weathertweets.aggregates.Municipality;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;

class MunicipalityPartitionerTest {
  private final MunicipalityPartitioner partitioner = new MunicipalityPartitioner();

  private static Cluster cluster(int partitions) {
    Node node = new Node(0, "localhost", 9092);
    List<PartitionInfo> infos =
        IntStream.range(0, partitions)
            .mapToObj(
                p ->
                    new PartitionInfo(
                        "weather-tweets", p, node, new Node[] {node}, new Node[] {node}))
            .toList();
    return new Cluster("c", List.of(node), infos, Set.of(), Set.of());
  }

  @Test
  void shouldGiveEachMunicipalityAPartitionOfItsOwn() {
    Cluster six = cluster(6);
    Set<Integer> used =
        Arrays.stream(Municipality.values())
            .map(
                m ->
                    partitioner.partition(
                        "weather-tweets",
                        m.id(),
                        m.id().getBytes(StandardCharsets.UTF_8),
                        null,
                        null,
                        six))
            .collect(Collectors.toSet());
    assertThat(used).hasSize(Municipality.values().length).allMatch(p -> p >= 0 && p < 6);
  }

  @Test
  void shouldHashOtherKeysIntoRange() {
    Cluster two = cluster(2);
    int p =
        partitioner.partition(
            "weather-tweets", "zacapa", "zacapa".getBytes(StandardCharsets.UTF_8), null, null, two);
    assertThat(p).isBetween(0, 1);
  }
}
