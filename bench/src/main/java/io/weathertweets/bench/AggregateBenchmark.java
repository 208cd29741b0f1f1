package io.weathertweets.bench;

import io.weathertweets.aggregates.Aggregate;
import io.weathertweets.aggregates.Municipality;
import io.weathertweets.aggregates.Overview;
import io.weathertweets.aggregates.StoreLayout;
import io.weathertweets.proto.v1.Tweet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The aggregate update both paths share: {@link Aggregate#plus(Tweet)} per tweet (the Streams
 * aggregator), the hash fields written for one municipality, and the panel hashes rebuilt once per
 * Redis flush.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AggregateBenchmark {
  private List<Tweet> tweets;
  private Aggregate aggregate;
  private Overview overview;
  private int next;

  @Setup
  public void setUp() {
    tweets = Tweets.generate(1024, 11);
    aggregate = Aggregate.EMPTY;
    for (Tweet tweet : tweets) {
      aggregate = aggregate.plus(tweet);
    }
    Overview all = Overview.empty();
    for (Municipality m : Municipality.values()) {
      all = all.with(m, aggregate);
    }
    overview = all;
  }

  @Benchmark
  public Aggregate plus() {
    Tweet tweet = tweets.get(next++ & 1023);
    return aggregate.plus(tweet);
  }

  @Benchmark
  public Map<String, String> toFields() {
    return aggregate.toFields();
  }

  @Benchmark
  public Map<String, Map<String, String>> panelHashes() {
    return overview.panelHashes(StoreLayout.DEFAULT);
  }
}
