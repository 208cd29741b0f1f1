package io.weathertweets.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Condition;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class BinarySerdeTest {
  private static final long[] LONG_EDGES = {
    0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE + 1L
  };
  private static final int[] INT_EDGES = {0, 1, -1, -50, 60, Integer.MAX_VALUE, Integer.MIN_VALUE};
  private static final SplittableRandom RANDOM = new SplittableRandom(20261201L);

  @Test
  void shouldRoundTripEveryAggregateFieldIncludingExtremeValues() {
    for (Aggregate a : aggregates()) {
      assertThat(roundTrip(BinarySerde.AGGREGATE, a)).isEqualTo(a);
    }
  }

  @Test
  void shouldRoundTripTallies() {
    for (Aggregate a : aggregates()) {
      for (long acceptedMs : LONG_EDGES) {
        Tally tally = new Tally(a, acceptedMs);
        assertThat(roundTrip(BinarySerde.TALLY, tally)).isEqualTo(tally);
      }
    }
  }

  @Test
  void shouldRoundTripTheOverviewRegroupValueOfEveryMunicipality() {
    for (Municipality m : Municipality.values()) {
      for (Aggregate a : aggregates()) {
        MunicipalityAggregate value = new MunicipalityAggregate(m, a);
        assertThat(roundTrip(BinarySerde.MUNICIPALITY_AGGREGATE, value)).isEqualTo(value);
      }
    }
  }

  @Test
  void shouldRoundTripOverviewsFromEmptyToAllMunicipalities() {
    assertThat(roundTrip(BinarySerde.OVERVIEW, Overview.empty())).isEqualTo(Overview.empty());
    List<Aggregate> counted = aggregates().stream().filter(a -> a.count() > 0).toList();
    for (int i = 0; i < 1_000; i++) {
      Map<Municipality, Aggregate> byMunicipality = new EnumMap<>(Municipality.class);
      for (Municipality m : Municipality.values()) {
        if (RANDOM.nextBoolean()) {
          byMunicipality.put(m, counted.get(RANDOM.nextInt(counted.size())));
        }
      }
      Overview overview = new Overview(byMunicipality);
      assertThat(roundTrip(BinarySerde.OVERVIEW, overview)).isEqualTo(overview);
    }
  }

  @Test
  void shouldKeepNullAsNullForTombstones() {
    assertThat(BinarySerde.TALLY.serializer().serialize("t", null)).isNull();
    assertThat(BinarySerde.TALLY.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void shouldWriteTheVersionByteThenTheFixedLayout() {
    Tally tally =
        new Tally(
            Aggregate.EMPTY.plus(25, 70, Condition.SUNNY, 1_767_225_600_000L), 1_767_225_600_003L);
    byte[] bytes = BinarySerde.TALLY.serializer().serialize("t", tally);
    assertThat(bytes[0]).isEqualTo(BinarySerde.VERSION);
    assertThat(bytes).hasSize(1 + BinarySerde.AGGREGATE_BYTES + 8);
  }

  @Test
  void shouldRefuseStateInTheEarlierJsonFormatAndSayHowToReset() {
    byte[] json =
        "{\"aggregate\":{\"count\":1},\"lastAcceptedMs\":0}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> BinarySerde.TALLY.deserializer().deserialize("t", json))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("JSON format of an earlier release")
        .hasMessageContaining("STREAMS_APPLICATION_ID");
  }

  @Test
  void shouldRefuseAnUnknownVersion() {
    byte[] bytes = BinarySerde.AGGREGATE.serializer().serialize("t", Aggregate.EMPTY);
    bytes[0] = 2;
    assertThatThrownBy(() -> BinarySerde.AGGREGATE.deserializer().deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown format version 2");
  }

  @Test
  void shouldRefuseTruncatedOrOverlongValues() {
    byte[] bytes = BinarySerde.AGGREGATE.serializer().serialize("t", Aggregate.EMPTY);
    assertThatThrownBy(
            () ->
                BinarySerde.AGGREGATE
                    .deserializer()
                    .deserialize("t", Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(
            () ->
                BinarySerde.AGGREGATE
                    .deserializer()
                    .deserialize("t", Arrays.copyOf(bytes, bytes.length + 1)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("trailing");
    assertThatThrownBy(() -> BinarySerde.AGGREGATE.deserializer().deserialize("t", new byte[0]))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("empty value");
  }

  @Test
  void shouldRefuseAMunicipalityThisReleaseDoesNotKnow() {
    byte[] bytes =
        BinarySerde.MUNICIPALITY_AGGREGATE
            .serializer()
            .serialize("t", new MunicipalityAggregate(Municipality.MIXCO, Aggregate.EMPTY));
    bytes[1] = (byte) Municipality.values().length;
    assertThatThrownBy(
            () -> BinarySerde.MUNICIPALITY_AGGREGATE.deserializer().deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown municipality ordinal");
  }

  private static <T> T roundTrip(BinarySerde<T> serde, T value) {
    return serde.deserializer().deserialize("topic", serde.serializer().serialize("topic", value));
  }

  /**
   * Edge values in every field, aggregates built the way the topology builds them, and random ones.
   */
  private static List<Aggregate> aggregates() {
    List<Aggregate> all = new ArrayList<>();
    all.add(Aggregate.EMPTY);
    for (long l : LONG_EDGES) {
      for (int i : INT_EDGES) {
        all.add(new Aggregate(l, l, i, i, l, l, l, l, l, l));
        all.add(new Aggregate(l, -l, i, -i, l, 0, l, 0, l, Long.MAX_VALUE));
      }
    }
    Aggregate built = Aggregate.EMPTY;
    for (int i = 0; i < 200; i++) {
      built =
          built.plus(
              RANDOM.nextInt(-50, 61),
              RANDOM.nextInt(0, 101),
              Condition.values()[RANDOM.nextInt(Condition.values().length)],
              1_767_225_600_000L + RANDOM.nextLong(0, 3_600_000));
      all.add(built);
    }
    for (int i = 0; i < 1_000; i++) {
      all.add(
          new Aggregate(
              RANDOM.nextLong(),
              RANDOM.nextLong(),
              RANDOM.nextInt(),
              RANDOM.nextInt(),
              RANDOM.nextLong(),
              RANDOM.nextLong(),
              RANDOM.nextLong(),
              RANDOM.nextLong(),
              RANDOM.nextLong(),
              RANDOM.nextLong()));
    }
    return all;
  }
}
