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
import java.util.HexFormat;
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

  // --- the formats of released state, as fixed bytes: changelogs written by them must stay
  // readable

  private static final Aggregate MIXED =
      new Aggregate(3, 61, 10, 31, 170, 1, 0, 2, 0, 1_767_225_605_000L);
  private static final Aggregate COLD =
      new Aggregate(1, -5, -5, -5, 40, 0, 0, 0, 1, 1_767_225_600_000L);

  /** Format version 1, as written since it was introduced. */
  private static final String TALLY_V1 =
      "01"
          + "0000000000000003"
          + "000000000000003d"
          + "0000000a"
          + "0000001f"
          + "00000000000000aa"
          + "0000000000000001"
          + "0000000000000000"
          + "0000000000000002"
          + "0000000000000000"
          + "0000019b76dabb88"
          + "0000019b76dabb8b";

  private static final String MUNICIPALITY_AGGREGATE_V1 =
      "0101"
          + "0000000000000003000000000000003d0000000a0000001f00000000000000aa"
          + "0000000000000001000000000000000000000000000000020000000000000000"
          + "0000019b76dabb88";

  private static final String OVERVIEW_V1 =
      "0102"
          + "00"
          + "0000000000000003000000000000003d0000000a0000001f00000000000000aa"
          + "0000000000000001000000000000000000000000000000020000000000000000"
          + "0000019b76dabb88"
          + "03"
          + "0000000000000001fffffffffffffffbfffffffbfffffffb0000000000000028"
          + "0000000000000000000000000000000000000000000000000000000000000001"
          + "0000019b76daa800";

  @Test
  void shouldReadAndWriteFormatVersionOneByteForByte() {
    Tally tally = new Tally(MIXED, 1_767_225_605_003L);
    MunicipalityAggregate regroup = new MunicipalityAggregate(Municipality.GUATEMALA, MIXED);
    Overview overview =
        new Overview(Map.of(Municipality.MIXCO, MIXED, Municipality.CHINAUTLA, COLD));

    assertThat(BinarySerde.TALLY.deserializer().deserialize("t", hex(TALLY_V1))).isEqualTo(tally);
    assertThat(
            BinarySerde.MUNICIPALITY_AGGREGATE
                .deserializer()
                .deserialize("t", hex(MUNICIPALITY_AGGREGATE_V1)))
        .isEqualTo(regroup);
    assertThat(BinarySerde.OVERVIEW.deserializer().deserialize("t", hex(OVERVIEW_V1)))
        .isEqualTo(overview);
    // Writing is unchanged too: an older instance of the same format reads what this one writes.
    assertThat(BinarySerde.TALLY.serializer().serialize("t", tally)).isEqualTo(hex(TALLY_V1));
    assertThat(BinarySerde.OVERVIEW.serializer().serialize("t", overview))
        .isEqualTo(hex(OVERVIEW_V1));
  }

  /**
   * The JSON the releases before the binary format wrote into the stores, changelogs and the
   * repartition topic (their state serde was {@code JsonSerde} of the same records).
   */
  @Test
  void shouldReadTheUnversionedJsonStateOfEarlierReleases() {
    String mixed =
        "{\"count\":3,\"temperatureSum\":61,\"temperatureMin\":10,\"temperatureMax\":31,"
            + "\"humiditySum\":170,\"sunny\":1,\"cloudy\":0,\"rainy\":2,\"foggy\":0,"
            + "\"lastEventMs\":1767225605000}";
    String cold =
        "{\"count\":1,\"temperatureSum\":-5,\"temperatureMin\":-5,\"temperatureMax\":-5,"
            + "\"humiditySum\":40,\"sunny\":0,\"cloudy\":0,\"rainy\":0,\"foggy\":1,"
            + "\"lastEventMs\":1767225600000}";

    assertThat(BinarySerde.AGGREGATE.deserializer().deserialize("t", utf8(mixed))).isEqualTo(MIXED);
    assertThat(
            BinarySerde.TALLY
                .deserializer()
                .deserialize(
                    "t", utf8("{\"aggregate\":" + mixed + ",\"lastAcceptedMs\":1767225605003}")))
        .isEqualTo(new Tally(MIXED, 1_767_225_605_003L));
    assertThat(
            BinarySerde.MUNICIPALITY_AGGREGATE
                .deserializer()
                .deserialize(
                    "t", utf8("{\"municipality\":\"GUATEMALA\",\"aggregate\":" + mixed + "}")))
        .isEqualTo(new MunicipalityAggregate(Municipality.GUATEMALA, MIXED));
    assertThat(
            BinarySerde.OVERVIEW
                .deserializer()
                .deserialize(
                    "t",
                    utf8(
                        "{\"byMunicipality\":{\"MIXCO\":"
                            + mixed
                            + ",\"CHINAUTLA\":"
                            + cold
                            + "}}")))
        .isEqualTo(new Overview(Map.of(Municipality.MIXCO, MIXED, Municipality.CHINAUTLA, COLD)));
    assertThat(
            BinarySerde.OVERVIEW.deserializer().deserialize("t", utf8("{\"byMunicipality\":{}}")))
        .isEqualTo(Overview.empty());
  }

  @Test
  void shouldRewriteLegacyJsonStateInTheCurrentFormat() {
    Tally read =
        BinarySerde.TALLY
            .deserializer()
            .deserialize(
                "t",
                utf8(
                    "{\"aggregate\":{\"count\":1,\"temperatureSum\":7,\"temperatureMin\":7,"
                        + "\"temperatureMax\":7,\"humiditySum\":9,\"sunny\":1,\"cloudy\":0,"
                        + "\"rainy\":0,\"foggy\":0,\"lastEventMs\":5},\"lastAcceptedMs\":6}"));
    assertThat(BinarySerde.TALLY.serializer().serialize("t", read)[0])
        .isEqualTo(BinarySerde.VERSION);
  }

  @Test
  void shouldRefuseAnUnknownVersionNamingTheStoreAndTheVersion() {
    BinarySerde<Tally> serde = BinarySerde.TALLY.forStore("all-time-store");
    byte[] bytes = serde.serializer().serialize("t", Tally.EMPTY);
    bytes[0] = 2;
    assertThatThrownBy(
            () ->
                serde.deserializer().deserialize("weather-streams-all-time-store-changelog", bytes))
        .isInstanceOf(StateFormatException.class)
        .hasMessageContaining("all-time-store")
        .hasMessageContaining("weather-streams-all-time-store-changelog")
        .hasMessageContaining("unknown state format version 2")
        .hasMessageContaining("reads version 1");
    bytes[0] = (byte) 0xff;
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
        .hasMessageContaining("version 255");
  }

  @Test
  void shouldRefuseBrokenJsonRatherThanReadItAsFigures() {
    assertThatThrownBy(
            () ->
                BinarySerde.AGGREGATE
                    .forStore("window-store")
                    .deserializer()
                    .deserialize("t", utf8("{\"count\":")))
        .isInstanceOf(StateFormatException.class)
        .hasMessageContaining("window-store")
        .hasMessageContaining("JSON of an earlier release");
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

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
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
