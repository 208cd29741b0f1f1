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
 * format makes those copies of a few big-endian numbers instead of JSON parsing and printing (a
 * protobuf encoding of the same state measured 4.7 to 11 times its cost: bench/ANALYSIS.md).
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
 * <p><b>Reading state of earlier releases.</b> Changelog topics outlive a release: a store restored
 * after an upgrade holds what the previous release wrote. Values without a version byte are the
 * JSON of the releases before this format (they start with <code>'{'</code>, never a version byte)
 * and are read as such; each is rewritten in this format by its next update. A value with a version
 * this release does not know (written by a newer release: a rollback) is refused with a {@link
 * StateFormatException} naming the store and the version, never read as wrong figures.
 *
 * <p><b>Changing the format</b>: give the new layout the next version, write only that, and keep
 * reading every earlier version (and the JSON) here, with a test that decodes fixed bytes of each
 * ({@code BinarySerdeTest}). Rolling back across a format change needs a state reset.
 */
final class BinarySerde<T> implements Serde<T> {
  static final byte VERSION = 1;

  /** The first byte of every value the releases before this format wrote: a JSON object. */
  static final byte LEGACY_JSON = '{';

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

  private final Class<T> type;
  private final String store;
  private final Size<T> size;
  private final Writer<T> writer;
  private final Reader<T> reader;
  private final JsonSerde<T> legacyJson;
  private final Serializer<T> serializer;
  private final Deserializer<T> deserializer;

  private BinarySerde(Class<T> type, Size<T> size, Writer<T> writer, Reader<T> reader) {
    this(type, type.getSimpleName() + " state", size, writer, reader);
  }

  private BinarySerde(
      Class<T> type, String store, Size<T> size, Writer<T> writer, Reader<T> reader) {
    this.type = type;
    this.store = store;
    this.size = size;
    this.writer = writer;
    this.reader = reader;
    this.legacyJson = new JsonSerde<>(type);
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
    this.deserializer = (topic, bytes) -> bytes == null ? null : read(topic, bytes);
  }

  /** The same format, with {@code store} named in every error (the store or repartition topic). */
  BinarySerde<T> forStore(String store) {
    return new BinarySerde<>(type, store, size, writer, reader);
  }

  private T read(String topic, byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == LEGACY_JSON) {
      try {
        return legacyJson.deserializer().deserialize(topic, bytes);
      } catch (SerializationException e) {
        throw new StateFormatException(
            where(topic)
                + ": value starts like the JSON of an earlier release but does not read as "
                + type.getSimpleName(),
            e);
      }
    }
    if (bytes.length == 0 || bytes[0] != VERSION) {
      throw new StateFormatException(
          where(topic)
              + ": "
              + (bytes.length == 0
                  ? "empty value"
                  : "unknown state format version " + Byte.toUnsignedInt(bytes[0]))
              + "; this release reads version "
              + VERSION
              + " and the JSON of earlier releases. A newer release wrote it: rolling back across a "
              + "state format change needs a state reset (kafka-streams-application-reset and the local "
              + "state directory, or a new STREAMS_APPLICATION_ID).");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    T value;
    try {
      value = reader.read(buffer);
    } catch (BufferUnderflowException e) {
      throw new StateFormatException(
          where(topic) + ": value is truncated: " + bytes.length + " bytes", e);
    } catch (StateFormatException e) {
      throw new StateFormatException(where(topic) + ": " + e.getMessage(), e);
    }
    if (buffer.hasRemaining()) {
      throw new StateFormatException(
          where(topic) + ": value has " + buffer.remaining() + " unexpected trailing bytes");
    }
    return value;
  }

  private String where(String topic) {
    return store + " (" + type.getSimpleName() + ", topic " + topic + ")";
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
      throw new StateFormatException(
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
