package io.weathertweets.streams.topology;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.bench.Tweets;
import io.weathertweets.proto.v1.Tweet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serde;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Serialize + deserialize of the streams-app's aggregate state, in each state format. Kafka
 * Streams' record cache holds serialized bytes, so every counted tweet reads and writes its
 * municipality's all-time {@link Tally} and its window's {@link Aggregate} once each ({@link
 * #perTweet}); the overview and its repartition value are written once per commit. The values are
 * what a running deployment holds: an all-time tally of a million tweets, a minute's window of
 * 1,500, an overview of every municipality. In the streams-app's package because the serdes are
 * package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StateSerdeBenchmark {
  @Param({"binary", "protobuf"})
  public String format;

  private WeatherTopology.StateSerdes serdes;
  private Tally tally;
  private Aggregate window;
  private MunicipalityAggregate regroup;
  private Overview overview;

  @Setup
  public void setUp() {
    serdes = StateSerdeBenchmarks.serdes(format);
    List<Tweet> tweets = Tweets.generate(1_500, 13);
    Aggregate minute = Aggregate.EMPTY;
    for (Tweet tweet : tweets) {
      minute = minute.plus(tweet);
    }
    window = minute;
    // A million tweets: a minute's figures scaled up, extremes and last event time kept.
    long scale = 1_000_000 / minute.count();
    Aggregate allTime =
        new Aggregate(
            minute.count() * scale,
            minute.temperatureSum() * scale,
            minute.temperatureMin(),
            minute.temperatureMax(),
            minute.humiditySum() * scale,
            minute.sunny() * scale,
            minute.cloudy() * scale,
            minute.rainy() * scale,
            minute.foggy() * scale,
            minute.lastEventMs());
    tally = new Tally(allTime, tweets.get(tweets.size() - 1).getAcceptedAtMs());
    regroup = new MunicipalityAggregate(Municipality.GUATEMALA, allTime);
    Overview all = Overview.empty();
    for (Municipality m : Municipality.values()) {
      all = all.with(m, allTime);
    }
    overview = all;
  }

  private static <T> T roundTrip(Serde<T> serde, T value) {
    return serde.deserializer().deserialize("state", serde.serializer().serialize("state", value));
  }

  @Benchmark
  public Tally tally() {
    return roundTrip(serdes.tally(), tally);
  }

  @Benchmark
  public Aggregate window() {
    return roundTrip(serdes.window(), window);
  }

  /** What each counted tweet costs: the all-time tally and the window, each read and written. */
  @Benchmark
  public Object perTweet() {
    Tally t = roundTrip(serdes.tally(), tally);
    Aggregate w = roundTrip(serdes.window(), window);
    return t.aggregate().count() > w.count() ? t : w;
  }

  @Benchmark
  public MunicipalityAggregate regroup() {
    return roundTrip(serdes.regroup(), regroup);
  }

  @Benchmark
  public Overview overview() {
    return roundTrip(serdes.overview(), overview);
  }
}
