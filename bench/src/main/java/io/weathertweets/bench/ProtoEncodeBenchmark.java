package io.weathertweets.bench;

import io.weathertweets.proto.v1.PublishRequest;
import io.weathertweets.proto.v1.Tweet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Protobuf cost per tweet: the Kafka record value / AMQP body, and a 100-tweet gRPC batch. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProtoEncodeBenchmark {
  private Tweet tweet;
  private byte[] encoded;
  private List<Tweet> batch;

  @Setup
  public void setUp() {
    batch = Tweets.generate(100, 7);
    tweet = batch.get(0);
    encoded = tweet.toByteArray();
  }

  @Benchmark
  public byte[] encodeTweet() {
    return tweet.toByteArray();
  }

  @Benchmark
  public Tweet decodeTweet() throws Exception {
    return Tweet.parseFrom(encoded);
  }

  @Benchmark
  public byte[] encodeBatchOf100() {
    return PublishRequest.newBuilder().addAllTweets(batch).build().toByteArray();
  }
}
