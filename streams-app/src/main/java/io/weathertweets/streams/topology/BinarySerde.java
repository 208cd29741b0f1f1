package io.weathertweets.streams.topology;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Fixed-layout binary format of the aggregate state: the state stores, their changelogs, the
 * suppression buffer and the overview's repartition topic. Kafka Streams' record cache holds
 * serialized bytes, so every tweet costs a read and a write of each aggregate it updates; this
 * format makes those copies of a few big-endian numbers instead of JSON parsing and printing.
 *
 * <p>Every value starts with a format version byte ({@value #VERSION}), then:
 *
 * <ul>
 *   <li>{@link Aggregate}: count, temperature sum (longs), temperature min, max (ints), humidity
 *       sum, sunny, cloudy, rainy, foggy, last event ms (longs) — {@value #AGGREGATE_BYTES} bytes;
 *   <li>{@link Tally}: an aggregate, then the last accepted-at ms (long);
 *   <li>{@link MunicipalityAggregate}: the municipality's ordinal (byte), then an aggregate;
 *   <li>{@link Overview}: the number of municipalities (byte), then that many (ordinal, aggregate)
 *       pairs.
 * </ul>
 *
 * Municipality ordinals follow {@link Municipality}'s declaration order: append new municipalities
 * at its end.
 *
 * <p><b>Upgrading from the JSON state format</b> (releases before this class) needs a fresh state:
 * stop every instance, then either run {@code kafka-streams-application-reset} for the application
 * id and delete the local state directories, or start with a new {@code STREAMS_APPLICATION_ID}.
 * The all-time figures are then recomputed from the input topic's retained tweets. An instance that
 * meets JSON or an unknown version in its changelogs fails with an error that says so, rather than
 * reading wrong figures.
 */
final class BinarySerde<T> implements Serde<T> {
  static final byte VERSION = 1;
  static final int AGGREGATE_BYTES = 8 * 8 + 2 * 4;
  private static final Municipality[] MUNICIPALITIES = Municipality.values();

  static final BinarySerde<Aggregate> AGGREGATE =
      new BinarySerde<>(
          Aggregate.class,
          a -> AGGREGATE_BYTES,
          BinarySerde::putAggregate,
          BinarySerde::getAggregate);

  static final BinarySerde<Tally> TALLY =
      new BinarySerde<>(
          Tally.class,
          t -> AGGREGATE_BYTES + 8,
          (buffer, t) -> {
            putAggregate(buffer, t.aggregate());
            buffer.putLong(t.lastAcceptedMs());
          },
          buffer -> new Tally(getAggregate(buffer), buffer.getLong()));

  static final BinarySerde<MunicipalityAggregate> MUNICIPALITY_AGGREGATE =
      new BinarySerde<>(
          MunicipalityAggregate.class,
          m -> 1 + AGGREGATE_BYTES,
          (buffer, m) -> {
            buffer.put((byte) m.municipality().ordinal());
            putAggregate(buffer, m.aggregate());
          },
          buffer -> new MunicipalityAggregate(getMunicipality(buffer), getAggregate(buffer)));

  static final BinarySerde<Overview> OVERVIEW =
      new BinarySerde<>(
          Overview.class,
          o -> 1 + o.byMunicipality().size() * (1 + AGGREGATE_BYTES),
          (buffer, o) -> {
            buffer.put((byte) o.byMunicipality().size());
            o.byMunicipality()
                .forEach(
                    (m, a) -> {
                      buffer.put((byte) m.ordinal());
                      putAggregate(buffer, a);
                    });
          },
          buffer -> {
            int entries = Byte.toUnsignedInt(buffer.get());
            Map<Municipality, Aggregate> byMunicipality = new EnumMap<>(Municipality.class);
            for (int i = 0; i < entries; i++) {
              byMunicipality.put(getMunicipality(buffer), getAggregate(buffer));
            }
            return new Overview(byMunicipality);
          });

  private interface Size<T> {
    int of(T value);
  }

  private interface Writer<T> {
    void write(ByteBuffer buffer, T value);
  }

  private interface Reader<T> {
    T read(ByteBuffer buffer);
  }

  private final String type;
  private final Serializer<T> serializer;
  private final Deserializer<T> deserializer;

  private BinarySerde(Class<T> type, Size<T> size, Writer<T> writer, Reader<T> reader) {
    this.type = type.getSimpleName();
    this.serializer =
        (topic, value) -> {
          if (value == null) {
            return null;
          }
          ByteBuffer buffer = ByteBuffer.allocate(1 + size.of(value));
          buffer.put(VERSION);
          writer.write(buffer, value);
          return buffer.array();
        };
    this.deserializer = (topic, bytes) -> bytes == null ? null : read(bytes, reader);
  }

  private T read(byte[] bytes, Reader<T> reader) {
    if (bytes.length == 0 || bytes[0] != VERSION) {
      throw new SerializationException(
          bytes.length > 0 && bytes[0] == '{'
              ? type
                  + " state is in the JSON format of an earlier release; this release reads format version "
                  + VERSION
                  + " only. Reset the application's state (kafka-streams-application-reset and the local "
                  + "state directory) or start with a new STREAMS_APPLICATION_ID."
              : type
                  + " state has unknown format version "
                  + (bytes.length == 0 ? "(empty value)" : bytes[0])
                  + "; this release reads version "
                  + VERSION
                  + " only. Was it written by a newer release?");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    T value;
    try {
      value = reader.read(buffer);
    } catch (BufferUnderflowException e) {
      throw new SerializationException(type + " state is truncated: " + bytes.length + " bytes", e);
    }
    if (buffer.hasRemaining()) {
      throw new SerializationException(
          type + " state has " + buffer.remaining() + " unexpected trailing bytes");
    }
    return value;
  }

  private static void putAggregate(ByteBuffer buffer, Aggregate a) {
    buffer
        .putLong(a.count())
        .putLong(a.temperatureSum())
        .putInt(a.temperatureMin())
        .putInt(a.temperatureMax())
        .putLong(a.humiditySum())
        .putLong(a.sunny())
        .putLong(a.cloudy())
        .putLong(a.rainy())
        .putLong(a.foggy())
        .putLong(a.lastEventMs());
  }

  private static Aggregate getAggregate(ByteBuffer buffer) {
    return new Aggregate(
        buffer.getLong(),
        buffer.getLong(),
        buffer.getInt(),
        buffer.getInt(),
        buffer.getLong(),
        buffer.getLong(),
        buffer.getLong(),
        buffer.getLong(),
        buffer.getLong(),
        buffer.getLong());
  }

  private static Municipality getMunicipality(ByteBuffer buffer) {
    int ordinal = Byte.toUnsignedInt(buffer.get());
    if (ordinal >= MUNICIPALITIES.length) {
      throw new SerializationException(
          "unknown municipality ordinal "
              + ordinal
              + " (this release knows "
              + MUNICIPALITIES.length
              + "); was the state written by a newer release?");
    }
    return MUNICIPALITIES[ordinal];
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
