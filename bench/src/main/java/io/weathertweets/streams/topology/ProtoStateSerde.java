package io.weathertweets.streams.topology;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.proto.state.AggregateState;
import io.weathertweets.proto.state.MunicipalityAggregateState;
import io.weathertweets.proto.state.OverviewState;
import io.weathertweets.proto.state.TallyState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The aggregate state as the messages of {@code
 * proto/.../weathertweets/state/aggregate_state.proto}, each value preceded by the format byte
 * {@value #FORMAT}.
 */
final class ProtoStateSerde<T, M extends MessageLite> implements Serde<T> {
  static final byte FORMAT = 2;

  interface Parser<M> {
    M parse(byte[] bytes, int offset, int length) throws InvalidProtocolBufferException;
  }

  static final ProtoStateSerde<Aggregate, AggregateState> AGGREGATE =
      new ProtoStateSerde<>(
          Aggregate.class,
          ProtoStateSerde::toProto,
          ProtoStateSerde::fromProto,
          (b, o, l) -> AggregateState.parser().parseFrom(b, o, l));

  static final ProtoStateSerde<Tally, TallyState> TALLY =
      new ProtoStateSerde<>(
          Tally.class,
          t ->
              TallyState.newBuilder()
                  .setAggregate(toProto(t.aggregate()))
                  .setLastAcceptedMs(t.lastAcceptedMs())
                  .build(),
          m -> new Tally(fromProto(m.getAggregate()), m.getLastAcceptedMs()),
          (b, o, l) -> TallyState.parser().parseFrom(b, o, l));

  static final ProtoStateSerde<MunicipalityAggregate, MunicipalityAggregateState>
      MUNICIPALITY_AGGREGATE =
          new ProtoStateSerde<>(
              MunicipalityAggregate.class,
              ProtoStateSerde::toProto,
              ProtoStateSerde::fromProto,
              (b, o, l) -> MunicipalityAggregateState.parser().parseFrom(b, o, l));

  static final ProtoStateSerde<Overview, OverviewState> OVERVIEW =
      new ProtoStateSerde<>(
          Overview.class,
          o -> {
            OverviewState.Builder builder = OverviewState.newBuilder();
            o.byMunicipality()
                .forEach(
                    (m, a) -> builder.addMunicipalities(toProto(new MunicipalityAggregate(m, a))));
            return builder.build();
          },
          s -> {
            Map<Municipality, Aggregate> byMunicipality = new EnumMap<>(Municipality.class);
            for (MunicipalityAggregateState entry : s.getMunicipalitiesList()) {
              MunicipalityAggregate m = fromProto(entry);
              byMunicipality.put(m.municipality(), m.aggregate());
            }
            return new Overview(byMunicipality);
          },
          (b, o, l) -> OverviewState.parser().parseFrom(b, o, l));

  private final String type;
  private final Serializer<T> serializer;
  private final Deserializer<T> deserializer;

  private ProtoStateSerde(
      Class<T> type, Function<T, M> toProto, Function<M, T> fromProto, Parser<M> parser) {
    this.type = type.getSimpleName();
    this.serializer =
        (topic, value) -> {
          if (value == null) {
            return null;
          }
          M message = toProto.apply(value);
          byte[] bytes = new byte[1 + message.getSerializedSize()];
          bytes[0] = FORMAT;
          CodedOutputStream out = CodedOutputStream.newInstance(bytes, 1, bytes.length - 1);
          try {
            message.writeTo(out);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          out.checkNoSpaceLeft();
          return bytes;
        };
    this.deserializer =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          if (bytes.length == 0 || bytes[0] != FORMAT) {
            throw new SerializationException(this.type + " state: not format " + FORMAT);
          }
          try {
            return fromProto.apply(parser.parse(bytes, 1, bytes.length - 1));
          } catch (InvalidProtocolBufferException e) {
            throw new SerializationException(this.type + " state does not parse", e);
          }
        };
  }

  static AggregateState toProto(Aggregate a) {
    return AggregateState.newBuilder()
        .setCount(a.count())
        .setTemperatureSum(a.temperatureSum())
        .setTemperatureMin(a.temperatureMin())
        .setTemperatureMax(a.temperatureMax())
        .setHumiditySum(a.humiditySum())
        .setSunny(a.sunny())
        .setCloudy(a.cloudy())
        .setRainy(a.rainy())
        .setFoggy(a.foggy())
        .setLastEventMs(a.lastEventMs())
        .build();
  }

  static Aggregate fromProto(AggregateState s) {
    return new Aggregate(
        s.getCount(),
        s.getTemperatureSum(),
        s.getTemperatureMin(),
        s.getTemperatureMax(),
        s.getHumiditySum(),
        s.getSunny(),
        s.getCloudy(),
        s.getRainy(),
        s.getFoggy(),
        s.getLastEventMs());
  }

  static MunicipalityAggregateState toProto(MunicipalityAggregate m) {
    return MunicipalityAggregateState.newBuilder()
        .setMunicipality(m.municipality().toProto())
        .setAggregate(toProto(m.aggregate()))
        .build();
  }

  static MunicipalityAggregate fromProto(MunicipalityAggregateState s) {
    return new MunicipalityAggregate(
        Municipality.fromProto(s.getMunicipality()), fromProto(s.getAggregate()));
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
